package io.fleet.director.health;

import io.netty.channel.EventLoop;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * The check loop of one real server, confined to one event loop. Every {@code delay_loop} a round starts; a
 * failed attempt of a server that is up is retried {@code retry} times, {@code delay_before_retry} apart, before
 * the round counts as failed (Keepalived retries only while the server is up). {@code fall} failed rounds in a
 * row take the server down, {@code rise} passed rounds bring it back. Each transition is logged on one line,
 * counted, told to the listener and runs the notify script.
 */
final class RealServerCheck
{
    private static final Logger LOG = LoggerFactory.getLogger("io.fleet.director.health");

    private final CheckTarget target;
    private final CheckSpec spec;
    private final Probe probe;
    private final EventLoop loop;
    private final HealthCounters counters;
    private final Scripts scripts;
    private final HealthChecker.Listener listener;

    // Confined to the loop.
    private boolean up;
    private int failedRounds;
    private int passedRounds;
    private int retriesLeft;
    private int dynamicWeight = ProbeResult.NO_WEIGHT;
    private ScheduledFuture<?> next;
    private boolean stopped;

    // Published for status reads from other threads.
    private volatile boolean upView;
    private volatile int weightView;
    private volatile long lastChangeEpochMs;
    private volatile String lastReason = "not checked yet";
    private volatile long lastResultEpochMs;

    RealServerCheck(final CheckTarget target, final Probe probe, final EventLoop loop, final HealthCounters counters,
        final Scripts scripts, final HealthChecker.Listener listener)
    {
        this.target = target;
        this.spec = target.spec();
        this.probe = probe;
        this.loop = loop;
        this.counters = counters;
        this.scripts = scripts;
        this.listener = listener;
        this.up = !spec.alpha();
        this.upView = up;
        this.weightView = target.weight();
    }

    CheckTarget target()
    {
        return target;
    }

    boolean up()
    {
        return upView;
    }

    int weight()
    {
        return weightView;
    }

    long lastChangeEpochMs()
    {
        return lastChangeEpochMs;
    }

    String lastReason()
    {
        return lastReason;
    }

    long lastResultEpochMs()
    {
        return lastResultEpochMs;
    }

    void start()
    {
        loop.execute(() ->
        {
            final long warmupMs = spec.warmupMs() == 0 ? 0 : ThreadLocalRandom.current().nextLong(spec.warmupMs() + 1);
            schedule(this::round, warmupMs);
        });
    }

    void stop()
    {
        loop.execute(() ->
        {
            stopped = true;
            if (next != null)
            {
                next.cancel(false);
            }
        });
    }

    private void schedule(final Runnable task, final long delayMs)
    {
        if (!stopped)
        {
            next = loop.schedule(task, delayMs, TimeUnit.MILLISECONDS);
        }
    }

    private void round()
    {
        retriesLeft = up ? spec.retry() : 0;
        attempt();
    }

    private void attempt()
    {
        if (stopped)
        {
            return;
        }
        counters.probes.increment();
        try
        {
            probe.run(loop, this::onResult);
        }
        catch (final RuntimeException ex)
        {
            onResult(ProbeResult.failed(ProbeResult.describe(ex)));
        }
    }

    private void onResult(final ProbeResult result)
    {
        if (stopped)
        {
            return;
        }
        lastReason = result.reason();
        lastResultEpochMs = System.currentTimeMillis();
        if (result.ok())
        {
            failedRounds = 0;
            passedRounds++;
            if (result.weight() != ProbeResult.NO_WEIGHT && result.weight() != dynamicWeight)
            {
                dynamicWeight = result.weight();
                weightView = effectiveWeight();
                if (up)
                {
                    counters.weightChanges.increment();
                    LOG.info("health {} {} weight {} (exit status {})", target.name(), spec.type().keepalivedName(),
                        dynamicWeight, dynamicWeight + 2);
                    listener.changed(target, true, dynamicWeight, result.reason());
                }
            }
            if (!up && passedRounds >= spec.rise())
            {
                transition(true, passedRounds + " passed check" + (passedRounds == 1 ? "" : "s"));
            }
            schedule(this::round, spec.delayLoopMs());
            return;
        }
        counters.probeFailures.increment();
        if (up && retriesLeft > 0)
        {
            retriesLeft--;
            counters.retries.increment();
            schedule(this::attempt, spec.delayBeforeRetryMs());
            return;
        }
        passedRounds = 0;
        failedRounds++;
        if (up && failedRounds >= spec.fall())
        {
            transition(false, failedRounds + " failed round" + (failedRounds == 1 ? "" : "s") + ", last: "
                + result.reason());
        }
        schedule(this::round, spec.delayLoopMs());
    }

    private int effectiveWeight()
    {
        return dynamicWeight != ProbeResult.NO_WEIGHT ? dynamicWeight : target.weight();
    }

    private void transition(final boolean nowUp, final String why)
    {
        up = nowUp;
        upView = nowUp;
        lastChangeEpochMs = System.currentTimeMillis();
        (nowUp ? counters.transitionsUp : counters.transitionsDown).increment();
        LOG.info("health {} {} {} after {}", target.name(), spec.type().keepalivedName(), nowUp ? "UP" : "DOWN", why);
        listener.changed(target, nowUp, nowUp ? effectiveWeight() : 0, why);
        final List<String> command = nowUp ? spec.notifyUp() : spec.notifyDown();
        if (!command.isEmpty())
        {
            counters.notifyRuns.increment();
            scripts.run(command, Map.of("FLEET_SERVICE", target.service().toString(),
                "FLEET_REAL_SERVER", target.realServer().toString(), "FLEET_STATE", nowUp ? "UP" : "DOWN"),
                spec.notifyTimeoutMs(), loop, outcome ->
                {
                    if (!outcome.started() || outcome.timedOut() || outcome.exitStatus() != 0)
                    {
                        counters.notifyFailures.increment();
                        LOG.warn("health {} notify-{} {}: {}", target.name(), nowUp ? "up" : "down", command.get(0),
                            !outcome.started() ? outcome.error() : outcome.timedOut()
                                ? "killed after " + spec.notifyTimeoutMs() + " ms" : "exit status " + outcome.exitStatus());
                    }
                });
        }
    }
}
