package io.fleet.sync;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.UniqueAddress;
import org.apache.pekko.cluster.typed.Cluster;

import io.fleet.sync.cluster.ClusterMember;
import io.fleet.sync.cluster.MembershipListener;
import io.fleet.sync.cluster.MembershipWatcher;

/**
 * One director's membership of the fleet: a Pekko typed actor system with cluster, Artery TCP (or TLS), Split
 * Brain Resolver keep-majority and the LAN-tuned failure detector, all configured from the {@code fleet.sync}
 * section (see {@code reference.conf}). The replicated connection table, catalog and health votes run on it.
 * Close it to leave the cluster and stop the system.
 */
public final class ClusterNode implements AutoCloseable
{
    private static final String REPLICATOR_PATH = "/system/ddataReplicator";
    /** Path of the connection replicator ({@code ConnectionReplication}), whose batches take the large stream. */
    private static final String CONNECTIONS_PATH = "/system/fleetConnections";

    private final ActorSystem<Void> system;
    private final Config syncConfig;
    private final ActorRef<MembershipWatcher.Command> watcher;
    private final int nodeId;

    private ClusterNode(final ActorSystem<Void> system, final Config syncConfig)
    {
        this.system = system;
        this.syncConfig = syncConfig;
        this.watcher = system.systemActorOf(MembershipWatcher.create(), "fleetMembership", Props.empty());
        this.nodeId = nodeIdOf(Cluster.get(system).selfMember().uniqueAddress());
    }

    /**
     * Starts a node from {@code config} (the director's config; {@code fleet.sync} defaults come from this
     * module's {@code reference.conf}). It joins the configured seed nodes in the background.
     */
    public static ClusterNode start(final Config config)
    {
        final Config merged = config.withFallback(ConfigFactory.defaultReference()).resolve();
        final Config sync = merged.getConfig("fleet.sync");
        final Config pekko = pekkoConfig(sync).withFallback(ConfigFactory.load(config));
        final ActorSystem<Void> system =
            ActorSystem.create(Behaviors.empty(), sync.getString("node.system-name"), pekko);
        return new ClusterNode(system, sync);
    }

    /** Pekko settings derived from a {@code fleet.sync} section. */
    static Config pekkoConfig(final Config sync)
    {
        final List<Object[]> kv = new ArrayList<>();
        final String name = sync.getString("node.system-name");
        final boolean tls = sync.getBoolean("tls.enabled");

        kv.add(new Object[]{"pekko.actor.provider", "cluster"});
        kv.add(new Object[]{"pekko.actor.allow-java-serialization", "off"});
        kv.add(new Object[]{"pekko.remote.artery.enabled", "on"});
        kv.add(new Object[]{"pekko.remote.artery.transport", tls ? "tls-tcp" : "tcp"});
        kv.add(new Object[]{"pekko.remote.artery.canonical.hostname", sync.getString("node.hostname")});
        kv.add(new Object[]{"pekko.remote.artery.canonical.port", sync.getInt("node.port")});
        if (!sync.getString("node.bind-hostname").isEmpty())
        {
            kv.add(new Object[]{"pekko.remote.artery.bind.hostname", sync.getString("node.bind-hostname")});
        }
        if (!sync.getString("node.bind-port").isEmpty())
        {
            kv.add(new Object[]{"pekko.remote.artery.bind.port", sync.getString("node.bind-port")});
        }
        kv.add(new Object[]{"pekko.remote.artery.advanced.maximum-frame-size", sync.getValue("artery.maximum-frame-size")});
        kv.add(new Object[]{"pekko.remote.artery.advanced.maximum-large-frame-size",
            sync.getValue("artery.maximum-large-frame-size")});
        kv.add(new Object[]{"pekko.remote.artery.advanced.large-buffer-pool-size",
            sync.getValue("artery.large-buffer-pool-size")});
        // Delta propagation carries every bucket's delta of a round in one message, and the connection stream carries
        // batches of up to batch-max records and state-transfer chunks: give both the large stream (its own TCP
        // connection) so that they never delay heartbeats and are never discarded for size.
        kv.add(new Object[]{"pekko.remote.artery.large-message-destinations", List.of(REPLICATOR_PATH, CONNECTIONS_PATH)});
        if (tls)
        {
            final String p = "pekko.remote.artery.ssl.config-ssl-engine.";
            kv.add(new Object[]{"pekko.remote.artery.ssl.ssl-engine-provider",
                "org.apache.pekko.remote.artery.tcp.ConfigSSLEngineProvider"});
            for (final String key : List.of("key-store", "key-store-password", "key-password", "trust-store",
                "trust-store-password", "protocol", "hostname-verification"))
            {
                kv.add(new Object[]{p + key, sync.getValue("tls." + key)});
            }
            if (!sync.getStringList("tls.enabled-algorithms").isEmpty())
            {
                kv.add(new Object[]{p + "enabled-algorithms", sync.getValue("tls.enabled-algorithms")});
            }
            kv.add(new Object[]{p + "require-mutual-authentication", "on"});
        }

        final List<String> seeds = new ArrayList<>();
        for (final String hostPort : sync.getStringList("node.seed-nodes"))
        {
            seeds.add("pekko://" + name + "@" + hostPort);
        }
        kv.add(new Object[]{"pekko.cluster.seed-nodes", seeds});
        kv.add(new Object[]{"pekko.cluster.roles", sync.getValue("node.roles")});
        final String fd = "pekko.cluster.failure-detector.";
        for (final String key : List.of("heartbeat-interval", "acceptable-heartbeat-pause", "threshold",
            "min-std-deviation", "expected-response-after"))
        {
            kv.add(new Object[]{fd + key, sync.getValue("failure-detector." + key)});
        }
        kv.add(new Object[]{"pekko.cluster.unreachable-nodes-reaper-interval",
            sync.getValue("failure-detector.reaper-interval")});
        kv.add(new Object[]{"pekko.cluster.downing-provider-class",
            "org.apache.pekko.cluster.sbr.SplitBrainResolverProvider"});
        kv.add(new Object[]{"pekko.cluster.split-brain-resolver.active-strategy", "keep-majority"});
        kv.add(new Object[]{"pekko.cluster.split-brain-resolver.stable-after",
            sync.getValue("split-brain-resolver.stable-after")});
        kv.add(new Object[]{"pekko.cluster.split-brain-resolver.down-all-when-unstable",
            sync.getBoolean("split-brain-resolver.down-all-when-unstable") ? "on" : "off"});

        final String dd = "pekko.cluster.distributed-data.";
        kv.add(new Object[]{dd + "gossip-interval", sync.getValue("replicator.gossip-interval")});
        kv.add(new Object[]{dd + "notify-subscribers-interval", sync.getValue("replicator.notify-subscribers-interval")});
        kv.add(new Object[]{dd + "durable.keys", List.of(sync.getString("catalog.key"))});
        kv.add(new Object[]{dd + "durable.lmdb.dir", sync.getString("catalog.durable-dir")});
        kv.add(new Object[]{dd + "durable.lmdb.map-size", sync.getValue("catalog.durable-map-size")});

        Config out = ConfigFactory.empty();
        for (final Object[] e : kv)
        {
            final ConfigValue v = e[1] instanceof ConfigValue ? (ConfigValue)e[1] : ConfigValueFactory.fromAnyRef(e[1]);
            out = out.withValue((String)e[0], v);
        }
        return out;
    }

