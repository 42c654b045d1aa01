package io.fleet.director.sched;

import io.fleet.director.service.FlowKey;
import io.fleet.director.service.RealServer;
import io.fleet.director.service.Scheduler;

/**
 * fo (ip_vs_fo.c): weighted failover, the available server with the highest weight; ties go to the server
 * earlier in the list. Everything goes to one server until it is quiesced or overloaded.
 */
final class WeightedFailoverScheduler implements Scheduler
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
        int highestWeight = 0;
        for (final RealServer rs : servers)
        {
            if (!rs.overloaded() && rs.weight() > highestWeight)
            {
                highest = rs;
                highestWeight = rs.weight();
            }
        }
        return highest;
    }
}
