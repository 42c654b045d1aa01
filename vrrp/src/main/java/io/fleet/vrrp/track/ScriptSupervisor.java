package io.fleet.vrrp.track;

import java.io.File;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import io.fleet.vrrp.agent.Agent;

/**
 * Runs track scripts on their intervals and notify scripts on demand, on its own thread so that a slow or hung
 * script never delays the election. Every process it starts is watched by PID and killed (with the processes it
 * started, found by PID) when it outlives its timeout; nothing else is ever killed. Notify scripts of one key (a VIP
 * group) run one after the other in submission order, so MASTER then BACKUP arrive in that order; different keys
 * run side by side.
 */
public final class ScriptSupervisor implements Agent
{
    private static final File DEV_NULL = new File("/dev/null");

    private final List<Tracked> tracked = new ArrayList<>();
    private final Consumer<Map<String, Boolean>> onStatusChange;
    private final Queue<Job> submitted = new ConcurrentLinkedQueue<>();
    private final Map<String, ArrayDeque<Job>> waiting = new HashMap<>();
    private final Map<String, Running> runningNotify = new HashMap<>();
    private final Set<Long> livePids = ConcurrentHashMap.newKeySet();
    private volatile Map<String, Boolean> status;
    private volatile Runnable wakeUp = () -> { };

    private final AtomicLong started = new AtomicLong();
    private final AtomicLong killedOnTimeout = new AtomicLong();
    private final AtomicLong failedToStart = new AtomicLong();
    private final AtomicLong notifyCompleted = new AtomicLong();

    private record Job(String key, List<String> command, long timeoutNs)
    {
    }

    private record Running(Process process, long deadlineNs)
    {
    }

    private static final class Tracked
    {
        final TrackScript script;
        long nextRunNs;
        Running running;
        int successes;
        int failures;
        boolean ok = true;

        Tracked(final TrackScript script, final long firstRunNs)
        {
            this.script = script;
            this.nextRunNs = firstRunNs;
        }
    }

    /**
     * @param onStatusChange told on this supervisor's thread, with every script's state (true = succeeding), each
     *                       time one changes; must not block.
     */
    public ScriptSupervisor(final List<TrackScript> scripts, final long nowNs, final Consumer<Map<String, Boolean>> onStatusChange)
    {
        final Map<String, Boolean> initial = new LinkedHashMap<>();
        for (final TrackScript s : scripts)
        {
            tracked.add(new Tracked(s, nowNs));
            initial.put(s.name(), true);
        }
        this.status = Map.copyOf(initial);
        this.onStatusChange = onStatusChange;
    }

    public void wakeUp(final Runnable wakeUp)
    {
        this.wakeUp = wakeUp;
    }

    /** Any thread, never blocks: run {@code command} after the earlier jobs of {@code key}, killed after the timeout. */
    public void submit(final String key, final List<String> command, final long timeoutNs)
    {
        submitted.add(new Job(key, List.copyOf(command), timeoutNs));
        wakeUp.run();
    }

    /** Every track script's state, true while succeeding. */
    public Map<String, Boolean> status()
    {
        return status;
    }

    @Override
    public int doWork(final long nowNs)
    {
        int work = 0;
        Job job;
        while ((job = submitted.poll()) != null)
        {
            waiting.computeIfAbsent(job.key(), k -> new ArrayDeque<>()).add(job);
            work++;
        }
        work += notifyWork(nowNs);
        boolean changed = false;
        for (final Tracked t : tracked)
        {
            if (t.running != null)
            {
                final Boolean ok = reap(t.running, nowNs);
                if (ok != null)
                {
                    t.running = null;
                    changed |= record(t, ok);
                    work++;
                }
            }
            if (t.running == null && nowNs - t.nextRunNs >= 0)
            {
                t.nextRunNs = nowNs + t.script.intervalNs();
                final Process p = start(t.script.command());
                if (p == null)
                {
                    changed |= record(t, false);
                }
                else
                {
                    t.running = new Running(p, nowNs + t.script.timeoutNs());
                }
                work++;
            }
        }
        if (changed)
        {
            final Map<String, Boolean> next = new LinkedHashMap<>();
            for (final Tracked t : tracked)
            {
                next.put(t.script.name(), t.ok);
            }
            status = Map.copyOf(next);
            onStatusChange.accept(status);
        }
        return work;
    }

