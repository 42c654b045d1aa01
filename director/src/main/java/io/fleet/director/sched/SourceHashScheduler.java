package io.fleet.director.sched;

import io.fleet.director.service.FlowKey;
import io.fleet.director.service.RealServer;
import io.fleet.director.service.Scheduler;

/**
 * sh (ip_vs_sh.c): source hashing. A 256-bucket table where each server takes as many consecutive buckets as
 * its weight (a quiesced server one), indexed by {@code hash_32} of the client address, plus the client port
 * with {@code sh-port}. With {@code sh-fallback} an unavailable server's flows are re-hashed with growing
 * offsets until an available server turns up; without it they get no server.
 */
final class SourceHashScheduler implements Scheduler
{
    static final int TABLE_BITS = 8;
    static final int TABLE_SIZE = 1 << TABLE_BITS;
    static final int TABLE_MASK = TABLE_SIZE - 1;

    private final boolean fallback;
    private final boolean usePort;
    private RealServer[] table = new RealServer[TABLE_SIZE];

    SourceHashScheduler(final boolean fallback, final boolean usePort)
    {
        this.fallback = fallback;
        this.usePort = usePort;
    }

    @Override
    public void update(final RealServer[] servers)
    {
        // ip_vs_sh_reassign: walk the list circularly, giving each server 'weight' buckets (at least one).
        final RealServer[] t = new RealServer[TABLE_SIZE];
        if (servers.length > 0)
        {
            int p = 0;
            int count = 0;
            for (int i = 0; i < TABLE_SIZE; i++)
            {
                t[i] = servers[p];
                if (++count >= servers[p].weight())
                {
                    p = p + 1 == servers.length ? 0 : p + 1;
                    count = 0;
                }
            }
        }
        table = t;
    }

    @Override
    public RealServer pick(final FlowKey flow, final long nowNs)
    {
        final int address = flow.srcFold();
        final int port = usePort ? flow.srcPort() : 0;
        final int ihash = hashKey(address, port, 0);
        RealServer rs = table[ihash];
        if (rs == null)
        {
            return null;
        }
        if (rs.available())
        {
            return rs;
        }
        if (!fallback)
        {
            return null;
        }
        for (int offset = 0; offset < TABLE_SIZE; offset++)
        {
            final int roffset = (offset + ihash) & TABLE_MASK;
            rs = table[hashKey(address, port, roffset)];
            if (rs == null)
            {
                return null;
            }
            if (rs.available())
            {
                return rs;
            }
        }
        return null;
    }

    /** {@code ip_vs_sh_hashkey}: (offset + hash_32(port + address, 8)) mod 256. */
    static int hashKey(final int addressFold, final int port, final int offset)
    {
        return (offset + Hashing.hash32(port + addressFold, TABLE_BITS)) & TABLE_MASK;
    }

    RealServer[] table()
    {
        return table;
    }
}
