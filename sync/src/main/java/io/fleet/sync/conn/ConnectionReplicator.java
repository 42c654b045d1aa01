package io.fleet.sync.conn;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorRefResolver;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.SelfUp;
import org.apache.pekko.cluster.typed.Subscribe;

import io.fleet.sync.ClusterNode;

/**
 * The actor that drives a {@link StreamReplicator}: flushes the drainers' queue every flush interval (or at once
 * when a batch is full), delivers the other replicators' {@link StreamMessage}s to it, tells it who is Up, and
 * ticks its anti-entropy, retry and pruning. Peers are reached at the same actor name on their cluster address,
 * on Artery's large-message stream (see {@code ClusterNode}), so that batches never delay heartbeats.
 */
final class ConnectionReplicator extends AbstractBehavior<ConnectionReplicator.Command>
{
    /** The actor's protocol; {@link StreamMessage}s come from other nodes. */
    interface Command
    {
    }

    enum Flush implements Command
    {
        INSTANCE
    }

    private enum AntiEntropy implements Command
    {
        INSTANCE
    }

    private enum Prune implements Command
    {
        INSTANCE
    }

    private enum Retry implements Command
    {
        INSTANCE
    }

    private record SelfIsUp(SelfUp event) implements Command
    {
    }

    private record MembershipChanged(ClusterEvent.MemberEvent event) implements Command
    {
    }

    /** Replies with every live record this node holds (tests, {@code fleet adm -c}). */
    record CatchUpWith(java.util.Set<String> hostPorts, CompletableFuture<Void> done) implements Command
    {
    }

    record Snapshot(CompletableFuture<Map<ByteKey, ConnectionReplica.Entry>> reply) implements Command
    {
    }

    /** A record waiting in the drainers' queue. */
    record Pending(ByteKey key, byte[] record, long expiryMs)
    {
    }

    /** Static settings of the replicator, from {@code fleet.sync.connections}. */
    record Settings(
        int nodeId, Duration flushInterval, Duration antiEntropyInterval, Duration pruneInterval,
        Duration requestTimeout, StreamReplicator.Settings stream)
    {
    }

    private final PendingQueue queue;
    private final StreamReplicator replicator;
    private final String actorName;
    private final ActorRefResolver resolver;
    private final Map<String, ActorRef<StreamMessage>> refs = new HashMap<>();
    /** Uid of the incarnation Up at each address: a restarted node can be Up before its old self is removed. */
    private final Map<String, Long> upUids = new HashMap<>();

    private ConnectionReplicator(
        final ActorContext<Command> context, final TimerScheduler<Command> timers, final Settings settings,
        final PendingQueue queue, final RemoteConnectionListener listener,
        final CompletableFuture<Void> caughtUp, final LongSupplier clockMs, final ConnectionStats stats)
    {
        super(context);
        this.queue = queue;
        this.actorName = context.getSelf().path().name();
        this.resolver = ActorRefResolver.get(context.getSystem());
        final Cluster cluster = Cluster.get(context.getSystem());
        this.replicator = new StreamReplicator(settings.stream(), settings.nodeId(),
            cluster.selfMember().address().toString(), this::send, listener, stats, clockMs, caughtUp,
            context.getLog());

        timers.startTimerWithFixedDelay(Flush.INSTANCE, settings.flushInterval());
        timers.startTimerWithFixedDelay(AntiEntropy.INSTANCE, perBucket(settings.antiEntropyInterval(), settings));
        timers.startTimerWithFixedDelay(Prune.INSTANCE, perBucket(settings.pruneInterval(), settings));
        timers.startTimerWithFixedDelay(Retry.INSTANCE, settings.requestTimeout().dividedBy(4));
        cluster.subscriptions().tell(Subscribe.create(
            context.messageAdapter(SelfUp.class, SelfIsUp::new), SelfUp.class));
        cluster.subscriptions().tell(Subscribe.create(
            context.messageAdapter(ClusterEvent.MemberEvent.class, MembershipChanged::new), ClusterEvent.MemberEvent.class));
    }

