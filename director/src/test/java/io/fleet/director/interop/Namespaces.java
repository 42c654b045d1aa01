package io.fleet.director.interop;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * One Ethernet segment for a test, built from network namespaces whose names share a prefix unique to the run: a
 * switch namespace holding a bridge, and one namespace per host, each with an {@code eth0} whose peer is a bridge
 * port. {@link #close()} stops what the test started in them (by PID) and deletes every namespace it made, whatever
 * happened before.
 */
final class Namespaces implements AutoCloseable
{
    private final String prefix;
    private final List<String> made = new ArrayList<>();
    private final List<Process> started = new ArrayList<>();

    Namespaces(final String prefix)
    {
        this.prefix = prefix;
    }

    /** Whether this JVM runs as root (namespaces need it). */
    static boolean root()
    {
        try
        {
            final Process p = new ProcessBuilder("id", "-u").start();
            return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim().equals("0") &&
                p.waitFor() == 0;
        }
        catch (final IOException | InterruptedException ex)
        {
            return false;
        }
    }

    /** The first executable {@code name} in the usual directories, or null. */
    static Path tool(final String name)
    {
        for (final String dir : List.of("/usr/sbin", "/usr/bin", "/sbin", "/bin"))
        {
            final Path p = Path.of(dir, name);
            if (Files.isExecutable(p))
            {
                return p;
            }
        }
        return null;
    }

    String name(final String host)
    {
        return prefix + "-" + host;
    }

    /** Makes the switch namespace with bridge {@code br0}. */
    void segment() throws Exception
    {
        add("sw");
        must("ip", "-n", name("sw"), "link", "add", "br0", "type", "bridge");
        must("ip", "-n", name("sw"), "link", "set", "br0", "up");
    }

    /** Adds a host on the segment: {@code eth0} with the MAC and address given, IPv6 off, lo up. */
    void host(final String host, final String mac, final String addressWithPrefix) throws Exception
    {
        add(host);
        final String ns = name(host);
        must("ip", "-n", name("sw"), "link", "add", "p-" + host, "type", "veth", "peer", "name", "eth0", "netns", ns);
        must("ip", "-n", name("sw"), "link", "set", "p-" + host, "master", "br0", "up");
        must("ip", "-n", ns, "link", "set", "eth0", "address", mac);
        must("ip", "-n", ns, "addr", "add", addressWithPrefix, "dev", "eth0");
        run(List.of("ip", "netns", "exec", ns, "sysctl", "-q", "-w", "net.ipv6.conf.all.disable_ipv6=1"));
        must("ip", "-n", ns, "link", "set", "eth0", "up");
        must("ip", "-n", ns, "link", "set", "lo", "up");
    }

    private void add(final String host) throws Exception
    {
        must("ip", "netns", "add", name(host));
        made.add(name(host));
    }

    /** Starts {@code command} inside the host's namespace; its output lines are collected into {@code lines}. */
    Process start(final String host, final List<String> command, final List<String> lines) throws IOException
    {
        final List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", name(host)));
        full.addAll(command);
        // ip netns exec execs the command: the PID we hold is the program's own.
        final Process p = new ProcessBuilder(full).redirectErrorStream(true).start();
        started.add(p);
        final Thread reader = new Thread(() ->
        {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8)))
            {
                String line;
                while ((line = r.readLine()) != null)
                {
                    lines.add(line);
                }
            }
            catch (final IOException ignored)
            {
                // the process is gone
            }
        }, "out-" + host + "-" + p.pid());
        reader.setDaemon(true);
        reader.start();
        return p;
    }

    static List<String> lines()
    {
        return new CopyOnWriteArrayList<>();
    }

    /** Runs a command inside the host's namespace and returns its output (stdout and stderr). */
    String exec(final String host, final String... command) throws Exception
    {
        final List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", name(host)));
        full.addAll(List.of(command));
        return run(full).output();
    }

    record Result(int exitCode, String output)
    {
    }

    static Result run(final List<String> command) throws Exception
    {
        final Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        final String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS))
        {
            p.destroyForcibly();
            throw new AssertionError("timed out: " + command);
        }
        return new Result(p.exitValue(), text);
    }

    private static void must(final String... command) throws Exception
    {
        final Result r = run(List.of(command));
        if (r.exitCode() != 0)
        {
            throw new IllegalStateException(String.join(" ", command) + " failed (" + r.exitCode() + "): " + r.output());
        }
    }

    /**
     * Stops every process started here and what they started (SIGTERM, then SIGKILL, each by PID), then deletes the
     * namespaces.
     */
    @Override
    public void close()
    {
        for (final Process p : started)
        {
            final List<ProcessHandle> children = p.descendants().toList();
            p.destroy();
            children.forEach(ProcessHandle::destroy);
        }
        for (final Process p : started)
        {
            try
            {
                if (!p.waitFor(5, TimeUnit.SECONDS))
                {
                    p.descendants().forEach(ProcessHandle::destroyForcibly);
                    p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
        }
        for (final String ns : made)
        {
            try
            {
                run(List.of("ip", "netns", "del", ns));
            }
            catch (final Exception ex)
            {
                System.err.println("could not delete network namespace " + ns + ": " + ex.getMessage());
            }
        }
    }
}
