package io.fleet.director.sched;

import io.fleet.director.service.FlowKey;
import io.fleet.director.service.RealServer;
import io.fleet.director.service.Scheduler;

/**
 * sed (ip_vs_sed.c): shortest expected delay, the available server with the least {@code (active + 1) / weight}
 * (inactive connections do not count), by cross-multiplication; ties go to the server earlier in the list.
 */
final class ShortestExpectedDelayScheduler implements Scheduler
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
        RealServer least = null;
        long leastOverhead = 0;
        long leastWeight = 0;
        for (final RealServer rs : servers)
        {
            if (!rs.available())
            {
                continue;
            }
            final long overhead = rs.activeConnections() + 1L;
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