    static Behavior<Command> create(
        final Settings settings, final PendingQueue queue,
        final RemoteConnectionListener listener, final CompletableFuture<Void> caughtUp, final LongSupplier clockMs,
        final ConnectionStats stats)
    {
        return Behaviors.setup(ctx -> Behaviors.withTimers(timers ->
            new ConnectionReplicator(ctx, timers, settings, queue, listener, caughtUp, clockMs, stats)));
    }

    /** Per-bucket work (digests, pruning) is spread so that each bucket comes round once per interval. */
    private static Duration perBucket(final Duration interval, final Settings settings)
    {
        final Duration tick = interval.dividedBy(settings.stream().buckets());
        return tick.compareTo(Duration.ofMillis(10)) < 0 ? Duration.ofMillis(10) : tick;
    }

    private void send(final String address, final StreamMessage message)
    {
        refs.computeIfAbsent(address, a -> resolver.resolveActorRef(a + "/system/" + actorName)).tell(message);
    }

    @Override
    public Receive<Command> createReceive()
    {
        return newReceiveBuilder()
            .onMessageEquals(Flush.INSTANCE, this::onFlush)
            .onMessage(StreamMessage.class, this::onStreamMessage)
            .onMessageEquals(AntiEntropy.INSTANCE, this::onAntiEntropy)
            .onMessageEquals(Prune.INSTANCE, this::onPrune)
            .onMessageEquals(Retry.INSTANCE, this::onRetry)
            .onMessage(SelfIsUp.class, this::onSelfUp)
            .onMessage(MembershipChanged.class, this::onMembershipChanged)
            .onMessage(Snapshot.class, this::onSnapshot)
            .onMessage(CatchUpWith.class, c ->
            {
                replicator.catchUpWith(c.hostPorts(), c.done());
                return this;
            })
            .build();
    }

    private Behavior<Command> onFlush()
    {
        replicator.flush(queue);
        if (!queue.isEmpty())
        {
            getContext().getSelf().tell(Flush.INSTANCE);
        }
        return this;
    }

    private Behavior<Command> onStreamMessage(final StreamMessage message)
    {
        replicator.onMessage(message);
        return this;
    }

    private Behavior<Command> onAntiEntropy()
    {
        replicator.antiEntropyTick();
        return this;
    }

    private Behavior<Command> onPrune()
    {
        replicator.pruneTick();
        return this;
    }

    private Behavior<Command> onRetry()
    {
        replicator.retryTick();
        return this;
    }

    /** Catch-up starts once this node is Up, from the members Up at that moment. */
    private Behavior<Command> onSelfUp(final SelfIsUp selfUp)
    {
        int up = 0;
        for (final Member m : selfUp.event().currentClusterState().getMembers())
        {
            if (m.status() == MemberStatus.up())
            {
                up++;
                replicator.peerUp(m.address().toString());
            }
        }
        replicator.startCatchUp(up);
        return this;
    }

    private Behavior<Command> onMembershipChanged(final MembershipChanged changed)
    {
        final ClusterEvent.MemberEvent event = changed.event();
        final String address = event.member().address().toString();
        final long uid = event.member().uniqueAddress().longUid();
        if (event instanceof ClusterEvent.MemberUp)
        {
            upUids.put(address, uid);
            replicator.peerUp(address);
        }
        else if (event instanceof ClusterEvent.MemberRemoved)
        {
            final int writer = ClusterNode.nodeIdOf(event.member().uniqueAddress());
            final Long upUid = upUids.get(address);
            if (upUid == null || upUid == uid)
            {
                upUids.remove(address);
                replicator.peerRemoved(address, writer);
                refs.remove(address);
            }
            else
            {
                replicator.forgetWriter(writer);
            }
        }
        return this;
    }

    private Behavior<Command> onSnapshot(final Snapshot snapshot)
    {
        snapshot.reply().complete(replicator.live());
        return this;
    }
}
