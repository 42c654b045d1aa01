package io.fleet.sync.vip;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.ddata.Key;
import org.apache.pekko.cluster.ddata.typed.javadsl.DistributedData;
import org.apache.pekko.cluster.ddata.typed.javadsl.Replicator;

import io.fleet.sync.ClusterNode;
import io.fleet.sync.catalog.FieldMap;

/**
 * Who holds each VIP group, replicated over the cluster (Distributed Data, one {@link FieldMap} key, not durable):
 * the election's shared memory where its rules depend on history (no preemption) and its hand-over channel (the
 * old holder acknowledges the release before the new one takes). Claims and releases go to every reachable
 * director at once ({@code WriteAll}, then gossip for the rest); listeners hear every change, on the watcher's thread.
 * The merge rule is {@link HolderClaims}'s.
 */
public final class HolderRegister
{
    /** The Distributed Data key; not in {@code fleet.sync.catalog.durable} keys: claims die with the fleet. */
    public static final String KEY = "fleet-vip-holders";
    private static final Duration WRITE_TIMEOUT = Duration.ofSeconds(1);

    private static final class HolderKey extends Key<FieldMap>
    {
        HolderKey(final String id)
        {
            super(id);
        }
    }

    private sealed interface Command
    {
    }

    private record Changed(Replicator.SubscribeResponse<FieldMap> response) implements Command
    {
    }

    private record Refresh(CompletableFuture<Map<String, Claim>> reply) implements Command
    {
    }

    private record Fetched(Replicator.GetResponse<FieldMap> response) implements Command
    {
    }

    private final ClusterNode node;
    private final Key<FieldMap> key = new HolderKey(KEY);
    private final AtomicReference<Map<String, Claim>> cache = new AtomicReference<>(Map.of());
    private final List<Consumer<Map<String, Claim>>> listeners = new CopyOnWriteArrayList<>();
    private final ActorRef<Replicator.Command> replicator;
    private final ActorRef<Command> watcher;

    private HolderRegister(final ClusterNode node, final String name)
    {
        this.node = node;
        this.replicator = DistributedData.get(node.system()).replicator();
        this.watcher = node.system().systemActorOf(watcher(), name, Props.empty());
    }

    /** Starts the register on {@code node}. */
    public static HolderRegister start(final ClusterNode node)
    {
        return new HolderRegister(node, "fleetVipHolders");
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private Behavior<Command> watcher()
    {
        return Behaviors.setup(ctx ->
        {
            final ActorRef<Replicator.SubscribeResponse<FieldMap>> changes =
                (ActorRef)ctx.messageAdapter(Replicator.SubscribeResponse.class, r -> new Changed(cast(r)));
            final ActorRef<Replicator.GetResponse<FieldMap>> fetched =
                (ActorRef)ctx.messageAdapter(Replicator.GetResponse.class, r -> new Fetched(cast(r)));
            replicator.tell(new Replicator.Subscribe<>(key, changes));
            final java.util.ArrayDeque<CompletableFuture<Map<String, Claim>>> waiting = new java.util.ArrayDeque<>();
            return Behaviors.receive(Command.class)
                .onMessage(Changed.class, c ->
                {
                    if (c.response() instanceof Replicator.Changed<FieldMap> changed)
                    {
                        publish(changed.dataValue());
                    }
                    return Behaviors.same();
                })
                .onMessage(Refresh.class, r ->
                {
                    waiting.add(r.reply());
                    replicator.tell(new Replicator.Get<>(key, new Replicator.ReadAll(WRITE_TIMEOUT), fetched));
                    return Behaviors.same();
                })
                .onMessage(Fetched.class, f ->
                {
                    if (f.response() instanceof Replicator.GetSuccess<FieldMap> success)
                    {
                        publish(success.dataValue());
                    }
                    // Not found (nobody claimed anything yet) or a timeout (some director did not answer): what this
                    // director has is the best there is; gossip brings the rest.
                    final CompletableFuture<Map<String, Claim>> reply = waiting.poll();
                    if (reply != null)
                    {
                        reply.complete(cache.get());
                    }
                    return Behaviors.same();
                })
                .build();
        });
    }

    @SuppressWarnings("unchecked")
    private static <T> T cast(final Object o)
    {
        return (T)o;
    }

    private void publish(final FieldMap value)
    {
        final Map<String, Claim> claims = HolderClaims.read(value);
        if (claims.equals(cache.getAndSet(claims)))
        {
            return;
        }
        for (final Consumer<Map<String, Claim>> l : listeners)
        {
            l.accept(claims);
        }
    }

    /** This director ({@code holder}) claims {@code group} in {@code term}, taking it from {@code from} (or null). */
    public void claim(final String group, final long term, final String holder, final String from)
    {
        final int writer = node.nodeId();
        update(map -> HolderClaims.claim(map, group, term, holder, from, writer));
    }

    /** This director ({@code releaser}) released {@code group} for the claim of {@code term}. */
    public void released(final String group, final long term, final String releaser)
    {
        final int writer = node.nodeId();
        update(map -> HolderClaims.released(map, group, term, releaser, writer));
    }

    private void update(final java.util.function.Function<FieldMap, FieldMap> modify)
    {
        replicator.tell(new Replicator.Update<>(key, FieldMap.EMPTY, new Replicator.WriteAll(WRITE_TIMEOUT),
            node.system().ignoreRef(), modify));
    }

    /**
     * Reads every reachable director's register (merging it into this one's) and completes with the result; used by
     * a director coming back from the other side of a partition before it acts on what it knew.
     */
    public CompletionStage<Map<String, Claim>> refresh()
    {
        final CompletableFuture<Map<String, Claim>> reply = new CompletableFuture<>();
        watcher.tell(new Refresh(reply));
        return reply;
    }

    /** The claims as this director knows them now. */
    public Map<String, Claim> claims()
    {
        return cache.get();
    }

    /** Hears every change of the claims (on the register's actor thread; must not block). */
    public void addListener(final Consumer<Map<String, Claim>> listener)
    {
        listeners.add(listener);
    }
}
