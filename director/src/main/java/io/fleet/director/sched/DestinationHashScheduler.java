package io.fleet.director.sched;

import io.fleet.director.service.FlowKey;
import io.fleet.director.service.RealServer;
import io.fleet.director.service.Scheduler;

/**
 * dh (ip_vs_dh.c): destination hashing. A 256-bucket table filled with the servers in turn (weights ignored)
 * and indexed by {@code hash_32} of the destination address; an unavailable server means no pick, there is no
 * fallback.
 */
final class DestinationHashScheduler implements Scheduler
{
    static final int TABLE_BITS = 8;
    static final int TABLE_SIZE = 1 << TABLE_BITS;

    private RealServer[] table = new RealServer[TABLE_SIZE];

    @Override
    public void update(final RealServer[] servers)
    {
        final RealServer[] t = new RealServer[TABLE_SIZE];
        if (servers.length > 0)
        {
            for (int i = 0; i < TABLE_SIZE; i++)
            {
                t[i] = servers[i % servers.length];
            }
        }
        table = t;
    }

    @Override
    public RealServer pick(final FlowKey flow, final long nowNs)
    {
        final RealServer rs = table[bucket(flow.dstFold())];
        return rs != null && rs.available() ? rs : null;
    }

    static int bucket(final int addressFold)
    {
        return Hashing.hash32(addressFold, TABLE_BITS);
    }

    RealServer[] table()
    {
        return table;
    }
}
