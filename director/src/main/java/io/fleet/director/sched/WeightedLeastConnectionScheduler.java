package io.fleet.director.sched;

import io.fleet.director.service.FlowKey;
import io.fleet.director.service.RealServer;
import io.fleet.director.service.Scheduler;

/**
 * wlc (ip_vs_wlc.c), the IPVS default: the available server with the least connection overhead per unit of
 * weight, compared by cross-multiplication ({@code overhead(a) * weight(b) > overhead(b) * weight(a)}); ties go
 * to the server earlier in the list.
 */
final class WeightedLeastConnectionScheduler implements Scheduler
{
    private RealServer[] servers = SchedulerFactory.NO_SERVERS;

    @Override
    public void update(final RealServer[] newServers)
    {
        servers = newServers;
    }

    @Override
    public RealServer pick(final FlowKey flow, final long nowNs)
    {
        return pick(servers);
    }

    /** The weighted-least-connection choice over a list; lblc and lblcr use it too. */
    static RealServer pick(final RealServer[] servers)
    {
        RealServer least = null;
        long leastOverhead = 0;
        long leastWeight = 0;
        for (final RealServer rs : servers)
        {
            if (!rs.available())
            {
                continue;
            }
            final long overhead = rs.connectionOverhead();
            final long weight = rs.weight();
            if (least == null || leastOverhead * weight > overhead * leastWeight)
            {
                least = rs;
                leastOverhead = overhead;
                leastWeight = weight;
            }
        }
        return least;
    }
}
