package io.fleet.director.sched;

import io.fleet.director.service.FlowKey;
import io.fleet.director.service.RealServer;
import io.fleet.director.service.Scheduler;

/**
 * nq (ip_vs_nq.c): never queue. The first available server with no active connection wins outright; when every
 * server is busy, shortest expected delay decides.
 */
final class NeverQueueScheduler implements Scheduler
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
            if (rs.activeConnections() == 0)
            {
                return rs;
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
