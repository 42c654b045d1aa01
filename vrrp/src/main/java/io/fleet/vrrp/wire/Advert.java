package io.fleet.vrrp.wire;

import java.util.List;

import io.fleet.vrrp.election.VipAddress;

/**
 * One VRRP advertisement, as decoded from or encoded to the wire.
 *
 * @param version    2 (RFC 3768) or 3 (RFC 5798).
 * @param vrid       virtual router id, 1..255.
 * @param priority   0 (master is leaving), 1..254, or 255 (address owner).
 * @param intervalCs advertisement interval in centiseconds; v2 carries whole seconds, so a multiple of 100.
 * @param authType   v2 only: 0 none, 1 simple text password; always 0 for v3.
 * @param authData   v2 only: the 8 bytes of authentication data (the password, zero padded); empty for v3.
 * @param addresses  the virtual addresses, all IPv4 or (v3 only) all IPv6.
 * @param source     the IP source address of the packet: the sender's primary address, the tie breaker.
 */
public record Advert(
    int version, int vrid, int priority, int intervalCs, int authType, byte[] authData, List<VipAddress> addresses,
    VipAddress source)
{
    public Advert
    {
        addresses = List.copyOf(addresses);
        authData = authData.clone();
    }

    public boolean isIpv6()
    {
        return source.isIpv6();
    }

    public long intervalNs()
    {
        return intervalCs * 10_000_000L;
    }
}
