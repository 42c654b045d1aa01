package io.fleet.sync.conn;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;

import org.agrona.concurrent.ManyToOneConcurrentArrayQueue;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.ddata.typed.javadsl.DistributedData;
import org.apache.pekko.cluster.ddata.typed.javadsl.Replicator;

/**
 * Moves connection records between the drainers' queue, the Distributed Data buckets and the worker: flushes
 * queued local records into one delta per bucket every flush interval (or at once when a batch is full), polls
 * the local replicas for versions other directors wrote and hands them to the {@link RemoteConnectionListener},
 * advances the horizon, and on start pulls every bucket from a majority before reporting itself caught up.
 */
final class ConnectionReplicator extends AbstractBehavior<ConnectionReplicator.Command>
{
    sealed interface Command
    {
    }

    enum Flush implements Command
    {
        INSTANCE
    }

    private enum Poll implements Command
    {
        INSTANCE
    }

    private enum Prune implements Command
    {
        INSTANCE
    }

    private enum StartCatchUp implements Command
    {
        INSTANCE
    }

    /** Replies with every live record of the local replicas (tests, {@code fleet adm -c}). */
    record Snapshot(CompletableFuture<Map<ByteKey, ConnectionReplica.Entry>> reply) implements Command
    {
    }

    private record UpdateDone(Replicator.UpdateResponse<ConnectionReplica> response) implements Command
    {
    }

    private record LocalRead(Replicator.GetResponse<ConnectionReplica> response) implements Command
    {
    }

    private record CatchUpRead(Replicator.GetResponse<ConnectionReplica> response) implements Command
    {
    }

    /** A record waiting in the drainers' queue. */
    record Pending(ByteKey key, byte[] record, long expiryMs)
    {
    }

    private final Settings settings;
    private final ManyToOneConcurrentArrayQueue<Pending> queue;
    private final RemoteConnectionListener listener;
    private final CompletableFuture<Void> caughtUp;
    private final LongSupplier clockMs;
    private final ActorRef<Replicator.Command> replicator;
    private final ActorRef<Replicator.UpdateResponse<ConnectionReplica>> updateAdapter;
    private final ActorRef<Replicator.GetResponse<ConnectionReplica>> readAdapter;
    private final ActorRef<Replicator.GetResponse<ConnectionReplica>> catchUpAdapter;
    private final ConnectionKey[] keys;
    private final ConnectionReplica[] seen;
    private final boolean[] caughtUpBucket;
    private final HybridLogicalClock clock = new HybridLogicalClock();
    private final ConnectionReplica initial;
    private final ConnectionStats stats;
    private int bucketsCaughtUp;
    private int pruneCursor;

    /** Static settings of the replicator, from {@code fleet.sync.connections}. */
    record Settings(
        int nodeId, int buckets, Duration flushInterval, int batchMax, Duration pollInterval, Duration pruneInterval,
        long maxLifetimeMs, Duration catchUpTimeout)
    {
    }

    private ConnectionReplicator(
        final ActorContext<Command> context, final TimerScheduler<Command> timers, final Settings settings,
        final ManyToOneConcurrentArrayQueue<Pending> queue, final RemoteConnectionListener listener,
        final CompletableFuture<Void> caughtUp, final LongSupplier clockMs, final ConnectionStats stats)
    {
        super(context);
        this.settings = settings;
        this.queue = queue;
        this.listener = listener;
        this.caughtUp = caughtUp;
        this.clockMs = clockMs;
        this.stats = stats;
        this.replicator = DistributedData.get(context.getSystem()).replicator();
        final Class<Replicator.UpdateResponse<ConnectionReplica>> updateClass = cast(Replicator.UpdateResponse.class);
        final Class<Replicator.GetResponse<ConnectionReplica>> getClass = cast(Replicator.GetResponse.class);
        this.updateAdapter = context.messageAdapter(updateClass, UpdateDone::new);
        this.readAdapter = context.messageAdapter(getClass, LocalRead::new);
        this.catchUpAdapter = context.messageAdapter(getClass, CatchUpRead::new);
        this.keys = new ConnectionKey[settings.buckets()];
        for (int i = 0; i < keys.length; i++)
        {
            keys[i] = ConnectionKey.of(i);
        }
        this.seen = new ConnectionReplica[settings.buckets()];
        this.caughtUpBucket = new boolean[settings.buckets()];
        this.initial = ConnectionReplica.empty(settings.maxLifetimeMs());

        timers.startTimerWithFixedDelay(Flush.INSTANCE, settings.flushInterval());
        timers.startTimerWithFixedDelay(Poll.INSTANCE, settings.pollInterval());
        timers.startTimerWithFixedDelay(Prune.INSTANCE, pruneTick(settings));
        context.getSelf().tell(StartCatchUp.INSTANCE);
    }

