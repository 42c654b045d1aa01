package io.fleet.director.sched;

import io.fleet.director.service.FlowKey;
import io.fleet.director.service.RealServer;
import io.fleet.director.service.Scheduler;

/**
 * wrr (ip_vs_wrr.c): passes over the list with a current weight that starts at the maximum weight and falls
 * by the weights' gcd each pass; a server is picked when its weight reaches the current weight. Weights 4, 3, 2
 * give A A B A B C A B C.
 */
final class WeightedRoundRobinScheduler implements Scheduler
{
    private static final int HEAD = -1;
    private static final int NO_STOP = -2;

    private RealServer[] servers = SchedulerFactory.NO_SERVERS;
    /** Current position; HEAD before the first server. */
    private int cl = HEAD;
    /** Current weight. */
    private int cw;
    /** Maximum weight, less gcd - 1 so that the last pass of a cycle runs at weight 1. */
    private int mw;
    /** Step: the gcd of the positive weights, 1 when there are none. */
    private int di = 1;

    @Override
    public void update(final RealServer[] newServers)
    {
        // ip_vs_wrr_dest_changed: restart at the head and keep the current weight where it still makes sense.
        servers = newServers;
        cl = HEAD;
        int g = 0;
        int max = 0;
        for (final RealServer rs : newServers)
        {
            final int w = rs.weight();
            if (w > 0)
            {
                g = g > 0 ? Hashing.gcd(w, g) : w;
            }
            max = Math.max(max, w);
        }
        di = g > 0 ? g : 1;
        mw = max - (di - 1);
        if (cw > mw || cw == 0)
        {
            cw = mw;
        }
        else if (di > 1)
        {
            cw = (cw / di) * di + 1;
        }
    }

    @Override
    public RealServer pick(final FlowKey flow, final long nowNs)
    {
        if (mw == 0)
        {
            return null;
        }
        final RealServer[] s = servers;
        final int n = s.length;
        final int last = cl;
        int d = cl;
        int stop = NO_STOP;
        boolean lastPass = false;
        boolean restarted = false;
        while (true)
        {
            for (d = d + 1; d < n; d++)
            {
                final RealServer rs = s[d];
                if (!rs.overloaded() && rs.weight() >= cw)
                {
                    cl = d;
                    return rs;
                }
                if (d == stop)
                {
                    cl = d;
                    return null;
                }
            }
            d = HEAD;
            cw -= di;
            if (cw <= 0)
            {
                cw = mw;
                if (lastPass || last == HEAD)
                {
                    cl = HEAD;
                    return null;
                }
                restarted = true;
            }
            lastPass = cw <= di;
            if (lastPass && restarted && last != HEAD)
            {
                // The first traversal at weight >= 1 covered only the servers after 'last'; finish at 'last'.
                stop = last;
            }
        }
    }
}
