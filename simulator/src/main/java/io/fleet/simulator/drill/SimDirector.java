package io.fleet.simulator.drill;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.fleet.director.cluster.SyncBridge;
import io.fleet.director.forward.ForwardingConfig;
import io.fleet.director.forward.ForwardingCore;
import io.fleet.director.forward.Verdict;
import io.fleet.director.service.IpAddress;
import io.fleet.director.service.Service;
import io.fleet.simulator.fabric.Fabric;
import io.fleet.simulator.fabric.FabricHost;
import io.fleet.sync.ClusterNode;
import io.fleet.sync.conn.ConnectionReplication;
import io.fleet.vrrp.agent.AgentRunner;
import io.fleet.vrrp.announce.AnnounceSettings;
import io.fleet.vrrp.cluster.ClusterMembership;
import io.fleet.vrrp.cluster.ClusterVipService;
import io.fleet.vrrp.election.Role;
import io.fleet.vrrp.election.RoleChange;
import io.fleet.vrrp.election.VipGroup;
import io.fleet.vrrp.link.FrameReceiver;
import io.fleet.vrrp.link.Link;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.ManyToOneConcurrentArrayQueue;
import org.agrona.concurrent.UnsafeBuffer;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.cluster.Cluster;
import org.apache.pekko.remote.RARP;
import org.apache.pekko.remote.transport.ThrottlerTransportAdapter;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One director of the simulated fleet, assembled as {@code Fleetd} assembles a packet-mode director but on the
 * fabric: the real cluster node (its own Pekko ActorSystem on a loopback Artery port), the real forwarding core fed
 * with the fabric's frames, real connection replication through {@link SyncBridge} (when sync is on), and the real
 * election ({@link ClusterVipService}) whose gratuitous ARPs go out on the fabric. The core is driven by the
 * simulation thread (it is the core's single writer); the election and sync reach it through a command queue, as
 * they reach the forwarding worker in {@code Fleetd}.
 */
final class SimDirector implements FabricHost
{
    /** What the drill learns from a director. */
    interface Observer
    {
        /** Simulation thread: the core dropped a frame of a flow for a reason. */
        void onDrop(SimDirector director, byte[] frame, Verdict verdict);

        /** vrrp thread: the election changed this director's role for a group. */
        void onRole(SimDirector director, int group, boolean master, long nowNs);
    }

    final int id;
    final String name;
    final long mac;
    final int clusterPort;
    final int fabricPort;
    final String self;
    final ForwardingCore core;
    final List<Service> services;
    private final ClusterNode node;
    private final SyncBridge bridge;
    private final ConnectionReplication replication;
    private final Fabric fabric;
    private final Observer observer;
    /** Per VIP group, every address it moves (the VIP, NAT's gateway, FULLNAT's local address). */
    private final List<List<IpAddress>> groupAddresses;
    private final ManyToOneConcurrentArrayQueue<Runnable> commands = new ManyToOneConcurrentArrayQueue<>(65_536);
    private final UnsafeBuffer frame = new UnsafeBuffer(new byte[0]);
    private ClusterVipService election;
    private AgentRunner electionRunner;
    private volatile boolean alive = true;
    private long nowNs;

    private SimDirector(final int id, final int clusterPort, final int fabricPort, final List<Integer> seedPorts,
        final Path dataDir, final ForwardingConfig forwarding, final List<List<IpAddress>> groupAddresses, final boolean sync,
        final Fabric fabric, final Observer observer)
    {
        this.id = id;
        this.name = "d" + id;
        this.mac = forwarding.portMac();
        this.clusterPort = clusterPort;
        this.fabricPort = fabricPort;
        this.self = "127.0.0.1:" + clusterPort;
        this.fabric = fabric;
        this.observer = observer;
        this.groupAddresses = groupAddresses;
        this.services = forwarding.services();
        this.node = ClusterNode.start(clusterConfig(clusterPort, seedPorts, dataDir.resolve(name + "-" + System.nanoTime())));
        this.nowNs = System.nanoTime();
        if (sync)
        {
            forwarding.syncRing(16 << 20);
        }
        forwarding.holdVips(false).epochOffsetNs(System.currentTimeMillis() * 1_000_000L - System.nanoTime());
        this.core = new ForwardingCore(forwarding, this::send, nowNs);
        if (sync)
        {
            this.bridge = new SyncBridge(core);
            this.replication = ConnectionReplication.start(node, bridge);
            bridge.sync(replication);
        }
        else
        {
            this.bridge = null;
            this.replication = null;
        }
    }

    /**
     * Starts the cluster node and the core, hands the director to the simulation thread through {@code attach}
     * (from then on the core sees frames and applies replicated records), waits until the replicated connections
     * have caught up, and only then joins the election, as {@code Fleetd} does. Blocks: call from a control thread.
     */
    static SimDirector start(final int id, final int clusterPort, final int fabricPort, final List<Integer> seedPorts,
        final Path dataDir, final ForwardingConfig forwarding, final List<List<IpAddress>> groupAddresses, final List<VipGroup> groups,
        final boolean sync, final Fabric fabric, final Observer observer, final java.util.function.Consumer<SimDirector> attach)
    {
        final SimDirector d = new SimDirector(id, clusterPort, fabricPort, seedPorts, dataDir, forwarding, groupAddresses, sync, fabric,
            observer);
        attach.accept(d);
        try
        {
            d.node.awaitUp(Duration.ofSeconds(30));
            if (d.replication != null)
            {
                d.replication.caughtUp().toCompletableFuture().get(15, TimeUnit.SECONDS);
            }
        }
        catch (final TimeoutException ex)
        {
            throw new DrillException("director " + d.name + " (cluster port " + clusterPort + ") did not join the fleet or "
                + "catch up within the timeout");
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new DrillException("interrupted while starting " + d.name);
        }
        catch (final java.util.concurrent.ExecutionException ex)
        {
            throw new DrillException("director " + d.name + ": catching up failed: " + ex.getCause(), ex);
        }
        d.startElection(groups);
        return d;
    }

    private void startElection(final List<VipGroup> groups)
    {
        // Three announcements 20 ms apart, no repeats: what the lab's directors send.
        election = new ClusterVipService(self, groups, 1_000_000_000L, new FabricLink(),
            new AnnounceSettings(3, 20_000_000L, 0, 0), java.util.Map.of(), null, ClusterVipService.Tracking.none(),
            this::onRoleChange);
        // As Fleetd: shared holders (release before take on a hand-back) and the catch-up gate after a heal.
        election.shareHolders(io.fleet.sync.vip.HolderRegister.start(node), 1_000_000_000L);
        if (replication != null)
        {
            election.catchUpAfterHeal(replication::caughtUpWith, 15_000_000_000L);
        }
        electionRunner = new AgentRunner("sim-vrrp-" + name, election, 10_000_000L).start();
        election.wakeUp(electionRunner::wake);
        node.system().systemActorOf(ClusterMembership.create(ClusterMembership::hostPort, election::onView),
            "fleet-vip-membership", Props.empty());
    }

    private static Config clusterConfig(final int port, final List<Integer> seedPorts, final Path dataDir)
    {
        final StringBuilder seeds = new StringBuilder();
        for (final int p : seedPorts)
        {
            seeds.append(seeds.length() == 0 ? "" : ", ").append("\"127.0.0.1:").append(p).append('"');
        }
        return ConfigFactory.parseString(String.join("\n",
            "fleet.sync.node { hostname = \"127.0.0.1\", port = " + port + ", seed-nodes = [" + seeds + "] }",
            "fleet.sync.catalog.durable-dir = \"" + dataDir.toString().replace("\\", "/") + "\"",
            // Partitions and crashes black-hole Artery links (the remote test stage; no traffic changes otherwise).
            "pekko.remote.artery.advanced.test-mode = on",
            "pekko.remote.artery.advanced.inbound-lanes = 1",
            "pekko.remote.artery.advanced.outbound-lanes = 1",
            "pekko.actor.default-dispatcher.fork-join-executor { parallelism-min = 2, parallelism-max = 2 }",
            "pekko.actor.internal-dispatcher.fork-join-executor { parallelism-min = 2, parallelism-max = 2 }",
            "pekko.remote.default-remote-dispatcher.fork-join-executor { parallelism-min = 1, parallelism-max = 1 }",
            "pekko.loglevel = ERROR",
            "pekko.log-dead-letters = off",
            "pekko.log-dead-letters-during-shutdown = off",
            "pekko.coordinated-shutdown.run-by-jvm-shutdown-hook = off",
            // A stop at the end of a drill (or a crash) must not wait for a cluster leave; stop() leaves explicitly.
            "pekko.coordinated-shutdown.run-by-actor-system-terminate = off",
            "pekko.cluster.jmx.enabled = off",
            "pekko.cluster.log-info = off"));
    }

    // ============================================================================================ simulation thread

    @Override
    public void onFrame(final byte[] bytes, final long now)
    {
        if (!alive)
        {
            return;
        }
        nowNs = now;
        frame.wrap(bytes);
        final Verdict v = core.process(frame, 0, bytes.length, now);
        if (v.isDrop() && v != Verdict.DROP_NOT_FOR_US)
        {
            observer.onDrop(this, bytes, v);
        }
    }

    /** Commands, timers, replicated records in, connection events out. */
    int poll(final long now)
    {
        if (!alive)
        {
            return 0;
        }
        nowNs = now;
        int work = commands.drain(Runnable::run, 256);
        work += core.poll(now);
        if (bridge != null)
        {
            work += bridge.drain(4096);
        }
        return work;
    }

    private void send(final DirectBuffer buffer, final int offset, final int length)
    {
        final byte[] copy = new byte[length];
        buffer.getBytes(offset, copy);
        fabric.transmit(fabricPort, copy, nowNs);
    }

    boolean alive()
    {
        return alive;
    }

    /** Runs on the simulation thread at its next cycle. */
    void submit(final Runnable command)
    {
        while (!commands.offer(command))
        {
            Thread.onSpinWait();
        }
    }

    // ============================================================================================ election

    private void onRoleChange(final RoleChange change)
    {
        final int group = Integer.parseInt(change.group().substring(3));
        final boolean hold = change.to() == Role.MASTER;
        final List<IpAddress> addresses = groupAddresses.get(group);
        submit(() -> addresses.forEach(a -> core.hold(a, hold)));
        observer.onRole(this, group, hold, System.nanoTime());
    }

    /** The election's link: announcements leave on the fabric from the simulation thread; the core answers ARP. */
    private final class FabricLink implements Link
    {
        @Override
        public byte[] macAddress()
        {
            final byte[] m = new byte[6];
            for (int i = 0; i < 6; i++)
            {
                m[i] = (byte)(mac >>> (8 * (5 - i)));
            }
            return m;
        }

        @Override
        public boolean isUp()
        {
            return alive;
        }

        @Override
        public void send(final byte[] bytes, final int length)
        {
            final byte[] copy = java.util.Arrays.copyOf(bytes, length);
            submit(() -> fabric.transmit(fabricPort, copy, nowNs));
        }

        @Override
        public void receiver(final FrameReceiver receiver)
        {
            // the forwarding core answers ARP for held VIPs
        }
    }

    // ============================================================================================ faults

    Address address()
    {
        return Cluster.get(node.system()).selfMember().address();
    }

    /** Cuts (or restores) the cluster link between this director and another, both ways, on both sides. */
    void blackhole(final SimDirector other, final boolean cut)
    {
        final ThrottlerTransportAdapter.ThrottleMode mode = cut
            ? ThrottlerTransportAdapter.blackholeThrottleMode()
            : ThrottlerTransportAdapter.unthrottledThrottleMode();
        final ThrottlerTransportAdapter.Direction both = ThrottlerTransportAdapter.bothDirection();
        ((RARP)RARP.apply(node.system().classicSystem())).provider().transport()
            .managementCommand(new ThrottlerTransportAdapter.SetThrottle(other.address(), both, mode));
        ((RARP)RARP.apply(other.node.system().classicSystem())).provider().transport()
            .managementCommand(new ThrottlerTransportAdapter.SetThrottle(address(), both, mode));
    }

    /**
     * kill -9: the port goes dark and the election and sync stop at once; the caller has already cut the cluster
     * links so that the others see silence, not a leave. The actor system is stopped in the background.
     */
    void crash()
    {
        alive = false;
        fabric.up(fabricPort, false);
        closeElection();
        final Thread t = new Thread(() -> node.system().terminate(), "sim-terminate-" + name);
        t.setDaemon(true);
        t.start();
    }

    /**
     * A graceful stop, as {@code Fleetd} on SIGTERM: release the VIPs, leave the cluster (waiting until the others
     * have removed this node, at most 10 s), then go dark. Blocks: call from a control thread.
     */
    void stop()
    {
        closeElection();
        sleep(200); // the release reaches the core, and the announcements of the next holder go out
        final Cluster cluster = Cluster.get(node.system());
        node.leave();
        final long deadline = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() - deadline < 0 && cluster.selfMember().status() != org.apache.pekko.cluster.MemberStatus.removed()
            && !cluster.isTerminated())
        {
            sleep(50);
        }
        alive = false;
        node.close(Duration.ofSeconds(10));
    }

    private static void sleep(final long ms)
    {
        try
        {
            Thread.sleep(ms);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }

    private void closeElection()
    {
        if (electionRunner != null)
        {
            try
            {
                electionRunner.close();
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
            electionRunner = null;
        }
    }

    /** Whether this director's table holds the flow (simulation thread). */
    boolean holds(final io.fleet.director.service.FlowKey key)
    {
        return core.table(key.ipv6()).find(key) != io.fleet.director.conn.ConnectionTable.NONE;
    }

    /** Terminates whatever is still running, without waiting for a leave to complete. */
    void shutdown()
    {
        alive = false;
        closeElection();
        node.system().terminate();
    }

    void awaitTerminated(final long timeoutMs)
    {
        try
        {
            node.system().getWhenTerminated().toCompletableFuture().get(timeoutMs, TimeUnit.MILLISECONDS);
        }
        catch (final Exception ex)
        {
            // best effort at the end of a run
        }
    }
}
