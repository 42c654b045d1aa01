package io.fleet.vrrp.drill;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import io.fleet.vrrp.frame.Arp;
import io.fleet.vrrp.frame.Bytes;
import io.fleet.vrrp.frame.Ethernet;
import io.fleet.vrrp.link.Frames;

/**
 * The multi-JVM drill: three {@link DrillNode} JVMs on loopback and a UDP observer receiving every frame they send.
 * {@link #killHolder()} kills the holder of vip-0 with SIGKILL (by the PID this drill started) and measures the
 * takeover: from the last frame the old holder was seen to send to the first gratuitous ARP from the new one.
 */
public final class Drill implements AutoCloseable
{
    private static final String VIP_HEX = "0ac80064";

    private final int[] ports = new int[3];
    private final Process[] processes = new Process[3];
    private final List<List<String>> output = new ArrayList<>();
    private final DatagramChannel observer;
    private final List<long[]> garps = new CopyOnWriteArrayList<>();
    private final Thread observerThread;
    private volatile boolean running = true;

    public Drill() throws IOException
    {
        for (int i = 0; i < 3; i++)
        {
            try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress()))
            {
                ports[i] = s.getLocalPort();
            }
            output.add(new CopyOnWriteArrayList<>());
        }
        observer = DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
        observerThread = new Thread(this::observe, "drill-observer");
        observerThread.setDaemon(true);
        observerThread.start();
    }

    private void observe()
    {
        final ByteBuffer buffer = ByteBuffer.allocate(2048);
        while (running)
        {
            try
            {
                buffer.clear();
                observer.receive(buffer);
                final long nowNs = System.nanoTime();
                final byte[] f = buffer.array();
                final int length = buffer.position();
                if (Frames.classify(f, 0, length) == Frames.ARP &&
                    Bytes.hex(f, Ethernet.HEADER_LENGTH + Arp.TARGET_IP_OFFSET, 4).equals(VIP_HEX))
                {
                    // The sender's index is the last byte of its MAC.
                    garps.add(new long[]{nowNs, f[Ethernet.SOURCE_OFFSET + 5]});
                }
            }
            catch (final IOException ex)
            {
                return;
            }
        }
    }

    public void start(final int i) throws IOException
    {
        final String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        final List<String> command = List.of(javaBin, "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
            "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED",
            "-cp", System.getProperty("java.class.path"), DrillNode.class.getName(),
            Integer.toString(i + 1), Integer.toString(ports[i]), Integer.toString(ports[0]),
            Integer.toString(((InetSocketAddress)observer.getLocalAddress()).getPort()));
        output.get(i).clear();
        final Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        processes[i] = p;
        final List<String> lines = output.get(i);
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
                // The process was killed.
            }
        }, "drill-node-" + i);
        reader.setDaemon(true);
        reader.start();
    }

    public void startAll() throws IOException
    {
        for (int i = 0; i < 3; i++)
        {
            start(i);
        }
    }

    /** Kills (by PID) whatever is left of the three nodes and starts all three again: a fresh cluster. */
    public void restartAll() throws IOException, InterruptedException
    {
        for (final Process p : processes)
        {
            if (p != null)
            {
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
            }
        }
        startAll();
    }

    /** The index (0..2) whose latest ROLE line for vip-0 says MASTER, or -1. */
    public int holder()
    {
        int holder = -1;
        for (int i = 0; i < 3; i++)
        {
            String role = "";
            for (final String line : output.get(i))
            {
                if (line.startsWith("ROLE vip-0 "))
                {
                    role = line.substring("ROLE vip-0 ".length());
                }
            }
            if (role.equals("MASTER") && processes[i].isAlive())
            {
                if (holder >= 0)
                {
                    return -2;
                }
                holder = i;
            }
        }
        return holder;
    }

    private boolean allSeeThree()
    {
        for (int i = 0; i < 3; i++)
        {
            final List<String> lines = output.get(i);
            String last = "";
            for (final String line : lines)
            {
                if (line.startsWith("VIEW "))
                {
                    last = line;
                }
            }
            if (!last.equals("VIEW 3 true of 3"))
            {
                return false;
            }
        }
        return true;
    }

    /** Waits until all three see each other and exactly one holds vip-0 for a second. */
    public void awaitStable(final long timeoutMs) throws InterruptedException
    {
        try
        {
            await("three members and one holder", timeoutMs, () -> allSeeThree() && holder() >= 0);
            // Let a restarted node's hysteresis and preemption play out.
            Thread.sleep(2_000);
            await("three members and one holder after hysteresis", timeoutMs, () -> allSeeThree() && holder() >= 0);
        }
        catch (final AssertionError ex)
        {
            for (int i = 0; i < 3; i++)
            {
                final List<String> lines = output.get(i);
                System.out.println("node " + i + " alive=" + isAlive(i) + " last lines: " +
                    lines.subList(Math.max(0, lines.size() - 15), lines.size()));
            }
            throw ex;
        }
    }

    /** Result of one kill: takeover in ns (last frame of the old holder to first GARP of the new), and who. */
    public record Takeover(long takeoverNs, int oldHolder, int newHolder, long killToGarpNs)
    {
    }

    public Takeover killHolder() throws InterruptedException
    {
        final int old = holder();
        if (old < 0)
        {
            throw new IllegalStateException("no single holder: " + old);
        }
        final long killNs = System.nanoTime();
        processes[old].destroyForcibly();
        processes[old].waitFor(10, TimeUnit.SECONDS);
        await("a new holder's gratuitous ARP", 20_000, () -> firstGarpAfter(killNs, old + 1) != null);
        final long[] first = firstGarpAfter(killNs, old + 1);
        long last = killNs;
        for (final long[] g : garps)
        {
            if (g[1] == old + 1 && g[0] - last > 0 && g[0] - first[0] < 0)
            {
                last = g[0];
            }
        }
        long lastBefore = Long.MIN_VALUE;
        for (final long[] g : garps)
        {
            if (g[1] == old + 1 && g[0] - first[0] < 0 && (lastBefore == Long.MIN_VALUE || g[0] - lastBefore > 0))
            {
                lastBefore = g[0];
            }
        }
        return new Takeover(first[0] - lastBefore, old, (int)first[1] - 1, first[0] - killNs);
    }

    private long[] firstGarpAfter(final long afterNs, final int notFrom)
    {
        for (final long[] g : garps)
        {
            if (g[0] - afterNs > 0 && g[1] != notFrom)
            {
                return g;
            }
        }
        return null;
    }

    public boolean isAlive(final int i)
    {
        return processes[i] != null && processes[i].isAlive();
    }

    private static void await(final String what, final long timeoutMs, final BooleanSupplier condition)
        throws InterruptedException
    {
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (!condition.getAsBoolean())
        {
            if (System.nanoTime() - deadline > 0)
            {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(10);
        }
    }

    public List<String> output(final int i)
    {
        return output.get(i);
    }

    /** Kills every node this drill started (by PID) and closes the observer. */
    @Override
    public void close() throws IOException, InterruptedException
    {
        for (final Process p : processes)
        {
            if (p != null)
            {
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
            }
        }
        running = false;
        observer.close();
    }
}
