package io.fleet.director.port;

import io.fleet.director.service.IpAddress;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The BPF filter a {@link PcapPort} installs so that the kernel hands the director only what it may act on:
 * ARP, IPv6 neighbour discovery, traffic to the VIPs it holds and to its FULLNAT local addresses, and replies
 * from NAT/FULLNAT real servers. Everything else never crosses into user space.
 */
public final class PcapFilter
{
    private PcapFilter()
    {
    }

    /**
     * @param vips        held VIPs.
     * @param local       FULLNAT local addresses.
     * @param natServers  addresses of real servers whose replies come back through the director.
     */
    public static String of(final Collection<IpAddress> vips, final Collection<IpAddress> local, final Collection<IpAddress> natServers)
    {
        final Set<String> terms = new LinkedHashSet<>();
        terms.add("arp");
        terms.add("(icmp6 and (ip6[40] == 135 or ip6[40] == 136))");
        for (final IpAddress a : vips)
        {
            terms.add("dst host " + a);
        }
        for (final IpAddress a : local)
        {
            terms.add("dst host " + a);
        }
        for (final IpAddress a : natServers)
        {
            terms.add("src host " + a);
        }
        return String.join(" or ", terms);
    }
}