    static Behavior<Command> create(
        final Settings settings, final ManyToOneConcurrentArrayQueue<Pending> queue,
        final RemoteConnectionListener listener, final CompletableFuture<Void> caughtUp, final LongSupplier clockMs,
        final ConnectionStats stats)
    {
        return Behaviors.setup(ctx -> Behaviors.withTimers(timers ->
            new ConnectionReplicator(ctx, timers, settings, queue, listener, caughtUp, clockMs, stats)));
    }

    /** Buckets are pruned a few at a time so that each one is pruned once per prune interval. */
    private static Duration pruneTick(final Settings settings)
    {
        return settings.pruneInterval().dividedBy(settings.buckets()).compareTo(Duration.ofMillis(10)) < 0 ?
            Duration.ofMillis(10) : settings.pruneInterval().dividedBy(settings.buckets());
    }

    @SuppressWarnings("unchecked")
    private static <T> T cast(final Object o)
    {
        return (T)o;
    }

    @Override
    public Receive<Command> createReceive()
    {
        return newReceiveBuilder()
            .onMessageEquals(Flush.INSTANCE, this::onFlush)
            .onMessageEquals(Poll.INSTANCE, this::onPoll)
            .onMessageEquals(Prune.INSTANCE, this::onPrune)
            .onMessageEquals(StartCatchUp.INSTANCE, this::onStartCatchUp)
            .onMessage(UpdateDone.class, this::onUpdateDone)
            .onMessage(LocalRead.class, this::onLocalRead)
            .onMessage(CatchUpRead.class, this::onCatchUpRead)
            .onMessage(Snapshot.class, this::onSnapshot)
            .build();
    }

    // ------------------------------------------------------------------------------------------- local writes

    private Behavior<Command> onFlush()
    {
        if (queue.isEmpty())
        {
            return this;
        }
        final long nowMs = clockMs.getAsLong();
        final List<ConnectionReplica.Entry>[] perBucket = cast(new List<?>[settings.buckets()]);
        int drained = 0;
        Pending p;
        while (drained < settings.batchMax() && (p = queue.poll()) != null)
        {
            drained++;
            final long hlc = clock.tick(nowMs);
            // Clamping keeps the CRDT's rule "dead implies every older version dead" (see ConnectionReplica).
            final long expiryMs = Math.min(p.expiryMs(), HybridLogicalClock.physicalMs(hlc) + settings.maxLifetimeMs());
            final int bucket = p.key().bucket(settings.buckets());
            if (perBucket[bucket] == null)
            {
                perBucket[bucket] = new ArrayList<>();
            }
            perBucket[bucket].add(new ConnectionReplica.Entry(p.key(), p.record(), hlc, settings.nodeId(), expiryMs));
        }
        for (int b = 0; b < perBucket.length; b++)
        {
            final List<ConnectionReplica.Entry> batch = perBucket[b];
            if (batch != null)
            {
                final ConnectionReplica.Entry[] entries = batch.toArray(new ConnectionReplica.Entry[0]);
                replicator.tell(new Replicator.Update<>(keys[b], initial, Replicator.writeLocal(), updateAdapter,
                    r -> r.withLocal(entries, entries.length)));
            }
        }
        stats.addFlushed(drained);
        if (!queue.isEmpty())
        {
            getContext().getSelf().tell(Flush.INSTANCE);
        }
        return this;
    }

    private Behavior<Command> onUpdateDone(final UpdateDone done)
    {
        if (!(done.response() instanceof Replicator.UpdateSuccess))
        {
            getContext().getLog().warn("connection update failed: {}", done.response());
        }
        return this;
    }

    // ----------------------------------------------------------------------------------------- remote changes

    private Behavior<Command> onPoll()
    {
        for (final ConnectionKey key : keys)
        {
            replicator.tell(new Replicator.Get<>(key, Replicator.readLocal(), readAdapter));
        }
        return this;
    }

    private Behavior<Command> onLocalRead(final LocalRead read)
    {
        if (read.response() instanceof Replicator.GetSuccess<ConnectionReplica> ok)
        {
            final int bucket = ((ConnectionKey)ok.key()).bucket();
            deliver(bucket, ok.dataValue());
        }
        return this;
    }

