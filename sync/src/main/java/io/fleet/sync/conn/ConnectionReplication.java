package io.fleet.sync.conn;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.LongSupplier;

import com.typesafe.config.Config;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Props;

import io.fleet.sync.ClusterNode;

/**
 * The replicated connection table of one director: drainers {@link #offer} connection events, the
 * {@link SyncPolicy} decides, accepted records travel as batched CRDT deltas streamed directly to every other
 * director (see {@link StreamReplicator}), and records other directors write come back through the
 * {@link RemoteConnectionListener}. A director must wait for
 * {@link #caughtUp()} before it takes any VIP, so that it holds the live state of the fleet first.
 */
public final class ConnectionReplication implements ConnectionSync
{
    private final PendingQueue queue;
    private final SyncPolicy policy;
    private final LongSupplier clockMs;
    private final ConnectionStats stats = new ConnectionStats();
    private final CompletableFuture<Void> caughtUp = new CompletableFuture<>();
    private final ActorRef<ConnectionReplicator.Command> actor;
    private final int batchMax;

    private ConnectionReplication(
        final ClusterNode node, final RemoteConnectionListener listener, final LongSupplier clockMs,
        final String name)
    {
        final Config c = node.syncConfig().getConfig("connections");
        this.clockMs = clockMs;
        this.policy = new SyncPolicy(c.getDouble("refresh-fraction"));
        this.queue = new PendingQueue(c.getInt("queue-capacity"));
        this.batchMax = c.getInt("batch-max");
        final StreamReplicator.Settings stream = new StreamReplicator.Settings(
            c.getInt("buckets"), batchMax, c.getInt("chunk-entries"), c.getBytes("retransmit-buffer"),
            c.getDuration("prune-interval").toMillis(), c.getDuration("max-record-lifetime").toMillis(),
            c.getDuration("anti-entropy-settle").toMillis(), c.getDuration("catch-up-timeout").toMillis(),
            c.getLong("max-records"));
        final ConnectionReplicator.Settings settings = new ConnectionReplicator.Settings(
            node.nodeId(), c.getDuration("flush-interval"), c.getDuration("anti-entropy-interval"),
            c.getDuration("prune-interval"), c.getDuration("catch-up-timeout"), stream);
        this.actor = node.system().systemActorOf(
            ConnectionReplicator.create(settings, queue, listener, caughtUp, clockMs, stats), name, Props.empty());
    }

    /** Starts replication on {@code node}, handing remote records to {@code listener}. */
    public static ConnectionReplication start(final ClusterNode node, final RemoteConnectionListener listener)
    {
        return new ConnectionReplication(node, listener, System::currentTimeMillis, "fleetConnections");
    }

    @Override
    public SyncPolicy.Verdict offer(final ConnectionChange change)
    {
        final SyncPolicy.Verdict verdict = policy.decide(change, clockMs.getAsLong());
        stats.addOffered(verdict.replicate());
        if (!verdict.replicate())
        {
            return verdict;
        }
        if (!enqueue(change.key(), change.record(), change.expiryMs()))
        {
            return SyncPolicy.Verdict.DROPPED_QUEUE_FULL;
        }
        return verdict;
    }

    /**
     * Replicates a record without asking the policy (for callers that have decided already, such as persistence
     * templates). Key and record are copied.
     *
     * @return false when the queue is full.
     * @throws IllegalArgumentException when key or record is longer than 65534 bytes.
     */
    public boolean put(final byte[] key, final byte[] record, final long expiryMs)
    {
        return enqueue(key, record, expiryMs);
    }

    private boolean enqueue(final byte[] key, final byte[] record, final long expiryMs)
    {
        if (key.length > ConnectionTable.MAX_FIELD_BYTES || record.length > ConnectionTable.MAX_FIELD_BYTES)
        {
            throw new IllegalArgumentException("connection key of " + key.length + " bytes and record of " +
                record.length + " bytes: at most " + ConnectionTable.MAX_FIELD_BYTES + " bytes each");
        }
        if (!queue.offer(new ConnectionReplicator.Pending(ByteKey.copyOf(key), record.clone(), expiryMs)))
        {
            stats.addQueueFull();
            return false;
        }
        if (queue.size() == batchMax)
        {
            // A full batch goes now rather than at the next flush tick (once per batchMax records queued).
            actor.tell(ConnectionReplicator.Flush.INSTANCE);
        }
        return true;
    }

    @Override
    public long queueFull()
    {
        return stats.queueFullCount();
    }

    public ConnectionStats stats()
    {
        return stats;
    }

    public SyncPolicy policy()
    {
        return policy;
    }

    /**
     * Completes once the whole state of a majority of the members Up when this node became Up (itself included)
     * has been received and handed to the listener.
     */
    public CompletionStage<Void> caughtUp()
    {
        return caughtUp;
    }

    /**
     * Completes once the peers at {@code hostPorts} ({@code host:port}) have each sent their whole state again (or
     * left): after a partition heals, what they wrote meanwhile is then here. For the VIP election's gate.
     */
    public CompletionStage<Void> caughtUpWith(final java.util.Set<String> hostPorts)
    {
        final CompletableFuture<Void> done = new CompletableFuture<>();
        actor.tell(new ConnectionReplicator.CatchUpWith(java.util.Set.copyOf(hostPorts), done));
        return done;
    }

    /** Every live record this node holds, for tests and {@code fleet adm -c}. */
    public CompletionStage<Map<ByteKey, ConnectionReplica.Entry>> liveRecords()
    {
        final CompletableFuture<Map<ByteKey, ConnectionReplica.Entry>> reply = new CompletableFuture<>();
        actor.tell(new ConnectionReplicator.Snapshot(reply));
        return reply.orTimeout(Duration.ofSeconds(10).toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    }
}
