package io.fleet.sync.conn;

/**
 * What the forwarding worker's event-queue drainer sees of sync: it offers every connection event, the policy
 * decides, and accepted events are batched into deltas. Thread-safe for any number of drainers.
 */
public interface ConnectionSync
{
    /**
     * Offers one event. When the verdict replicates, key and record are copied and the connection's new
     * synced expiry is {@code change.expiryMs()}: the caller stores it for the next {@code syncedExpiryMs}.
     *
     * @return the policy's verdict, or {@link SyncPolicy.Verdict#DROPPED_QUEUE_FULL} when the replicator's
     *         bounded queue refused it (counted in {@link #queueFull()}); the next event retries.
     */
    SyncPolicy.Verdict offer(ConnectionChange change);

    /** Events the policy accepted but the bounded queue refused (the replicator falls behind). */
    long queueFull();
}
