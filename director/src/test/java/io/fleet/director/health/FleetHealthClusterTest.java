package io.fleet.director.health;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.fleet.director.control.Endpoint;
import io.fleet.director.control.HealthStatus;
import io.fleet.director.control.ServiceId;
import io.fleet.director.demo.FreePorts;
import io.fleet.director.service.IpAddress;
import io.fleet.director.service.Protocol;
import io.fleet.sync.ClusterNode;
import io.fleet.sync.catalog.HealthVotes;
import io.fleet.sync.catalog.Quorum;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Three directors in one JVM, clustered over Artery on loopback, each with its own checker, {@link HealthVotes}
 * and {@link FleetHealth}, checking one real server under three services that differ only in their quorum.
 * Director A's checker is pointed at a dead port, so only A sees the server fail: {@code majority} and
 * {@code any} keep it up everywhere, {@code all} takes it out everywhere. When the server really stops every
 * director sees it down under every rule; when it comes back, B's and C's votes bring it up again.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class FleetHealthClusterTest
{
    private static final Duration CONVERGE = Duration.ofSeconds(30);
    private static final IpAddress VIP = IpAddress.parse("vip", "127.0.0.100");
    private static final ServiceId MAJORITY = new ServiceId(Protocol.TCP, VIP, 80);
    private static final ServiceId ALL = new ServiceId(Protocol.TCP, VIP, 81);
    private static final ServiceId ANY = new ServiceId(Protocol.TCP, VIP, 82);

    @TempDir
    Path dir;

    /** A director: cluster node, votes, verdicts, checker, and every verdict its listener heard. */
    private static final class Director
    {
        final String name;
        final ClusterNode node;
        final Queue<String> verdicts = new ConcurrentLinkedQueue<>();
        FleetHealth fleet;
        HealthChecker checker;

        Director(final String name, final ClusterNode node)
        {
            this.name = name;
            this.node = node;
        }

        HealthStatus status(final ServiceId service)
        {
            for (final HealthStatus s : fleet.status())
            {
                if (s.service().equals(service))
                {
                    return s;
                }
            }
            throw new AssertionError("no status for " + service);
        }
    }

    /** Accepts and closes every connection on its own thread, like a server that answers. */
    private static final class Server implements AutoCloseable
    {
        private final ServerSocket socket;

        Server(final int port) throws IOException
        {
            socket = new ServerSocket();
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 50);
            final Thread t = new Thread(() ->
            {
                while (!socket.isClosed())
                {
                    try (Socket s = socket.accept())
                    {
                        s.getInputStream().available();
                    }
                    catch (final IOException closed)
                    {
                        return;
                    }
                }
            }, "rs-" + port);
            t.setDaemon(true);
            t.start();
        }

        @Override
        public void close() throws IOException
        {
            socket.close();
        }
    }

    private Config node(final int port, final int seed, final String name)
    {
        return ConfigFactory.parseString(String.join("\n",
            "fleet.sync.node { hostname = \"127.0.0.1\", port = " + port + ", seed-nodes = [\"127.0.0.1:" + seed + "\"] }",
            "fleet.sync.catalog.durable-dir = \"" + dir.resolve(name) + "\"",
            // Two cores shared with other builds: tolerate scheduling hiccups.
            "fleet.sync.failure-detector.acceptable-heartbeat-pause = 2 s",
            "pekko.cluster.jmx.multi-mbeans-in-same-jvm = on",
            "pekko.coordinated-shutdown.exit-jvm = off"))
            .withFallback(ConfigFactory.load());
    }

    private static List<CheckTarget> targets(final Endpoint rs, final int checkPort)
    {
        final List<CheckTarget> targets = new ArrayList<>();
        for (final Object[] q : new Object[][]{{MAJORITY, Quorum.MAJORITY, OnFailure.REMOVE}, {ALL, Quorum.ALL, OnFailure.INHIBIT},
            {ANY, Quorum.ANY, OnFailure.REMOVE}})
        {
            final CheckSpec spec = CheckSpec.builder(CheckType.TCP).delayLoopMs(200).connectTimeoutMs(1_000).retry(0)
                .warmupMs(0).connectPort(checkPort).onFailure((OnFailure)q[2]).build();
            targets.add(new CheckTarget((ServiceId)q[0], rs, 3, (Quorum)q[1], spec));
        }
        return targets;
    }

    private static void await(final String what, final Runnable assertion) throws InterruptedException
    {
        final long deadlineNs = System.nanoTime() + CONVERGE.toNanos();
        while (true)
        {
            try
            {
                assertion.run();
                return;
            }
            catch (final AssertionError e)
            {
                if (System.nanoTime() - deadlineNs > 0)
                {
                    throw new AssertionError(what + " within " + CONVERGE.toSeconds() + " s", e);
                }
                Thread.sleep(50);
            }
        }
    }

    @Test
    void shouldKeepAServerUpUnderMajorityWhenOnlyOneDirectorSeesItFail() throws Exception
    {
        final int rsPort = FreePorts.next();
        final int deadPort = FreePorts.next();
        final Endpoint rs = new Endpoint(IpAddress.parse("rs", "127.0.0.1"), rsPort);
        Server server = new Server(rsPort);
        final int[] ports = {FreePorts.next(), FreePorts.next(), FreePorts.next()};
        final List<Director> directors = new ArrayList<>();
        try
        {
            for (int i = 0; i < 3; i++)
            {
                final String name = String.valueOf((char)('a' + i));
                directors.add(new Director(name, ClusterNode.start(node(ports[i], ports[0], name))));
            }
            for (final Director d : directors)
            {
                d.node.awaitUp(Duration.ofSeconds(60));
            }
            for (final Director d : directors)
            {
                final HealthVotes votes = HealthVotes.start(d.node);
                final List<CheckTarget> targets = targets(rs, d.name.equals("a") ? deadPort : 0);
                d.fleet = new FleetHealth(votes, d.node.self().hostPort(), targets, (service, realServer, up, weight, remove) ->
                    d.verdicts.add(service.port() + (up ? " up " : " down ") + weight + (remove ? " remove" : "")));
                d.fleet.start(d.node);
                d.checker = HealthChecker.start(targets, 1, d.fleet);
            }
            final String a = directors.get(0).node.self().hostPort();
            final String b = directors.get(1).node.self().hostPort();
            final String c = directors.get(2).node.self().hostPort();

            // Only A sees the server fail.
            await("every director holds A down, B and C up, and the verdict of each quorum rule", () ->
            {
                for (final Director d : directors)
                {
                    final HealthStatus majority = d.status(MAJORITY);
                    assertThat(majority.votes()).isEqualTo(Map.of(a, false, b, true, c, true));
                    assertThat(majority.verdict()).as(d.name + " majority").isTrue();
                    assertThat(d.status(ANY).verdict()).as(d.name + " any").isTrue();
                    assertThat(d.status(ALL).votes()).hasSize(3);
                    assertThat(d.status(ALL).verdict()).as(d.name + " all").isFalse();
                }
            });
            assertThat(directors.get(0).status(MAJORITY).localUp()).isFalse();
            assertThat(directors.get(1).status(MAJORITY).localUp()).isTrue();
            assertThat(directors.get(0).status(MAJORITY).checker()).isEqualTo("TCP_CHECK");
            assertThat(directors.get(0).status(MAJORITY).quorum()).isEqualTo("majority");
            for (final Director d : directors)
            {
                assertThat(d.verdicts).as(d.name + ": majority and any never went down; all went down, inhibited")
                    .containsExactly("81 down 0");
            }

            // The server really stops: every director sees it, every rule takes it down.
            server.close();
            await("every rule takes the server down on every director", () ->
            {
                for (final Director d : directors)
                {
                    assertThat(d.status(MAJORITY).verdict()).as(d.name + " majority").isFalse();
                    assertThat(d.status(ANY).verdict()).as(d.name + " any").isFalse();
                    assertThat(d.status(MAJORITY).votes()).isEqualTo(Map.of(a, false, b, false, c, false));
                }
            });
            for (final Director d : directors)
            {
                assertThat(d.verdicts).as(d.name).containsExactlyInAnyOrder("81 down 0", "80 down 0 remove", "82 down 0 remove");
            }

            // It comes back: B's and C's checks bring it up under majority and any; all still waits for A.
            server = new Server(rsPort);
            await("majority and any bring the server back on every director", () ->
            {
                for (final Director d : directors)
                {
                    assertThat(d.status(MAJORITY).verdict()).as(d.name + " majority").isTrue();
                    assertThat(d.status(ANY).verdict()).as(d.name + " any").isTrue();
                    assertThat(d.status(ALL).verdict()).as(d.name + " all").isFalse();
                }
            });
            for (final Director d : directors)
            {
                assertThat(d.verdicts).as(d.name + ": each change once; all never came back").containsExactlyInAnyOrder(
                    "81 down 0", "80 down 0 remove", "82 down 0 remove", "80 up 3", "82 up 3");
            }
        }
        finally
        {
            server.close();
            for (final Director d : directors)
            {
                if (d.checker != null)
                {
                    d.checker.close();
                    d.fleet.close();
                }
            }
            for (int i = directors.size() - 1; i >= 0; i--)
            {
                directors.get(i).node.close(Duration.ofSeconds(10));
            }
        }
    }
}
