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
    private final LongAdder stateTransfersReceived = new LongAdder();
    private final LongAdder stateTransfersSent = new LongAdder();
    private final LongAdder batchesSent = new LongAdder();
    private final LongAdder batchBytesSent = new LongAdder();
    private final LongAdder batchesReceived = new LongAdder();
    private final LongAdder duplicates = new LongAdder();
    private final LongAdder resyncs = new LongAdder();
    private final LongAdder retransmissions = new LongAdder();
    private final LongAdder incompleteTransfers = new LongAdder();
    private final LongAdder repairs = new LongAdder();
    private final LongAdder refused = new LongAdder();
    private final LongAdder tableFull = new LongAdder();
    private final LagWindow lag = new LagWindow();

    void addBatchSent(final int bytes)
    {
        batchesSent.increment();
        batchBytesSent.add(bytes);
    }

    void addBatchReceived()
    {
        batchesReceived.increment();
    }

    void addDuplicate()
    {
        duplicates.increment();
    }

    void addResync()
    {
        resyncs.increment();
    }

    void addRetransmission()
    {
        retransmissions.increment();
    }

    void addStateTransferSent()
    {
        stateTransfersSent.increment();
    }

    void addStateTransferReceived()
    {
        stateTransfersReceived.increment();
    }

    void addIncompleteTransfer()
    {
        incompleteTransfers.increment();
    }

    void addRepair()
    {
        repairs.increment();
    }

    void addRefused()
    {
        refused.increment();
    }

    void addTableFull()
    {
        tableFull.increment();
    }

    /**
     * Versions of new connections this node did not store because its table held {@code max-records} already
     * (local writes are still sent to the peers; remote ones are not handed to the worker).
     */
    public long tableFull()
    {
        return tableFull.sum();
    }

    /** Batches of local writes sent (each to every peer). */
    public long batchesSent()
    {
        return batchesSent.sum();
    }

    /** Encoded bytes of those batches (once, not per peer): bytes per record = this / {@link #flushed()}. */
    public long batchBytesSent()
    {
        return batchBytesSent.sum();
    }

    /** Batches received from other writers. */
    public long batchesReceived()
    {
        return batchesReceived.sum();
    }

    /** Batches received again (after a retransmission) and skipped. */
    public long duplicates()
    {
        return duplicates.sum();
    }

    /** Gaps seen in another writer's batches, each answered by a retransmission or a state transfer. */
    public long resyncs()
    {
        return resyncs.sum();
    }

    /** Resyncs this node answered from its retransmit buffer. */
    public long retransmissions()
    {
        return retransmissions.sum();
    }

    /** Whole-state transfers this node sent (catch-up of a peer, or a resync its buffer could not serve). */
    public long stateTransfersSent()
    {
        return stateTransfersSent.sum();
    }

    /** Retransmissions or state transfers that ended with something missing, and were asked for again. */
    public long incompleteTransfers()
    {
        return incompleteTransfers.sum();
    }

    /** Anti-entropy digests that differed from this node's state and started a repair. */
    public long repairs()
    {
        return repairs.sum();
    }

    /** Messages refused as malformed (each logged). */
    public long refused()
    {
        return refused.sum();
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

    /** A record of a live batch handed to the worker {@code lagMs} after its writer stamped it. */
    void addLag(final long lagMs)
    {
        lag.record(lagMs);
    }

    /**
     * Replication lag: the time from a peer's write (its hybrid clock's physical part, so clock skew between hosts
     * adds to it) to the hand-over of the record here, for records of live batches over the last 30 to 60 s; 0
     * when none arrived. Resolution: 1 ms below 64 ms, then about 1/16 of the value.
     *
     * @param percentile 0..100.
     */
    public long lagPercentileMs(final double percentile)
    {
        return lag.percentileMs(percentile);
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

    /** Whole-state transfers received (catch-up, or a resync the writer's buffer could not serve). */
    public long stateTransfersReceived()
    {
        return stateTransfersReceived.sum();
    }

    /** Same as {@link #stateTransfersReceived()} (the name from the Distributed Data version, kept for callers). */
    public long fullDiffs()
    {
        return stateTransfersReceived();
    }
}
