package io.fleet.sync.conn;

/**
 * A hybrid logical clock (Kulkarni et al., 2014) packed in a {@code long}: the upper 48 bits are wall-clock
 * milliseconds, the lower 16 a logical counter. Timestamps it issues always grow, even when the wall clock steps
 * back, and after {@link #observe} they are above every timestamp seen from other nodes, so a write made after
 * seeing a remote record always wins over it. Single-threaded: owned by the replicator actor.
 */
public final class HybridLogicalClock
{
    public static final int LOGICAL_BITS = 16;
    private static final long LOGICAL_MASK = (1L << LOGICAL_BITS) - 1;

    private long last;

    /** The wall-clock part of {@code hlc}, in epoch milliseconds. */
    public static long physicalMs(final long hlc)
    {
        return hlc >>> LOGICAL_BITS;
    }

    public static int logical(final long hlc)
    {
        return (int)(hlc & LOGICAL_MASK);
    }

    public static long of(final long physicalMs, final int logical)
    {
        return (physicalMs << LOGICAL_BITS) | (logical & LOGICAL_MASK);
    }

    /** A timestamp for a local event at wall-clock time {@code nowMs}, above every one issued or observed. */
    public long tick(final long nowMs)
    {
        final long wall = nowMs << LOGICAL_BITS;
        // When the logical counter would overflow, borrowing the next millisecond keeps the order total.
        last = wall > last ? wall : last + 1;
        return last;
    }

    /** Moves the clock past a timestamp seen in a remote record. */
    public void observe(final long remoteHlc)
    {
        if (remoteHlc > last)
        {
            last = remoteHlc;
        }
    }

    public long last()
    {
        return last;
    }
}
