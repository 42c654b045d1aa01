package io.fleet.vrrp.cluster;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.fleet.sync.ClusterNode;
import io.fleet.sync.vip.HolderRegister;
import io.fleet.vrrp.agent.AgentRunner;
import io.fleet.vrrp.announce.AnnounceSettings;
import io.fleet.vrrp.election.MembershipView;
import io.fleet.vrrp.election.Role;
import io.fleet.vrrp.election.RoleChange;
import io.fleet.vrrp.election.VipAddress;
import io.fleet.vrrp.election.VipGroup;
import io.fleet.vrrp.testing.MemoryHub;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Three directors as three real cluster nodes in one JVM (sync's {@link ClusterNode}, so the holder register is the
 * real replicated one), each election fed membership views by the test, in a different order on each director:
 * the case where, without preemption, directors used to name different holders (or none). With the register they
 * converge on one holder, and no two hold the group at once after that.
 */
@Timeout(120)
class SharedHolderClusterTest
{
    private static final long MS = 1_000_000L;
    private static final long STABLE_AFTER_NS = 1_000 * MS;
    private static final String HOST = "127.0.0.1";

    private static int freePort(final Random random)
    {
        for (int attempt = 0; attempt < 2_000; attempt++)
        {
            final int port = 20_000 + random.nextInt(12_000);
            try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getByName(HOST)))
            {
                return s.getLocalPort();
            }
            catch (final Exception taken)
            {
                // the next one
            }
        }
        throw new IllegalStateException("no free port in 20000-32000 on " + HOST);
    }

    private static Config config(final int port, final int seedPort, final Path ddata)
    {
        return ConfigFactory.parseString(String.join("\n",
            "fleet.sync.node.hostname = \"" + HOST + "\"",
            "fleet.sync.node.port = " + port,
            "fleet.sync.node.seed-nodes = [\"" + HOST + ":" + seedPort + "\"]",
            "fleet.sync.split-brain-resolver.stable-after = 30 s",
            "fleet.sync.failure-detector.acceptable-heartbeat-pause = 1 s",
            "fleet.sync.catalog.durable-dir = \"" + ddata.toString().replace("\\", "/") + "\"",
            "pekko.loglevel = WARNING",
            "pekko.log-dead-letters = off",
            "pekko.cluster.jmx.multi-mbeans-in-same-jvm = on",
            "pekko.coordinated-shutdown.exit-jvm = off"));
    }

    private static final class Director
    {
        final ClusterNode node;
        final String id;
        final ClusterVipService service;
        final AgentRunner runner;
        final List<RoleChange> changes = new CopyOnWriteArrayList<>();
        final HolderRegister register;

        Director(final ClusterNode node, final MemoryHub hub, final int index, final VipGroup group)
        {
            this.node = node;
            this.id = node.self().hostPort();
            service = new ClusterVipService(id, List.of(group), STABLE_AFTER_NS,
                hub.port(new byte[]{2, 0, 0, 0, 5, (byte)(index + 1)}), new AnnounceSettings(1, 0, 0, 0), Map.of(), null,
                ClusterVipService.Tracking.none(), changes::add);
            register = HolderRegister.start(node);
            service.shareHolders(register, 1_000 * MS);
            runner = new AgentRunner("vrrp-shared-" + index, service, 20 * MS).start();
            service.wakeUp(runner::wake);
        }

        Role role()
        {
            Role role = Role.INITIALIZE;
            for (final RoleChange c : changes)
            {
                role = c.to();
            }
            return role;
        }

        /** The holder as this director's replica of the register names it. */
        String holder()
        {
            final io.fleet.sync.vip.Claim c = register.claims().get("web");
            return c == null ? null : c.holder();
        }

        void stop()
        {
            try
            {
                runner.close();
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
            node.close(Duration.ofSeconds(5));
        }
    }

    private static void await(final String what, final long timeoutMs, final BooleanSupplier condition)
        throws InterruptedException
    {
        final long deadline = System.nanoTime() + timeoutMs * MS;
        while (!condition.getAsBoolean())
        {
            if (System.nanoTime() - deadline > 0)
            {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(20);
        }
    }

    @Test
    void withoutPreemptionDirectorsShouldConvergeOnOneHolderWhateverOrderTheirViewsArriveIn() throws Exception
    {
        final long seed = System.nanoTime();
        System.out.println("SharedHolderClusterTest seed " + seed);
        final Random random = new Random(seed);
        final int[] ports = {freePort(random), freePort(random), freePort(random)};
        final List<Director> directors = new ArrayList<>();
        final MemoryHub hub = new MemoryHub();
        try
        {
            final List<ClusterNode> nodes = new ArrayList<>();
            for (int i = 0; i < 3; i++)
            {
                nodes.add(ClusterNode.start(config(ports[i], ports[0], Files.createTempDirectory("fleet-vrrp5-ddata-"))));
            }
            for (final ClusterNode n : nodes)
            {
                n.awaitUp(Duration.ofSeconds(60));
            }
            final List<String> ids = nodes.stream().map(n -> n.self().hostPort()).toList();
            // Priorities: d1 150, d2 120, d0 100; no preemption.
            final VipGroup group = new VipGroup("web", List.of(VipAddress.parse("10.200.5.100")),
                Map.of(ids.get(0), 100, ids.get(1), 150, ids.get(2), 120), 100, false, 0);
            for (int i = 0; i < 3; i++)
            {
                directors.add(new Director(nodes.get(i), hub, i, group));
            }
            final Director d0 = directors.get(0);
            final Director d1 = directors.get(1);
            final Director d2 = directors.get(2);
            // d0's first view lacks d2 (it names d1, stable to it); d1's and d2's first views hold everyone, each a
            // newcomer to itself: d1 names d2, d2 names d1. Then every view is whole.
            d0.service.onView(MembershipView.compute(d0.id, List.of(d0.id, d1.id), Set.of(), false));
            Thread.sleep(100);
            d1.service.onView(MembershipView.compute(d1.id, ids, Set.of(), false));
            Thread.sleep(100);
            d2.service.onView(MembershipView.compute(d2.id, ids, Set.of(), false));
            Thread.sleep(300);
            d0.service.onView(MembershipView.compute(d0.id, ids, Set.of(), false));

            await("one director holds the group and every replica of the register names it", 20_000, () ->
                directors.stream().filter(d -> d.role() == Role.MASTER).count() == 1 &&
                    directors.stream().allMatch(d -> d.holder() != null &&
                        d.holder().equals(directors.stream().filter(m -> m.role() == Role.MASTER).findFirst()
                            .map(m -> m.id).orElse(null))));
            final Director holder = directors.stream().filter(d -> d.role() == Role.MASTER).findFirst().orElseThrow();
            // Stays that way: no second holder, no move, for twice the hysteresis.
            final long until = System.nanoTime() + 3 * STABLE_AFTER_NS;
            while (System.nanoTime() - until < 0)
            {
                assertThat(directors.stream().filter(d -> d.role() == Role.MASTER).toList()).containsExactly(holder);
                Thread.sleep(50);
            }
            assertThat(directors).allSatisfy(d -> assertThat(d.holder()).isEqualTo(holder.id));
            System.out.println("holder " + holder.id + "; role changes " +
                directors.stream().map(d -> d.id + "=" + d.changes).toList());
        }
        finally
        {
            directors.forEach(Director::stop);
        }
    }
}
