package io.fleet.director.forward;

import io.fleet.director.service.RealServer;

/**
 * One real server of one virtual service, as the forwarding core sees it (IPVS's {@code ip_vs_dest}): its
 * number in the connection table, its next-hop MAC, and its traffic counters. Owned by the worker.
 */
public final class Destination
{
    final int id;
    /** Index of its service in the core, or -1 once removed (kept while connections are bound: IPVS's trash). */
    int service;
    /** ipvsadm key of its service, so that a removed server coming back finds its destination again. */
    String serviceKey;
    final RealServer server;
    final int[] address = new int[4];
    /** Next-hop MAC, learned (ARP/ND) or configured; {@link NeighbourCache#MISSING} until known. */
    long mac;
    /** When an ARP request / neighbour solicitation for this server last went out. */
    long lastSolicitNs = Long.MIN_VALUE / 2;

    long connections;
    long packetsIn;
    long packetsOut;
    long bytesIn;
    long bytesOut;

    Destination(final int id, final int service, final RealServer server, final long mac)
    {
        this.id = id;
        this.service = service;
        this.server = server;
        for (int i = 0; i < 4; i++)
        {
            address[i] = server.address().word(i);
        }
        this.mac = mac;
    }

    public int id()
    {
        return id;
    }

    /** Index of its service in the core now, or a negative value once it was removed from its service. */
    public int service()
    {
        return service;
    }

    public RealServer server()
    {
        return server;
    }

    public long mac()
    {
        return mac;
    }

    public long connections()
    {
        return connections;
    }

    public long packetsIn()
    {
        return packetsIn;
    }

    public long packetsOut()
    {
        return packetsOut;
    }

    public long bytesIn()
    {
        return bytesIn;
    }

    public long bytesOut()
    {
        return bytesOut;
    }
}
