package io.fleet.sync.conn;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Lag samples over a sliding window without allocation: two log-linear histograms (1 ms buckets below 64 ms, then
 * 16 buckets per power of two up to about 2^26 ms), the older one cleared and reused every {@link #HALF_MS}, read
 * together, so a percentile covers the last 30 to 60 s. Writers are the replicator's thread; readers any thread.
 */
final class LagWindow
{
    static final long HALF_MS = 30_000;
    private static final int LINEAR = 64;
    private static final int SUB = 16;
    private static final int BUCKETS = LINEAR + SUB * 21;

    private final AtomicLongArray[] halves = {new AtomicLongArray(BUCKETS), new AtomicLongArray(BUCKETS)};
    private volatile int current;
    private volatile long currentSinceMs = System.currentTimeMillis();

    void record(final long lagMs)
    {
        final long nowMs = System.currentTimeMillis();
        if (nowMs - currentSinceMs >= HALF_MS)
        {
            final int next = 1 - current;
            for (int i = 0; i < BUCKETS; i++)
            {
                halves[next].set(i, 0);
            }
            currentSinceMs = nowMs;
            current = next;
        }
        halves[current].incrementAndGet(bucket(Math.max(0, lagMs)));
    }

    long percentileMs(final double percentile)
    {
        long total = 0;
        final long[] counts = new long[BUCKETS];
        for (int i = 0; i < BUCKETS; i++)
        {
            counts[i] = halves[0].get(i) + halves[1].get(i);
            total += counts[i];
        }
        if (total == 0)
        {
            return 0;
        }
        final long rank = Math.max(1, (long)Math.ceil(total * percentile / 100.0));
        long seen = 0;
        for (int i = 0; i < BUCKETS; i++)
        {
            seen += counts[i];
            if (seen >= rank)
            {
                return upper(i);
            }
        }
        return upper(BUCKETS - 1);
    }

    static int bucket(final long ms)
    {
        if (ms < LINEAR)
        {
            return (int)ms;
        }
        final int power = 63 - Long.numberOfLeadingZeros(ms);
        final int sub = (int)((ms >>> (power - 4)) & (SUB - 1));
        return Math.min(BUCKETS - 1, LINEAR + (power - 6) * SUB + sub);
    }

    /** The largest value that falls into bucket {@code b}. */
    static long upper(final int b)
    {
        if (b < LINEAR)
        {
            return b;
        }
        final int power = (b - LINEAR) / SUB + 6;
        final int sub = (b - LINEAR) % SUB;
        return ((long)(SUB + sub + 1) << (power - 4)) - 1;
    }
}
