package io.fleet.director.proxy;

import io.fleet.director.service.IpAddress;
import io.fleet.director.service.VirtualService;

import java.net.InetSocketAddress;

/**
 * One client connection (or UDP session) the proxy relays now: its service, the client, the VIP it reached, the
 * real server, whether it is established ({@code ESTABLISHED} in IPVS terms) and since when ({@link System#nanoTime}).
 */
public record ProxyConnection(
    VirtualService service, InetSocketAddress client, InetSocketAddress vip, IpAddress realServer, int realPort,
    boolean established, boolean udp, long sinceNs)
{
}
