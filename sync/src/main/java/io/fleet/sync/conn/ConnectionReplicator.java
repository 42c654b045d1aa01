package io.fleet.sync.conn;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.ddata.typed.javadsl.DistributedData;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Subscribe;
import org.apache.pekko.cluster.ddata.typed.javadsl.Replicator;
import org.apache.pekko.cluster.ddata.typed.javadsl.ReplicatorMessageAdapter;

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

    private record SelfIsUp(org.apache.pekko.cluster.typed.SelfUp event) implements Command
    {
    }

    private record ReplicasKnown(Replicator.ReplicaCount count) implements Command
    {
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
    private final PendingQueue queue;
    private final RemoteConnectionListener listener;
    private final CompletableFuture<Void> caughtUp;
    private final LongSupplier clockMs;
    private final ActorRef<Replicator.Command> replicator;
    private final ActorRef<Replicator.UpdateResponse<ConnectionReplica>> updateAdapter;
    private final ActorRef<Replicator.GetResponse<ConnectionReplica>> readAdapter;
    private final ReplicatorMessageAdapter<Command, ConnectionReplica> catchUpReads;
    private final ConnectionKey[] keys;
    private final ConnectionReplica[] seen;
    private final boolean[] caughtUpBucket;
    private final HybridLogicalClock clock = new HybridLogicalClock();
    private final ConnectionReplica initial;
    private final ConnectionStats stats;
    private final TimerScheduler<Command> timers;
    private final ActorRef<Replicator.ReplicaCount> countAdapter;
    private int bucketsCaughtUp;
    private boolean catchUpStarted;
    private int membersAtSelfUp = 1;
    private int pruneCursor;

    /** Static settings of the replicator, from {@code fleet.sync.connections}. */
    record Settings(
        int nodeId, int buckets, Duration flushInterval, int batchMax, Duration pollInterval, Duration pruneInterval,
        long maxLifetimeMs, Duration catchUpTimeout)
    {
    }

    private ConnectionReplicator(
        final ActorContext<Command> context, final TimerScheduler<Command> timers, final Settings settings,
        final PendingQueue queue, final RemoteConnectionListener listener,
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
        // One adapter per message class (a second registration replaces the first): catch-up reads use asks.
        this.catchUpReads = new ReplicatorMessageAdapter<>(context, replicator, settings.catchUpTimeout().multipliedBy(2));
        this.keys = new ConnectionKey[settings.buckets()];
        for (int i = 0; i < keys.length; i++)
        {
            keys[i] = ConnectionKey.of(i);
        }
        this.seen = new ConnectionReplica[settings.buckets()];
        this.caughtUpBucket = new boolean[settings.buckets()];
        this.initial = ConnectionReplica.empty(settings.maxLifetimeMs());

        this.timers = timers;
        this.countAdapter = context.messageAdapter(Replicator.ReplicaCount.class, ReplicasKnown::new);
        timers.startTimerWithFixedDelay(Flush.INSTANCE, settings.flushInterval());
        timers.startTimerWithFixedDelay(Poll.INSTANCE, settings.pollInterval());
        timers.startTimerWithFixedDelay(Prune.INSTANCE, pruneTick(settings));
        Cluster.get(context.getSystem()).subscriptions().tell(Subscribe.create(
            context.messageAdapter(org.apache.pekko.cluster.typed.SelfUp.class, SelfIsUp::new),
            org.apache.pekko.cluster.typed.SelfUp.class));
    }

    static Behavior<Command> create(
        final Settings settings, final PendingQueue queue,
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
            .onMessage(SelfIsUp.class, this::onSelfUp)
            .onMessage(ReplicasKnown.class, this::onReplicasKnown)
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
            stats.addUpdateFailure();
            getContext().getLog().debug("connection update failed: {}", done.response());
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
                // Full-state gossip brings copies of versions already handed over: compare versions, not objects.
                final ConnectionReplica.Entry before = previous == null ? null : previous.entry(e.key());
                if (before == null || before.hlc() != e.hlc() || before.node() != e.node())
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

    /**
     * Catch-up waits until this node is Up and the replicator knows every Up member: a majority read issued
     * earlier would be answered by this node alone, with nothing in it.
     */
    private Behavior<Command> onSelfUp(final SelfIsUp selfUp)
    {
        if (selfUp.event() != null)
        {
            // The members Up when this node became Up: the replicator must know all of them before reading.
            int up = 0;
            for (final org.apache.pekko.cluster.Member m : selfUp.event().currentClusterState().getMembers())
            {
                if (m.status() == org.apache.pekko.cluster.MemberStatus.up())
                {
                    up++;
                }
            }
            membersAtSelfUp = Math.max(1, up);
        }
        replicator.tell(new Replicator.GetReplicaCount(countAdapter));
        return this;
    }

    private Behavior<Command> onReplicasKnown(final ReplicasKnown known)
    {
        if (known.count().n() >= membersAtSelfUp)
        {
            return onStartCatchUp();
        }
        timers.startSingleTimer(new SelfIsUp(null), Duration.ofMillis(50));
        return this;
    }

    private Behavior<Command> onStartCatchUp()
    {
        if (catchUpStarted)
        {
            return this;
        }
        catchUpStarted = true;
        for (int b = 0; b < keys.length; b++)
        {
            if (!caughtUpBucket[b])
            {
                askCatchUp(b);
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
            askCatchUp(bucket);
        }
        return this;
    }

    private void askCatchUp(final int bucket)
    {
        final ConnectionKey key = keys[bucket];
        catchUpReads.askGet(
            replyTo -> new Replicator.Get<>(key, new Replicator.ReadMajority(settings.catchUpTimeout()), replyTo),
            CatchUpRead::new);
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
