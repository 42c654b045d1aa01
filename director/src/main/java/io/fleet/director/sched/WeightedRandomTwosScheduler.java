package io.fleet.director.sched;

import io.fleet.director.service.FlowKey;
import io.fleet.director.service.RealServer;
import io.fleet.director.service.Scheduler;

import java.util.SplittableRandom;

/**
 * twos (ip_vs_twos.c): weighted random twos choice. Two servers are drawn at random in proportion to their
 * weights; the one with the lower connection overhead per weight wins, the first draw on a tie.
 */
final class WeightedRandomTwosScheduler implements Scheduler
{
    private final SplittableRandom random;
    private RealServer[] servers = SchedulerFactory.NO_SERVERS;

    WeightedRandomTwosScheduler(final long seed)
    {
        this.random = new SplittableRandom(seed);
    }

    @Override
    public void update(final RealServer[] newServers)
    {
        servers = newServers;
    }

    @Override
    public RealServer pick(final FlowKey flow, final long nowNs)
    {
        final RealServer[] s = servers;
        long totalWeight = 0;
        RealServer choice1 = null;
        for (final RealServer rs : s)
        {
            if (rs.available())
            {
                totalWeight += rs.weight();
                choice1 = rs;
            }
        }
        if (choice1 == null)
        {
            return null;
        }
        // The kernel adds one so that both draws fall in [0, total]; a draw of 0 selects the first server.
        totalWeight += 1;
        long r1 = Integer.toUnsignedLong(random.nextInt()) % totalWeight;
        long r2 = Integer.toUnsignedLong(random.nextInt()) % totalWeight;
        RealServer choice2 = null;
        int weight1 = -1;
        int weight2 = -1;
        for (final RealServer rs : s)
        {
            if (!rs.available())
            {
                continue;
            }
            final int w = rs.weight();
            r1 -= w;
            r2 -= w;
            if (r1 <= 0 && weight1 == -1)
            {
                choice1 = rs;
                weight1 = w;
            }
            if (r2 <= 0 && weight2 == -1)
            {
                choice2 = rs;
                weight2 = w;
            }
            if (weight1 != -1 && weight2 != -1)
            {
                break;
            }
        }
        if (choice2 != null && weight1 != -1
            && (long)weight2 * choice1.connectionOverhead() > (long)weight1 * choice2.connectionOverhead())
        {
            return choice2;
        }
        return choice1;
    }
}
