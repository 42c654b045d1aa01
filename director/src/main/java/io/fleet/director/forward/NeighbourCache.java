package io.fleet.director.forward;

import java.util.Arrays;

/**
 * IP address to MAC address, learned from ARP and neighbour advertisements and from the source of frames that
 * arrive. Fixed capacity, open addressing with a short probe; when the probe window is full the oldest entry in
 * it is overwritten, so the cache never grows. No allocation.
 */
public final class NeighbourCache
{
    public static final long MISSING = -1;
    private static final int PROBE = 8;

    private final int mask;
    private final int[] keys;
    private final boolean[] v6;
    private final long[] macs;
    private final long[] stamps;
    private long clock;

    /** @param capacity entries, rounded up to a power of two. */
    public NeighbourCache(final int capacity)
    {
        final int size = Integer.highestOneBit(Math.max(PROBE, capacity - 1)) << 1;
        this.mask = size - 1;
        this.keys = new int[4 * size];
        this.v6 = new boolean[size];
        this.macs = new long[size];
        this.stamps = new long[size];
        Arrays.fill(macs, MISSING);
    }

    /** The MAC for an address (four words, IPv4 in word 3), or {@link #MISSING}. */
    public long lookup(final boolean ipv6, final int w0, final int w1, final int w2, final int w3)
    {
        final int home = hash(ipv6, w0, w1, w2, w3);
        for (int i = 0; i < PROBE; i++)
        {
            final int s = (home + i) & mask;
            if (macs[s] != MISSING && matches(s, ipv6, w0, w1, w2, w3))
            {
                return macs[s];
            }
        }
        return MISSING;
    }

    /** Records or refreshes an address's MAC. */
    public void learn(final boolean ipv6, final int w0, final int w1, final int w2, final int w3, final long mac)
    {
        final int home = hash(ipv6, w0, w1, w2, w3);
        int victim = home;
        long oldest = Long.MAX_VALUE;
        for (int i = 0; i < PROBE; i++)
        {
            final int s = (home + i) & mask;
            if (macs[s] == MISSING || matches(s, ipv6, w0, w1, w2, w3))
            {
                victim = s;
                break;
            }
            if (stamps[s] < oldest)
            {
                oldest = stamps[s];
                victim = s;
            }
        }
        keys[4 * victim] = w0;
        keys[4 * victim + 1] = w1;
        keys[4 * victim + 2] = w2;
        keys[4 * victim + 3] = w3;
        v6[victim] = ipv6;
        macs[victim] = mac;
        stamps[victim] = ++clock;
    }

    private boolean matches(final int s, final boolean ipv6, final int w0, final int w1, final int w2, final int w3)
    {
        return v6[s] == ipv6 && keys[4 * s] == w0 && keys[4 * s + 1] == w1 && keys[4 * s + 2] == w2 && keys[4 * s + 3] == w3;
    }

    private int hash(final boolean ipv6, final int w0, final int w1, final int w2, final int w3)
    {
        int h = (w0 * 31 + w1) * 31 + w2;
        h = (h * 31 + w3) * 0x9E3779B1;
        return (h ^ (h >>> 16) ^ (ipv6 ? 0x55 : 0)) & mask;
    }
}
