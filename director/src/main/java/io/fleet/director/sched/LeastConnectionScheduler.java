package io.fleet.director.sched;

import io.fleet.director.service.FlowKey;
import io.fleet.director.service.RealServer;
import io.fleet.director.service.Scheduler;

/**
 * lc (ip_vs_lc.c): the available server with the least connection overhead ({@code active * 256 + inactive});
 * ties go to the server earlier in the list. Weights count only as zero or not.
 */
final class LeastConnectionScheduler implements Scheduler
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
        for (final RealServer rs : servers)
        {
            if (!rs.available())
            {
                continue;
            }
            final long overhead = rs.connectionOverhead();
            if (least == null || overhead < leastOverhead)
            {
                least = rs;
                leastOverhead = overhead;
            }
        }
        return least;
    }
}