    /** Hands the worker every version in {@code current} that another node wrote since the last delivery. */
    private void deliver(final int bucket, final ConnectionReplica current)
    {
        final ConnectionReplica previous = seen[bucket];
        if (current == previous)
        {
            return;
        }
        final long nowMs = clockMs.getAsLong();
        final Map<ByteKey, ConnectionReplica.Entry> changes = previous == null ? null : current.changesSince(previous);
        if (changes != null)
        {
            for (final ConnectionReplica.Entry e : changes.values())
            {
                // A later local write may have superseded it again within the same poll.
                if (current.entry(e.key()) == e)
                {
                    offerToWorker(e, nowMs);
                }
            }
        }
        else
        {
            stats.addFullDiff();
            current.forgetLineage();
            current.forEachLive(nowMs, e ->
            {
                if (previous == null || previous.entry(e.key()) != e)
                {
                    offerToWorker(e, nowMs);
                }
            });
        }
        seen[bucket] = current;
    }

    private void offerToWorker(final ConnectionReplica.Entry e, final long nowMs)
    {
        clock.observe(e.hlc());
        if (e.node() == settings.nodeId() || e.tombstone() || e.expiryMs() - nowMs <= 0)
        {
            return;
        }
        stats.addDelivered();
        try
        {
            listener.onRemoteRecord(e.key().bytes(), e.record(), e.expiryMs());
        }
        catch (final RuntimeException ex)
        {
            getContext().getLog().error("remote connection listener failed", ex);
        }
    }

    // ---------------------------------------------------------------------------------------------- catch-up

    private Behavior<Command> onStartCatchUp()
    {
        for (int b = 0; b < keys.length; b++)
        {
            if (!caughtUpBucket[b])
            {
                replicator.tell(new Replicator.Get<>(keys[b],
                    new Replicator.ReadMajority(settings.catchUpTimeout()), catchUpAdapter));
            }
        }
        return this;
    }

    private Behavior<Command> onCatchUpRead(final CatchUpRead read)
    {
        final Replicator.GetResponse<ConnectionReplica> response = read.response();
        final int bucket = ((ConnectionKey)response.key()).bucket();
        if (response instanceof Replicator.GetSuccess<ConnectionReplica> ok)
        {
            deliver(bucket, ok.dataValue());
            bucketCaughtUp(bucket);
        }
        else if (response instanceof Replicator.NotFound)
        {
            bucketCaughtUp(bucket);
        }
        else
        {
            // Majority not reachable yet: ask again; the node stays "not caught up" meanwhile.
            replicator.tell(new Replicator.Get<>(keys[bucket],
                new Replicator.ReadMajority(settings.catchUpTimeout()), catchUpAdapter));
        }
        return this;
    }

    private void bucketCaughtUp(final int bucket)
    {
        if (!caughtUpBucket[bucket])
        {
            caughtUpBucket[bucket] = true;
            if (++bucketsCaughtUp == keys.length)
            {
                caughtUp.complete(null);
            }
        }
    }

    // ----------------------------------------------------------------------------------------------- pruning

    private Behavior<Command> onPrune()
    {
        // A horizon on prune-interval boundaries: replicas that have seen the same writes become byte-identical,
        // so full-state gossip finds equal digests and sends nothing.
        final long step = settings.pruneInterval().toMillis();
        final long horizonMs = clockMs.getAsLong() / step * step;
        final int b = pruneCursor;
        pruneCursor = (pruneCursor + 1) % keys.length;
        // An update must always produce a delta (an unchanged state would make Pekko fall back to full state).
        if (seen[b] == null || seen[b].horizonMs() < horizonMs)
        {
            replicator.tell(new Replicator.Update<>(keys[b], initial, Replicator.writeLocal(), updateAdapter,
                r -> r.prune(horizonMs)));
        }
        return this;
    }

    private Behavior<Command> onSnapshot(final Snapshot snapshot)
    {
        final Map<ByteKey, ConnectionReplica.Entry> all = new HashMap<>();
        final long nowMs = clockMs.getAsLong();
        final ConnectionReplica[] latest = Arrays.copyOf(seen, seen.length);
        for (final ConnectionReplica r : latest)
        {
            if (r != null)
            {
                r.forEachLive(nowMs, e -> all.put(e.key(), e));
            }
        }
        snapshot.reply().complete(all);
        return this;
    }
}
