package io.fleet.sync.testkit;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;

import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.remote.RemoteActorRefProvider;
import org.apache.pekko.remote.transport.ThrottlerTransportAdapter;

import io.fleet.sync.ClusterNode;

/** Configs for nodes on loopback with free ports, and Artery's test-mode partitions. */
public final class TestNodes
{
    private TestNodes()
    {
    }

    private static final java.util.concurrent.atomic.AtomicInteger NEXT =
        new java.util.concurrent.atomic.AtomicInteger(20_000 + new java.util.Random().nextInt(10_000));

    /**
     * A port free on {@code host} right now (bound and released), chosen below Linux's ephemeral range (32768 and
     * up), so that no outgoing connection can take it between this check and the node's bind.
     */
    public static int freePort(final String host)
    {
        for (int attempt = 0; attempt < 2_000; attempt++)
        {
            final int port = 20_000 + (NEXT.getAndIncrement() - 20_000) % 12_000;
            try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getByName(host)))
            {
                return s.getLocalPort();
            }
            catch (final IOException taken)
            {
                // try the next one
            }
        }
        throw new IllegalStateException("no free port below the ephemeral range on " + host);
    }

    /**
     * A node config on {@code host:port} joining {@code seeds} ("host:port"), with its durable store in
     * {@code ddataDir}, Artery test mode on (for partitions) and downing slow enough that a test's partition
     * heals before anyone is downed.
     */
    public static Config config(final String host, final int port, final List<String> seeds, final Path ddataDir)
    {
        return ConfigFactory.parseString(String.join("\n",
            "fleet.sync.node.hostname = \"" + host + "\"",
            "fleet.sync.node.port = " + port,
            "fleet.sync.node.seed-nodes = [" +
                seeds.stream().map(s -> "\"" + s + "\"").collect(Collectors.joining(",")) + "]",
            "fleet.sync.split-brain-resolver.stable-after = 30 s",
            // Two cores shared by three nodes and other builds: tolerate scheduling hiccups in tests.
            "fleet.sync.failure-detector.acceptable-heartbeat-pause = 1 s",
            "fleet.sync.catalog.durable-dir = \"" + ddataDir.toString().replace("\\", "/") + "\"",
            "fleet.sync.catalog.durable-map-size = 8 MiB",
            "pekko.remote.artery.advanced.test-mode = on",
            "pekko.loglevel = " + System.getProperty("fleet.test.loglevel", "INFO"),
            "pekko.log-dead-letters = off",
            "pekko.cluster.jmx.multi-mbeans-in-same-jvm = on",
            "pekko.coordinated-shutdown.exit-jvm = off"));
    }

    /** Drops (or restores) all traffic between {@code a} and {@code b}, both directions, as a cut cable would. */
    public static void partition(final ClusterNode a, final ClusterNode b, final boolean cut) throws Exception
    {
        blackhole(a, b, cut);
        blackhole(b, a, cut);
    }

    private static void blackhole(final ClusterNode from, final ClusterNode to, final boolean cut) throws Exception
    {
        final ExtendedActorSystem classic = (ExtendedActorSystem)Adapter.toClassic(from.system());
        final RemoteActorRefProvider provider = (RemoteActorRefProvider)classic.provider();
        final org.apache.pekko.actor.Address address = Adapter.toClassic(to.system()).provider().getDefaultAddress();
        final Object mode = cut ? ThrottlerTransportAdapter.Blackhole$.MODULE$ : ThrottlerTransportAdapter.Unthrottled$.MODULE$;
        // Scala's nested object Direction.Both has no Java-visible name.
        final ThrottlerTransportAdapter.Direction both = (ThrottlerTransportAdapter.Direction)Class
            .forName("org.apache.pekko.remote.transport.ThrottlerTransportAdapter$Direction$Both$")
            .getField("MODULE$").get(null);
        final Object command = new ThrottlerTransportAdapter.SetThrottle(address, both,
            (ThrottlerTransportAdapter.ThrottleMode)mode);
        scala.concurrent.Await.result(provider.transport().managementCommand(command),
            scala.concurrent.duration.Duration.create(5, "s"));
    }
}
