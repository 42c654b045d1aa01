package io.fleet.vrrp.wire;

import java.nio.charset.StandardCharsets;
import java.util.List;

import io.fleet.vrrp.election.VipAddress;

/**
 * One virtual router in wire mode, as Keepalived's {@code vrrp_instance}.
 *
 * @param name             instance name, used for notify scripts and the announcer.
 * @param version          2 (RFC 3768) or 3 (RFC 5798).
 * @param vrid             virtual router id, 1..255 ({@code virtual_router_id}).
 * @param priority         1..254, or 255 when this node owns the addresses.
 * @param advertIntervalCs advertisement interval in centiseconds ({@code advert_int} × 100); v2: whole seconds.
 * @param preempt          take over from a lower-priority master ({@code nopreempt} turns it off).
 * @param authPass         v2 simple-text password ({@code auth_type PASS}, at most 8 bytes), or null for none.
 * @param addresses        the virtual addresses, all IPv4, or all IPv6 (v3 only).
 * @param primaryAddress   this node's address on the link: the advert source and the tie breaker; for IPv6 its
 *                         link-local address.
 * @param useVirtualMac    send adverts and answer ARP/ND from 00:00:5e:00:0{1,2}:VRID as RFC 5798 says (true), or
 *                         from the port's own MAC as Keepalived does without {@code use_vmac} (false).
 */
public record VrrpInstanceConfig(
    String name, int version, int vrid, int priority, int advertIntervalCs, boolean preempt, String authPass,
    List<VipAddress> addresses, VipAddress primaryAddress, boolean useVirtualMac)
{
    public VrrpInstanceConfig
    {
        addresses = List.copyOf(addresses);
        if (vrid < 1 || vrid > 255)
        {
            throw new IllegalArgumentException(name + ": VRID " + vrid + " is not 1..255");
        }
        if (addresses.isEmpty() || addresses.size() > 255)
        {
            throw new IllegalArgumentException(name + ": 1..255 virtual addresses are needed");
        }
        final boolean v6 = primaryAddress.isIpv6();
        for (final VipAddress a : addresses)
        {
            if (a.isIpv6() != v6)
            {
                throw new IllegalArgumentException(name + ": " + a + " is not of the primary address's family");
            }
        }
        if (v6 && version == 2)
        {
            throw new IllegalArgumentException(name + ": VRRP v2 is IPv4 only");
        }
        if (authPass != null && (version != 2 || authPass.getBytes(StandardCharsets.UTF_8).length > 8))
        {
            throw new IllegalArgumentException(name + ": auth_pass is v2 only and at most 8 bytes");
        }
    }

    public boolean isIpv6()
    {
        return primaryAddress.isIpv6();
    }

    /** The 8 bytes of v2 authentication data: the password zero padded, or zeros. */
    public byte[] authData()
    {
        final byte[] data = new byte[8];
        if (authPass != null)
        {
            final byte[] p = authPass.getBytes(StandardCharsets.UTF_8);
            System.arraycopy(p, 0, data, 0, p.length);
        }
        return data;
    }

    public int authType()
    {
        return authPass == null ? VrrpCodec.AUTH_NONE : VrrpCodec.AUTH_SIMPLE_TEXT;
    }
}