    /** A stable 32-bit id for this incarnation (address and uid): the writer id of replicated versions. */
    public static int nodeIdOf(final UniqueAddress ua)
    {
        final long h = ua.address().toString().hashCode() * 0x9E3779B97F4A7C15L + ua.longUid();
        return (int)(h ^ (h >>> 32));
    }

    public ActorSystem<Void> system()
    {
        return system;
    }

    /** The {@code fleet.sync} section this node runs with (defaults filled in). */
    public Config syncConfig()
    {
        return syncConfig;
    }

    /** This incarnation's writer id in replicated data. */
    public int nodeId()
    {
        return nodeId;
    }

    public ClusterMember self()
    {
        final var m = Cluster.get(system).selfMember();
        final UniqueAddress ua = m.uniqueAddress();
        return new ClusterMember(ua.address().toString(), ua.address().getHost().orElse(""),
            ua.address().getPort().orElse(0), ua.longUid(), java.util.Set.copyOf(m.getRoles()));
    }

    /** True once this node is an Up member. */
    public boolean isUp()
    {
        return Cluster.get(system).selfMember().status() == MemberStatus.up();
    }

    /** Number of members currently Up (including this node), from this node's view. */
    public int upMembers()
    {
        int n = 0;
        for (final var m : Cluster.get(system).state().getMembers())
        {
            if (m.status() == MemberStatus.up())
            {
                n++;
            }
        }
        return n;
    }

    /** Completes when this node is Up. */
    public CompletionStage<Void> whenUp()
    {
        final CompletableFuture<Void> up = new CompletableFuture<>();
        final MembershipListener l = new MembershipListener()
        {
            @Override
            public void memberUp(final ClusterMember member)
            {
                if (member.uid() == Cluster.get(system).selfMember().uniqueAddress().longUid())
                {
                    up.complete(null);
                }
            }
        };
        addMembershipListener(l);
        return up.whenComplete((v, e) -> removeMembershipListener(l));
    }

    /** Blocks until this node is Up or {@code timeout} passes. */
    public void awaitUp(final Duration timeout) throws TimeoutException, InterruptedException
    {
        try
        {
            whenUp().toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        }
        catch (final java.util.concurrent.ExecutionException e)
        {
            throw new IllegalStateException(e.getCause());
        }
    }

    /** Registers a membership listener; see {@link MembershipListener} for the threading contract. */
    public void addMembershipListener(final MembershipListener listener)
    {
        watcher.tell(new MembershipWatcher.AddListener(listener));
    }

    public void removeMembershipListener(final MembershipListener listener)
    {
        watcher.tell(new MembershipWatcher.RemoveListener(listener));
    }

    /** Leaves the cluster gracefully (others see the member removed without waiting for downing). */
    public void leave()
    {
        final Cluster cluster = Cluster.get(system);
        cluster.manager().tell(org.apache.pekko.cluster.typed.Leave.create(cluster.selfMember().address()));
    }

    /** Terminates the actor system and waits for it, at most {@code timeout}. */
    public void close(final Duration timeout)
    {
        system.terminate();
        try
        {
            system.getWhenTerminated().toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        }
        catch (final Exception e)
        {
            // Termination is best effort on shutdown paths; the caller is going away anyway.
        }
    }

    @Override
    public void close()
    {
        close(Duration.ofSeconds(15));
    }
}
