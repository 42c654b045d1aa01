package io.fleet.director.sched;

import io.fleet.director.service.FlowKey;
import io.fleet.director.service.RealServer;
import io.fleet.director.service.Scheduler;

/**
 * mh (ip_vs_mh.c): Maglev consistent hashing (Eisenbud et al., NSDI 2016). Each server has a permutation of
 * the table's slots derived from two hashes of its address and port; servers take turns claiming their next
 * free slot, as many turns per round as their weight (scaled by the weights' gcd and shifted so that the largest
 * fits in a byte), until every slot is taken. The client address (and port with {@code mh-port}) picks a slot.
 *
 * <p>The table size M must be prime. Fleet's default is 65537; the kernel's is 4093 (primes 251 .. 131071
 * selectable at build time). With the kernel's size the table is exactly the kernel's, since the hashes are
 * the kernel's fixed-key SipHash-1-3.
 */
final class MaglevScheduler implements Scheduler
{
    /** Fleet's default table size: prime, > 100 x servers for up to 655 servers. */
    static final int DEFAULT_TABLE_SIZE = 65537;
    /** Kernel {@code generate_hash_secret}: both words of each key are the same constant. */
    static final long HASH1_KEY = 2654435761L;
    static final long HASH2_KEY = 2654446892L;

    private final int tableSize;
    private final int tableBits;
    private final boolean fallback;
    private final boolean usePort;
    private RealServer[] lookup;

    MaglevScheduler(final int tableSize, final boolean fallback, final boolean usePort)
    {
        if (!isPrime(tableSize))
        {
            throw new IllegalArgumentException("mh table size must be prime: " + tableSize);
        }
        this.tableSize = tableSize;
        // The kernel's IP_VS_MH_TAB_BITS is half the log2 of the table size: 6 for 4093, 8 for 65521.
        this.tableBits = (32 - Integer.numberOfLeadingZeros(tableSize - 1)) / 2;
        this.fallback = fallback;
        this.usePort = usePort;
        this.lookup = new RealServer[tableSize];
    }

    @Override
    public void update(final RealServer[] servers)
    {
        lookup = populate(servers, tableSize, tableBits);
    }

    /** Builds the lookup table; runs on the control side, never per packet. */
    static RealServer[] populate(final RealServer[] servers, final int tableSize, final int tableBits)
    {
        final RealServer[] table = new RealServer[tableSize];
        if (servers.length > tableSize)
        {
            throw new IllegalArgumentException(servers.length + " servers do not fit an mh table of " + tableSize);
        }
        int gcd = 0;
        int maxWeight = 0;
        for (final RealServer rs : servers)
        {
            final int w = rs.lastWeight();
            if (w > 0)
            {
                gcd = gcd > 0 ? Hashing.gcd(w, gcd) : w;
                maxWeight = Math.max(maxWeight, w);
            }
        }
        if (gcd < 1)
        {
            return table;
        }
        final int shift = (32 - Integer.numberOfLeadingZeros(maxWeight / gcd)) - tableBits;
        final int rshift = Math.max(shift, 0);

        final int n = servers.length;
        final int[] perm = new int[n];
        final int[] skip = new int[n];
        final int[] turns = new int[n];
        for (int i = 0; i < n; i++)
        {
            final RealServer rs = servers[i];
            final int value = rs.address().fold() + rs.port();
            perm[i] = Integer.remainderUnsigned(Hashing.hsiphash32(value, HASH1_KEY), tableSize);
            skip[i] = Integer.remainderUnsigned(Hashing.hsiphash32(value, HASH2_KEY), tableSize - 1) + 1;
            final int lw = rs.lastWeight();
            final int t = (lw / gcd) >> rshift;
            turns[i] = t != 0 ? t : (lw != 0 ? 1 : 0);
        }

        final boolean[] used = new boolean[tableSize];
        int filled = 0;
        while (true)
        {
            for (int i = 0; i < n; i++)
            {
                for (int turn = 0; turn < turns[i]; turn++)
                {
                    int c = perm[i];
                    while (used[c])
                    {
                        c += skip[i];
                        if (c >= tableSize)
                        {
                            c -= tableSize;
                        }
                    }
                    perm[i] = c;
                    used[c] = true;
                    table[c] = servers[i];
                    if (++filled == tableSize)
                    {
                        return table;
                    }
                }
            }
        }
    }

    @Override
    public RealServer pick(final FlowKey flow, final long nowNs)
    {
        final int address = flow.srcFold();
        final int port = usePort ? flow.srcPort() : 0;
        final RealServer[] t = lookup;
        final int ihash = slot(address, port, 0);
        RealServer rs = t[ihash];
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
        for (int offset = 0; offset < tableSize; offset++)
        {
            final int roffset = (offset + ihash) % tableSize;
            rs = t[slot(address, port, roffset)];
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

    /** {@code ip_vs_mh_hashkey} with hash1, reduced to a slot. */
    private int slot(final int addressFold, final int port, final int offset)
    {
        return Integer.remainderUnsigned(Hashing.hsiphash32(offset + port + addressFold, HASH1_KEY), tableSize);
    }

    int tableSize()
    {
        return tableSize;
    }

    RealServer[] table()
    {
        return lookup;
    }

    static boolean isPrime(final int n)
    {
        if (n < 2)
        {
            return false;
        }
        for (int d = 2; (long)d * d <= n; d++)
        {
            if (n % d == 0)
            {
                return false;
            }
        }
        return true;
    }
}
