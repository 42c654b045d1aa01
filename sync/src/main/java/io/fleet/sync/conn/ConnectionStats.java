package io.fleet.sync.conn;

import java.util.concurrent.atomic.LongAdder;

/** Counters of the connection replication, readable from any thread (metrics, benchmarks). */
public final class ConnectionStats
{
    private final LongAdder offered = new LongAdder();
    private final LongAdder accepted = new LongAdder();
    private final LongAdder queueFull = new LongAdder();
    private final LongAdder flushed = new LongAdder();
    private final LongAdder delivered = new LongAdder();
    private final LongAdder fullDiffs = new LongAdder();
    private final LongAdder updateFailures = new LongAdder();

    void addUpdateFailure()
    {
        updateFailures.increment();
    }

    /** Local updates the replicator did not apply (only while it stops). */
    public long updateFailures()
    {
        return updateFailures.sum();
    }

    void addOffered(final boolean replicate)
    {
        offered.increment();
        if (replicate)
        {
            accepted.increment();
        }
    }

    void addQueueFull()
    {
        queueFull.increment();
    }

    void addFlushed(final int count)
    {
        flushed.add(count);
    }

    void addDelivered()
    {
        delivered.increment();
    }

    void addFullDiff()
    {
        fullDiffs.increment();
    }

    /** Events offered by drainers. */
    public long offered()
    {
        return offered.sum();
    }

    /** Offers the policy chose to replicate. */
    public long accepted()
    {
        return accepted.sum();
    }

    /** Accepted offers refused because the queue was full. */
    public long queueFullCount()
    {
        return queueFull.sum();
    }

    /** Records written into local deltas. */
    public long flushed()
    {
        return flushed.sum();
    }

    /** Remote records handed to the worker. */
    public long delivered()
    {
        return delivered.sum();
    }

    /** Times a bucket had to be diffed in full (after full-state gossip or catch-up) instead of by lineage. */
    public long fullDiffs()
    {
        return fullDiffs.sum();
    }
}
