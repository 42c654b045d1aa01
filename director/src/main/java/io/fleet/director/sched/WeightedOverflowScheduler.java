package io.fleet.director.sched;

import io.fleet.director.service.FlowKey;
import io.fleet.director.service.RealServer;
import io.fleet.director.service.Scheduler;

/**
 * ovf (ip_vs_ovf.c): weighted overflow. The highest-weight available server whose active connections do not
 * exceed its weight (equal is still eligible); ties go to the server earlier in the list. When it fills up,
 * new connections overflow to the next weight down.
 */
final class WeightedOverflowScheduler implements Scheduler
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
        RealServer highest = null;
        for (final RealServer rs : servers)
        {
            final int w = rs.weight();
            if (rs.overloaded() || w == 0 || rs.activeConnections() > w)
            {
                continue;
            }
            if (highest == null || w > highest.weight())
            {
                highest = rs;
            }
        }
        return highest;
    }
}
