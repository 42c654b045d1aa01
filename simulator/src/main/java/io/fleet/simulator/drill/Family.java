package io.fleet.simulator.drill;

import io.fleet.director.packet.FrameWriter;
import io.fleet.director.service.FlowKey;
import io.fleet.director.service.IpAddress;

/**
 * The drill's address family. Every host's address is a 32-bit number (the client, VIP, server, gateway and local
 * address plans of the IPv4 drill); with IPv6 it becomes the low word of {@code 2001:db8:f1ee::/96} (a documentation
 * prefix), so that the same plan, the same per-flow arithmetic and the same frames' last address word serve both.
 */
final class Family
{
    static final int PREFIX0 = 0x2001_0DB8;
    static final int PREFIX1 = 0xF1EE_0000;
    static final int PREFIX2 = 0;

    final boolean ipv6;

    Family(final boolean ipv6)
    {
        this.ipv6 = ipv6;
    }

    IpAddress address(final int low)
    {
        return ipv6 ? IpAddress.ofIpv6(PREFIX0, PREFIX1, PREFIX2, low) : IpAddress.ofIpv4(low);
    }

    /** Sets the writer's source and destination. */
    FrameWriter ip(final FrameWriter writer, final int source, final int destination)
    {
        return ipv6 ? writer.ip(address(source), address(destination)) : writer.ipv4(source, destination);
    }

    int version()
    {
        return ipv6 ? 6 : 4;
    }

    /** ICMP port unreachable (v4: type 3 code 3; v6: type 1 code 4). */
    int unreachableType()
    {
        return ipv6 ? 1 : 3;
    }

    int portUnreachableCode()
    {
        return ipv6 ? 4 : 3;
    }

    FlowKey key(final FlowKey key, final int protocol, final int client, final int clientPort, final int vip, final int vipPort)
    {
        return ipv6 ? key.set6(protocol, PREFIX0, PREFIX1, PREFIX2, client, clientPort, PREFIX0, PREFIX1, PREFIX2, vip, vipPort)
            : key.ipv4(protocol, client, clientPort, vip, vipPort);
    }
}
