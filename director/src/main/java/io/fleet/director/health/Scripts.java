package io.fleet.director.health;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.DefaultThreadFactory;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Runs MISC_CHECK programs and notify scripts without ever blocking a health event loop: {@code fork}/{@code exec}
 * happens on one launcher thread, the exit is awaited with {@link Process#onExit()}, and the timeout is a timer
 * on the event loop that sends SIGTERM (to the program and its children) and, a second later, SIGKILL. Output is
 * discarded, so a chatty program never fills a pipe and hangs.
 */
final class Scripts implements AutoCloseable
{
    /** How long a timed-out program has between SIGTERM and SIGKILL. */
    static final long KILL_GRACE_MS = 1_000;

    /** What became of one run: its exit status, or that it timed out or could not start. */
    record Outcome(int exitStatus, boolean timedOut, String error)
    {
        boolean started()
        {
            return error == null;
        }
    }

    /** Programs running now, so that closing the checker does not leave them behind. */
    private final java.util.Set<Process> running = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final ExecutorService launcher =
        Executors.newSingleThreadExecutor(new DefaultThreadFactory("fleet-health-exec", true));

    /**
     * Starts {@code command} with {@code env} added to the environment; {@code done} runs on {@code loop} once it
     * exits or is killed after {@code timeoutMs}.
     */
    void run(final List<String> command, final Map<String, String> env, final long timeoutMs, final EventLoop loop,
        final Consumer<Outcome> done)
    {
        launcher.execute(() ->
        {
            final Process process;
            try
            {
                final ProcessBuilder pb = new ProcessBuilder(command)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
                pb.environment().putAll(env);
                process = pb.start();
                running.add(process);
            }
            catch (final IOException | RuntimeException ex)
            {
                loop.execute(() -> done.accept(new Outcome(-1, false, ProbeResult.describe(ex))));
                return;
            }
            final AtomicBoolean killed = new AtomicBoolean();
            final ScheduledFuture<?> timer = loop.schedule(() ->
            {
                if (process.isAlive())
                {
                    killed.set(true);
                    terminate(process, false);
                    loop.schedule(() -> terminate(process, true), KILL_GRACE_MS, TimeUnit.MILLISECONDS);
                }
            }, timeoutMs, TimeUnit.MILLISECONDS);
            process.onExit().whenComplete((p, error) -> running.remove(process));
            process.onExit().whenComplete((p, error) -> loop.execute(() ->
            {
                timer.cancel(false);
                if (killed.get())
                {
                    // Children left behind by a shell that was killed go too.
                    terminate(process, true);
                }
                done.accept(new Outcome(killed.get() ? -1 : process.exitValue(), killed.get(), null));
            }));
        });
    }

    private static void terminate(final Process process, final boolean force)
    {
        process.descendants().forEach(h ->
        {
            if (force)
            {
                h.destroyForcibly();
            }
            else
            {
                h.destroy();
            }
        });
        if (force)
        {
            process.destroyForcibly();
        }
        else
        {
            process.destroy();
        }
    }

    @Override
    public void close()
    {
        launcher.shutdownNow();
        for (final Process p : running)
        {
            terminate(p, true);
        }
    }
}
