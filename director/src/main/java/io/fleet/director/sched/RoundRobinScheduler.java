package io.fleet.director.sched;

import io.fleet.director.service.FlowKey;
import io.fleet.director.service.RealServer;
import io.fleet.director.service.Scheduler;

/**
 * rr (ip_vs_rr.c): the next available server after the last one picked, wrapping round and ending with the
 * last one itself. Weight matters only as zero or not.
 */
final class RoundRobinScheduler implements Scheduler
{
    private RealServer[] servers = SchedulerFactory.NO_SERVERS;
    /** Index of the last server picked; -1 is the list head, "before the first". */
    private int cursor = -1;

    @Override
    public void update(final RealServer[] newServers)
    {
        // If the cursor's server left, IPVS moves the cursor to the previous entry (ip_vs_rr_del_dest), so the
        // next pick is the server that followed the removed one.
        int newCursor = -1;
        for (int i = cursor; i >= 0 && newCursor < 0; i--)
        {
            newCursor = indexOf(newServers, servers[i]);
        }
        servers = newServers;
        cursor = newCursor;
    }

    @Override
    public RealServer pick(final FlowKey flow, final long nowNs)
    {
        final RealServer[] s = servers;
        final int n = s.length;
        int i = cursor;
        for (int scanned = 0; scanned < n; scanned++)
        {
            i = i + 1 == n ? 0 : i + 1;
            final RealServer rs = s[i];
            if (rs.available())
            {
                cursor = i;
                return rs;
            }
        }
        return null;
    }

    static int indexOf(final RealServer[] servers, final RealServer rs)
    {
        for (int i = 0; i < servers.length; i++)
        {
            if (servers[i] == rs)
            {
                return i;
            }
        }
        return -1;
    }
}
