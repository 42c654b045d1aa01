package io.fleet.director.daemon;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Real {@code fleet run} processes for tests: started with the test's class path, their output kept line by line
 * with the time each line arrived, signalled and stopped by PID only. Close it to stop every process it started.
 */
final class Directors implements AutoCloseable
{
    /** One line of a director's output and when the test read it ({@link System#nanoTime}). */
    record Line(long atNs, String text)
    {
    }

    private final Path dir;
    private final List<Process> processes = new ArrayList<>();
    private final List<List<Line>> output = new ArrayList<>();

    Directors(final Path dir)
    {
        this.dir = dir;
    }

    /** Writes the config to {@code NAME.conf} and starts a director on it; returns its index. */
    int start(final String name, final String conf) throws Exception
    {
        final Path file = dir.resolve(name + ".conf");
        Files.writeString(file, conf);
        final String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        final Process p = new ProcessBuilder(List.of(java, "-Xmx192m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
            "--add-opens", "java.base/java.nio=ALL-UNNAMED", "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED",
            "-cp", System.getProperty("java.class.path"), Fleetd.class.getName(), "--config", file.toString()))
            .redirectErrorStream(true).start();
        final List<Line> lines = new CopyOnWriteArrayList<>();
        output.add(lines);
        processes.add(p);
        final Thread t = new Thread(() ->
        {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8)))
            {
                String line;
                while ((line = r.readLine()) != null)
                {
                    lines.add(new Line(System.nanoTime(), line));
                }
            }
            catch (final Exception ignored)
            {
                // the process is gone
            }
        }, "director-output-" + name);
        t.setDaemon(true);
        t.start();
        return processes.size() - 1;
    }

    Path file(final String name)
    {
        return dir.resolve(name + ".conf");
    }

    /** The first line of director {@code index} matching, at or after line {@code from}; null on timeout. */
    Line await(final int index, final int from, final Predicate<String> match, final long timeoutMs) throws InterruptedException
    {
        final long deadline = System.nanoTime() + timeoutMs * 1_000_000L;
        final List<Line> lines = output.get(index);
        while (System.nanoTime() - deadline < 0)
        {
            for (int i = from; i < lines.size(); i++)
            {
                if (match.test(lines.get(i).text()))
                {
                    return lines.get(i);
                }
            }
            Thread.sleep(10);
        }
        return null;
    }

    /** Whether director {@code index} printed a matching line so far. */
    boolean printed(final int index, final Predicate<String> match)
    {
        return output.get(index).stream().anyMatch(l -> match.test(l.text()));
    }

    /** How many lines director {@code index} printed so far: where a later {@link #await} starts. */
    int mark(final int index)
    {
        return output.get(index).size();
    }

    /** Sends a signal to one director, by its PID. */
    void signal(final int index, final String signal) throws Exception
    {
        final Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(processes.get(index).pid())).start();
        if (kill.waitFor() != 0)
        {
            throw new IllegalStateException("kill -" + signal + " " + processes.get(index).pid() + " failed");
        }
    }

    /** Waits for director {@code index} to exit on its own; its exit code, or null on timeout. */
    Integer awaitExit(final int index, final long timeoutMs) throws InterruptedException
    {
        final Process p = processes.get(index);
        return p.waitFor(timeoutMs, TimeUnit.MILLISECONDS) ? p.exitValue() : null;
    }

    /** SIGTERM and wait: the director leaves the cluster and its durable catalog is closed cleanly. */
    void stop(final int index) throws InterruptedException
    {
        final Process p = processes.get(index);
        p.destroy();
        if (!p.waitFor(20, TimeUnit.SECONDS))
        {
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** SIGTERM to every running director at once, then wait for all. */
    void stopAll() throws InterruptedException
    {
        for (final Process p : processes)
        {
            p.destroy();
        }
        for (final Process p : processes)
        {
            if (!p.waitFor(20, TimeUnit.SECONDS))
            {
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    /** Everything every director printed, for failure messages. */
    String dump()
    {
        final StringBuilder b = new StringBuilder();
        for (int i = 0; i < output.size(); i++)
        {
            b.append("---- director ").append(i).append('\n');
            for (final Line l : output.get(i))
            {
                b.append(l.text()).append('\n');
            }
        }
        return b.toString();
    }

    @Override
    public void close() throws InterruptedException
    {
        for (final Process p : processes)
        {
            p.destroy();
        }
        for (final Process p : processes)
        {
            if (!p.waitFor(15, TimeUnit.SECONDS))
            {
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }
}