    private int notifyWork(final long nowNs)
    {
        int work = 0;
        for (final Map.Entry<String, ArrayDeque<Job>> e : waiting.entrySet())
        {
            final String key = e.getKey();
            final Running r = runningNotify.get(key);
            if (r != null)
            {
                if (reap(r, nowNs) == null)
                {
                    continue;
                }
                runningNotify.remove(key);
                notifyCompleted.incrementAndGet();
                work++;
            }
            final Job next = e.getValue().poll();
            if (next != null)
            {
                final Process p = start(next.command());
                if (p != null)
                {
                    runningNotify.put(key, new Running(p, nowNs + next.timeoutNs()));
                }
                work++;
            }
        }
        waiting.values().removeIf(ArrayDeque::isEmpty);
        // Keys whose queue emptied still need their last process reaped.
        for (final Map.Entry<String, Running> e : new ArrayList<>(runningNotify.entrySet()))
        {
            if (!waiting.containsKey(e.getKey()) && reap(e.getValue(), nowNs) != null)
            {
                runningNotify.remove(e.getKey());
                notifyCompleted.incrementAndGet();
                work++;
            }
        }
        return work;
    }

    private boolean record(final Tracked t, final boolean ok)
    {
        if (ok)
        {
            t.failures = 0;
            t.successes++;
            if (!t.ok && t.successes >= t.script.rise())
            {
                t.ok = true;
                return true;
            }
        }
        else
        {
            t.successes = 0;
            t.failures++;
            if (t.ok && t.failures >= t.script.fall())
            {
                t.ok = false;
                return true;
            }
        }
        return false;
    }

    /** Null while running; true for exit 0; false for any other exit or a timeout (then killed). */
    private Boolean reap(final Running r, final long nowNs)
    {
        if (!r.process().isAlive())
        {
            livePids.remove(r.process().pid());
            return r.process().exitValue() == 0;
        }
        if (nowNs - r.deadlineNs() >= 0)
        {
            kill(r.process());
            killedOnTimeout.incrementAndGet();
            return false;
        }
        return null;
    }

    private Process start(final List<String> command)
    {
        try
        {
            final Process p = new ProcessBuilder(command)
                .redirectInput(DEV_NULL)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
            livePids.add(p.pid());
            started.incrementAndGet();
            return p;
        }
        catch (final IOException ex)
        {
            failedToStart.incrementAndGet();
            return null;
        }
    }

    private void kill(final Process p)
    {
        // Only what we started: the process by its PID, and the processes it started (its descendants, by PID).
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        livePids.remove(p.pid());
    }

    /** Kills whatever is still running. */
    @Override
    public void onClose(final long nowNs)
    {
        for (final Tracked t : tracked)
        {
            if (t.running != null)
            {
                kill(t.running.process());
            }
        }
        for (final Running r : runningNotify.values())
        {
            kill(r.process());
        }
    }

    @Override
    public long nextDeadlineNs()
    {
        long deadline = Long.MAX_VALUE;
        for (final Tracked t : tracked)
        {
            final long d = t.running != null ? t.running.deadlineNs() : t.nextRunNs;
            deadline = deadline == Long.MAX_VALUE || d - deadline < 0 ? d : deadline;
        }
        if (!runningNotify.isEmpty() || !waiting.isEmpty())
        {
            // Process exit has no callback here: poll running notify scripts every 10 ms.
            final long soon = System.nanoTime() + 10_000_000L;
            deadline = deadline == Long.MAX_VALUE || soon - deadline < 0 ? soon : deadline;
        }
        if (deadline != Long.MAX_VALUE)
        {
            for (final Tracked t : tracked)
            {
                if (t.running != null)
                {
                    final long soon = System.nanoTime() + 10_000_000L;
                    deadline = soon - deadline < 0 ? soon : deadline;
                }
            }
        }
        return deadline;
    }

    /** PIDs of processes started here that have not been seen to end yet. */
    public Set<Long> livePids()
    {
        return Set.copyOf(livePids);
    }

    public long started()
    {
        return started.get();
    }

    public long killedOnTimeout()
    {
        return killedOnTimeout.get();
    }

    public long failedToStart()
    {
        return failedToStart.get();
    }

    public long notifyCompleted()
    {
        return notifyCompleted.get();
    }
}
