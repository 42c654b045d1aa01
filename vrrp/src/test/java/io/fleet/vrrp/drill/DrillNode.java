package io.fleet.vrrp.drill;

import java.util.List;
import java.util.Map;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.fleet.vrrp.agent.AgentRunner;
import io.fleet.vrrp.announce.AnnounceSettings;
import io.fleet.vrrp.cluster.ClusterMembership;
import io.fleet.vrrp.cluster.ClusterVipService;
import io.fleet.vrrp.election.VipGroup;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * One director of the multi-JVM drill: a Pekko cluster node on 127.0.0.1 with the real membership adapter and
 * cluster-driven VIP service, whose link sends every frame to the drill's UDP observer. Its MAC is 02:00:00:00:00:N.
 * Prints {@code VIEW n mayHold of m} (reachable members of all members) and {@code ROLE group role} lines for the harness.
 * <p>
 * Arguments: index (1..9), own port, seed port, observer port.
 */
public final class DrillNode
{
    private DrillNode()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        final int index = Integer.parseInt(args[0]);
        final int port = Integer.parseInt(args[1]);
        final int seedPort = Integer.parseInt(args[2]);
        final int observerPort = Integer.parseInt(args[3]);
        // The failure detector and downing the directors run: sync's fleet.sync defaults, mapped as ClusterNode maps
        // them, so the drill and the benchmark measure the shipped settings.
        final Config defaults = ConfigFactory.load();
        final Config fd = defaults.getConfig("fleet.sync.failure-detector");
        final Config sbr = defaults.getConfig("fleet.sync.split-brain-resolver");
        final ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "fleet", ConfigFactory.parseString(
            String.join("\n",
                "pekko.actor.provider = cluster",
                "pekko.loglevel = WARNING",
                "pekko.remote.artery.canonical.hostname = 127.0.0.1",
                "pekko.remote.artery.canonical.port = " + port,
                "pekko.cluster.seed-nodes = [\"pekko://fleet@127.0.0.1:" + seedPort + "\"]",
                "pekko.cluster.jmx.enabled = off",
                "pekko.cluster.failure-detector.heartbeat-interval = " + ms(fd, "heartbeat-interval"),
                "pekko.cluster.failure-detector.acceptable-heartbeat-pause = " + ms(fd, "acceptable-heartbeat-pause"),
                "pekko.cluster.failure-detector.threshold = " + fd.getDouble("threshold"),
                "pekko.cluster.failure-detector.min-std-deviation = " + ms(fd, "min-std-deviation"),
                "pekko.cluster.failure-detector.expected-response-after = " + ms(fd, "expected-response-after"),
                "pekko.cluster.unreachable-nodes-reaper-interval = " + ms(fd, "reaper-interval"),
                "pekko.cluster.downing-provider-class = \"org.apache.pekko.cluster.sbr.SplitBrainResolverProvider\"",
                "pekko.cluster.split-brain-resolver.active-strategy = keep-majority",
                "pekko.cluster.split-brain-resolver.stable-after = " + ms(sbr, "stable-after"),
                "pekko.cluster.split-brain-resolver.down-all-when-unstable = " +
                    (sbr.getBoolean("down-all-when-unstable") ? "on" : "off")))
            .withFallback(defaults));
        final List<VipGroup> groups = List.of(VipGroup.of("vip-0", 100, "10.200.0.100"));
        // Refresh every 50 ms so that the observer sees when the holder's last frame left it.
        final ClusterVipService service = new ClusterVipService("127.0.0.1:" + port, groups, 1_000_000_000L,
            new UdpLink(new byte[]{2, 0, 0, 0, 0, (byte)index}, observerPort),
            new AnnounceSettings(3, 0, 0, 50_000_000L), Map.of(), null, ClusterVipService.Tracking.none(),
            c -> System.out.println("ROLE " + c.group() + " " + c.to()));
        final AgentRunner runner = new AgentRunner("vrrp", service, 10_000_000L).start();
        service.wakeUp(runner::wake);
        system.systemActorOf(ClusterMembership.create(ClusterMembership::hostPort, v ->
        {
            System.out.println("VIEW " + v.reachable().size() + " " + v.selfMayHold() + " of " + v.members().size());
            service.onView(v);
        }), "vrrp-membership", Props.empty());
        system.getWhenTerminated().toCompletableFuture().get();
    }

    private static String ms(final Config c, final String path)
    {
        return c.getDuration(path).toMillis() + "ms";
    }
}
