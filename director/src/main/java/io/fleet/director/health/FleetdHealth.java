package io.fleet.director.health;

import io.fleet.director.config.DirectorConfig;
import io.fleet.director.control.HealthStatus;
import io.fleet.sync.ClusterNode;
import io.fleet.sync.catalog.HealthVotes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.File;
import java.util.List;

/**
 * Health checking for a running director, in one call: reads the {@code health-check} blocks of the director's
 * file, starts {@link HealthVotes} on the cluster node, this director's {@link HealthChecker} and the
 * {@link FleetHealth} verdicts, which go to the data plane through a {@link VerdictListener}.
 *
 * <pre>{@code
 * FleetdHealth health = FleetdHealth.start(configFile, node, verdictListener);   // after ClusterNode.start
 * ...  DirectorControl.health() returns health.status()
 * health.close();                                                                // before node.close
 * }</pre>
 */
public final class FleetdHealth implements AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger("io.fleet.director.health");

    private final HealthChecker checker;
    private final FleetHealth fleet;

    private FleetdHealth(final HealthChecker checker, final FleetHealth fleet)
    {
        this.checker = checker;
        this.fleet = fleet;
    }

    /**
     * Reads the plan from the director's file (validated as {@code fleet run} validates it) and starts.
     *
     * @throws io.fleet.director.config.ConfigException listing every problem of the file.
     */
    public static FleetdHealth start(final File config, final ClusterNode node, final VerdictListener listener)
    {
        return start(DirectorConfig.loadHealth(config, true), node, HealthVotes.start(node), 1, listener);
    }

    /**
     * Starts checking {@code plan} with {@code threads} event-loop threads; {@code votes} is the node's one
     * {@link HealthVotes} (it may be started only once per node).
     */
    public static FleetdHealth start(final HealthPlan plan, final ClusterNode node, final HealthVotes votes,
        final int threads, final VerdictListener listener)
    {
        final FleetHealth fleet = new FleetHealth(votes, node.self().hostPort(), plan.targets(), listener);
        fleet.start(node);
        final HealthChecker checker = HealthChecker.start(plan.targets(), threads, fleet);
        LOG.info("health checks started: {} real servers on {} event loop thread{}", plan.targets().size(), threads,
            threads == 1 ? "" : "s");
        return new FleetdHealth(checker, fleet);
    }

    /** For {@code DirectorControl.health()}. */
    public List<HealthStatus> status()
    {
        return fleet.status();
    }

    public HealthCounters counters()
    {
        return checker.counters();
    }

    /** This director's own view, with the last reason of each server. */
    public List<HealthChecker.LocalState> localStates()
    {
        return checker.states();
    }

    @Override
    public void close()
    {
        checker.close();
        fleet.close();
    }
}
