package io.fleet.vrrp.cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.fleet.vrrp.agent.AgentRunner;
import io.fleet.vrrp.announce.AnnounceSettings;
import io.fleet.vrrp.election.Election;
import io.fleet.vrrp.election.HealthView;
import io.fleet.vrrp.election.MembershipView;
import io.fleet.vrrp.election.Role;
import io.fleet.vrrp.election.RoleChange;
import io.fleet.vrrp.election.VipGroup;
import io.fleet.vrrp.frame.Arp;
import io.fleet.vrrp.frame.Bytes;
import io.fleet.vrrp.frame.Ethernet;
import io.fleet.vrrp.link.Frames;
import io.fleet.vrrp.testing.MemoryHub;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Three directors as three Pekko cluster nodes in one JVM on loopback, each with the real membership adapter, elector
 * and announcer on a shared in-memory segment. The holder of a VIP "crashes" (its port goes silent and its actor
 * system stops without leaving): another director must hold the VIP and have sent gratuitous ARPs.
 */
@Timeout(90)
class InJvmClusterTest
{
    private static final long MS = 1_000_000L;

    static Config config()
    {
        return ConfigFactory.parseString(String.join("\n",
            "pekko.actor.provider = cluster",
            "pekko.loglevel = WARNING",
            "pekko.remote.artery.canonical.hostname = 127.0.0.1",
            "pekko.remote.artery.canonical.port = 0",
            "pekko.cluster.jmx.enabled = off",
            "pekko.cluster.failure-detector.heartbeat-interval = 100ms",
            "pekko.cluster.failure-detector.acceptable-heartbeat-pause = 300ms",
            "pekko.cluster.failure-detector.expected-response-after = 200ms",
            "pekko.cluster.unreachable-nodes-reaper-interval = 100ms",
            "pekko.coordinated-shutdown.run-by-jvm-shutdown-hook = off"))
            .withFallback(ConfigFactory.load());
    }

    private static final class Director
    {
        final ActorSystem<Void> system;
        final MemoryHub.Port port;
        final ClusterVipService service;
        final AgentRunner runner;
        final List<RoleChange> changes = new CopyOnWriteArrayList<>();
        volatile MembershipView lastView;

        Director(final MemoryHub hub, final int index, final List<VipGroup> groups)
        {
            system = ActorSystem.create(Behaviors.empty(), "fleet", config());
            port = hub.port(new byte[]{2, 0, 0, 0, 0, (byte)(index + 1)});
            final String self = system.address().host().get() + ":" + system.address().port().get();
            service = new ClusterVipService(self, groups, 1_000 * MS, port, new AnnounceSettings(3, 0, 0, 0),
                Map.of(), null, ClusterVipService.Tracking.none(), changes::add);
            runner = new AgentRunner("vrrp-" + index, service, 50 * MS).start();
            service.wakeUp(runner::wake);
            system.systemActorOf(ClusterMembership.create(ClusterMembership::hostPort, v ->
            {
                lastView = v;
                service.onView(v);
            }), "vrrp-membership", org.apache.pekko.actor.typed.Props.empty());
        }

        String id()
        {
            return system.address().host().get() + ":" + system.address().port().get();
        }

        boolean isMaster(final String group)
        {
            Role role = Role.INITIALIZE;
            for (final RoleChange c : changes)
            {
                if (c.group().equals(group))
                {
                    role = c.to();
                }
            }
            return role == Role.MASTER;
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
            system.terminate();
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
    void shouldMoveTheVipToAnotherDirectorWhenItsHolderBecomesUnreachable() throws Exception
    {
        final MemoryHub hub = new MemoryHub();
        final List<VipGroup> groups = new ArrayList<>();
        for (int i = 0; i < 6; i++)
        {
            groups.add(VipGroup.of("vip-" + i, 100, "10.200.0." + (100 + i)));
        }
        final List<Director> directors = new ArrayList<>();
        try
        {
            for (int i = 0; i < 3; i++)
            {
                directors.add(new Director(hub, i, groups));
            }
            final org.apache.pekko.actor.Address first = directors.get(0).system.address();
            for (final Director d : directors)
            {
                Cluster.get(d.system).manager().tell(Join.create(first));
            }
            // Converged: 3 reachable members, and each VIP held by exactly the director the stateless election
            // names (newcomers wait out the hysteresis before they take their share).
            await("3 members up and every VIP held once, spread by rendezvous hashing", 30_000, () ->
            {
                if (!directors.stream().allMatch(d -> d.lastView != null && d.lastView.reachable().size() == 3))
                {
                    return false;
                }
                for (final VipGroup g : groups)
                {
                    final String expected = Election.holder(g, directors.get(0).lastView, HealthView.ALL_HEALTHY);
                    if (directors.stream().filter(d -> d.isMaster(g.name())).count() != 1 ||
                        directors.stream().noneMatch(d -> d.isMaster(g.name()) && d.id().equals(expected)))
                    {
                        return false;
                    }
                }
                return true;
            });
            final Director victim = directors.stream().filter(d -> d.isMaster("vip-0")).findFirst().orElseThrow();
            final List<String> victimGroups = new ArrayList<>();
            for (final VipGroup g : groups)
            {
                if (victim.isMaster(g.name()))
                {
                    victimGroups.add(g.name());
                }
            }
            System.out.println("holder of vip-0: " + victim.id() + ", holds " + victimGroups);

            final long crashNs = System.nanoTime();
            victim.port.attached(false);
            victim.system.terminate();
            final List<Director> survivors = new ArrayList<>(directors);
            survivors.remove(victim);
            await("vip-0 held by a survivor", 20_000, () -> survivors.stream().anyMatch(d -> d.isMaster("vip-0")));
            final long takeoverMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - crashNs);
            System.out.println("takeover of vip-0 after " + takeoverMs + " ms");

            final Director heir = survivors.stream().filter(d -> d.isMaster("vip-0")).findFirst().orElseThrow();
            await("gratuitous ARPs from the heir", 5_000, () -> garpsFrom(hub, heir.port.macAddress(), "0ac80064") >= 3);
            await("every group of the victim held by exactly one survivor", 5_000, () -> victimGroups.stream()
                .allMatch(g -> survivors.stream().filter(d -> d.isMaster(g)).count() == 1));
            for (final VipGroup g : groups)
            {
                if (!victimGroups.contains(g.name()))
                {
                    assertThat(survivors.stream().filter(d -> d.isMaster(g.name())).count())
                        .as("%s never moved", g.name()).isEqualTo(1);
                }
            }
            assertThat(takeoverMs).as("reachability-driven, well under Keepalived's 3.6 s").isLessThan(5_000);
        }
        finally
        {
            for (final Director d : directors)
            {
                d.stop();
            }
            for (final Director d : directors)
            {
                d.system.getWhenTerminated().toCompletableFuture().get(20, TimeUnit.SECONDS);
            }
        }
    }

    static int garpsFrom(final MemoryHub hub, final byte[] mac, final String vipHex)
    {
        int n = 0;
        for (final byte[] f : hub.log())
        {
            if (Frames.classify(f, 0, f.length) == Frames.ARP && Bytes.equal(f, Ethernet.SOURCE_OFFSET, mac, 0, 6) &&
                Bytes.hex(f, Ethernet.HEADER_LENGTH + Arp.TARGET_IP_OFFSET, 4).equals(vipHex) &&
                Bytes.hex(f, Ethernet.HEADER_LENGTH + Arp.SENDER_IP_OFFSET, 4).equals(vipHex))
            {
                n++;
            }
        }
        return n;
    }
}
