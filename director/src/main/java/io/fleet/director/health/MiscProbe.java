package io.fleet.director.health;

import io.netty.channel.EventLoop;

import java.util.Map;
import java.util.function.Consumer;

/**
 * MISC_CHECK: runs the program; exit 0 is up, 1 is down; 2..255 is up with weight status - 2 when
 * {@code misc-dynamic} is set (Keepalived's {@code misc_dynamic} with one checker), and down otherwise. A program
 * still running after {@code misc-timeout} is killed and counts as down.
 */
final class MiscProbe implements Probe
{
    private final CheckSpec spec;
    private final Scripts scripts;
    private final Map<String, String> env;

    MiscProbe(final CheckSpec spec, final Scripts scripts, final Map<String, String> env)
    {
        this.spec = spec;
        this.scripts = scripts;
        this.env = Map.copyOf(env);
    }

    @Override
    public void run(final EventLoop loop, final Consumer<ProbeResult> done)
    {
        scripts.run(spec.miscCommand(), env, spec.miscTimeoutMs(), loop, outcome -> done.accept(verdict(outcome)));
    }

    ProbeResult verdict(final Scripts.Outcome outcome)
    {
        if (!outcome.started())
        {
            return ProbeResult.failed("cannot run " + spec.miscCommand().get(0) + ": " + outcome.error());
        }
        if (outcome.timedOut())
        {
            return ProbeResult.failed("killed after misc-timeout " + spec.miscTimeoutMs() + " ms");
        }
        final int status = outcome.exitStatus();
        if (status == 0)
        {
            return ProbeResult.OK;
        }
        if (status >= 2 && status <= 255 && spec.miscDynamic())
        {
            return ProbeResult.ok(status - 2);
        }
        return ProbeResult.failed("exit status " + status);
    }
}
