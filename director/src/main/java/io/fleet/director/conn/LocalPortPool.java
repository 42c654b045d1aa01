package io.fleet.director.conn;

import io.fleet.director.service.IpAddress;

/**
 * FULLNAT's director-local source addresses and ports. Every live FULLNAT connection holds one (address, port)
 * pair of its own, so no two live connections share a local tuple whatever their real server; a pair goes back
 * to the pool when its connection expires. Allocation takes addresses in turn and, per address, the port freed
 * longest ago (a ring), so a port is not reused while stray segments of its last connection may still arrive.
 * Single writer: the forwarding worker.
 */
public final class LocalPortPool
{
    /** Returned by {@link #allocate} when every pair is taken. */
    public static final long EXHAUSTED = -1;

    private final IpAddress[] addresses;
    private final int minPort;
    private final int ports;
    /** Per address, a ring of ports in the order they became free; entries from {@code heads} for {@code lengths}. */
    private final int[][] rings;
    private final int[] heads;
    private final int[] lengths;
    /** Free pairs per address (every free pair is in its ring; the ring may also hold reserved ones). */
    private final int[] counts;
    private final long[][] inUse;
    private final long[][] inRing;
    private int nextAddress;

    /**
     * @param addresses local addresses, all of one family.
     * @param minPort   lowest port handed out (for example 1024).
     * @param maxPort   highest port handed out (at most 65535).
     */
    public LocalPortPool(final IpAddress[] addresses, final int minPort, final int maxPort)
    {
        if (addresses.length == 0)
        {
            throw new IllegalArgumentException("FULLNAT needs at least one local address");
        }
        if (minPort < 1 || maxPort > 65535 || minPort > maxPort)
        {
            throw new IllegalArgumentException("local ports must satisfy 1 <= min <= max <= 65535, got " + minPort + ".." + maxPort);
        }
        for (final IpAddress a : addresses)
        {
            if (a.isIpv6() != addresses[0].isIpv6())
            {
                throw new IllegalArgumentException("local addresses mix IPv4 and IPv6: " + a);
            }
        }
        this.addresses = addresses.clone();
        this.minPort = minPort;
        this.ports = maxPort - minPort + 1;
        this.rings = new int[addresses.length][ports];
        this.heads = new int[addresses.length];
        this.lengths = new int[addresses.length];
        this.counts = new int[addresses.length];
        this.inUse = new long[addresses.length][(ports + 63) / 64];
        this.inRing = new long[addresses.length][(ports + 63) / 64];
        for (int a = 0; a < addresses.length; a++)
        {
            for (int p = 0; p < ports; p++)
            {
                rings[a][p] = minPort + p;
                inRing[a][p >>> 6] |= 1L << p;
            }
            lengths[a] = ports;
            counts[a] = ports;
        }
    }

    /** Pairs free now. */
    public long available()
    {
        long total = 0;
        for (final int c : counts)
        {
            total += c;
        }
        return total;
    }

    public int addressCount()
    {
        return addresses.length;
    }

    public IpAddress address(final int index)
    {
        return addresses[index];
    }

    /**
     * Takes a free pair.
     *
     * @return {@code addressIndex << 16 | port}, or {@link #EXHAUSTED}.
     */
    public long allocate()
    {
        for (int tried = 0; tried < addresses.length; tried++)
        {
            final int a = nextAddress;
            nextAddress = nextAddress + 1 == addresses.length ? 0 : nextAddress + 1;
            while (counts[a] > 0)
            {
                // Terminates: every free pair is in the ring, and each turn takes one entry out of it.
                final int port = rings[a][heads[a]];
                heads[a] = heads[a] + 1 == ports ? 0 : heads[a] + 1;
                lengths[a]--;
                final int bit = port - minPort;
                inRing[a][bit >>> 6] &= ~(1L << bit);
                if ((inUse[a][bit >>> 6] & (1L << bit)) != 0)
                {
                    continue; // reserved for another director's connection while it waited in the ring
                }
                counts[a]--;
                inUse[a][bit >>> 6] |= 1L << bit;
                return ((long)a << 16) | port;
            }
        }
        return EXHAUSTED;
    }

    /** Gives a pair back; a pair that is not taken is refused, so that a bug cannot hand one pair out twice. */
    public void release(final int addressIndex, final int port)
    {
        final int bit = port - minPort;
        if (addressIndex < 0 || addressIndex >= addresses.length || bit < 0 || bit >= ports
            || (inUse[addressIndex][bit >>> 6] & (1L << bit)) == 0)
        {
            throw new IllegalStateException("local pair " + addressIndex + ":" + port + " is not allocated");
        }
        inUse[addressIndex][bit >>> 6] &= ~(1L << bit);
        counts[addressIndex]++;
        // A reserved pair may still wait at its old place in the ring; it becomes free there, not twice.
        if ((inRing[addressIndex][bit >>> 6] & (1L << bit)) == 0)
        {
            final int tail = (heads[addressIndex] + lengths[addressIndex]) % ports;
            rings[addressIndex][tail] = port;
            lengths[addressIndex]++;
            inRing[addressIndex][bit >>> 6] |= 1L << bit;
        }
    }

    /**
     * Takes a specific pair out of the pool: a connection another director created with it (the local addresses
     * are shared by the fleet). The port leaves the ring lazily: {@link #allocate} skips pairs that are taken.
     */
    public void reserve(final int addressIndex, final int port)
    {
        final int bit = port - minPort;
        if (bit < 0 || bit >= ports || (inUse[addressIndex][bit >>> 6] & (1L << bit)) != 0)
        {
            return;
        }
        inUse[addressIndex][bit >>> 6] |= 1L << bit;
        counts[addressIndex]--;
    }

    /** Whether this pair is currently held by a connection. */
    public boolean allocated(final int addressIndex, final int port)
    {
        final int bit = port - minPort;
        return bit >= 0 && bit < ports && (inUse[addressIndex][bit >>> 6] & (1L << bit)) != 0;
    }

    /** The index of a local address given as four words (IPv4 in word 3), or -1. */
    public int indexOf(final int w0, final int w1, final int w2, final int w3)
    {
        for (int a = 0; a < addresses.length; a++)
        {
            final IpAddress x = addresses[a];
            if (x.word(0) == w0 && x.word(1) == w1 && x.word(2) == w2 && x.word(3) == w3)
            {
                return a;
            }
        }
        return -1;
    }
}
