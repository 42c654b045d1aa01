package io.fleet.sync.multijvm;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.fleet.sync.testkit.TestNodes;

/**
 * Three director JVMs on 127.0.0.1, .2 and .3: records written on two of them are held by all; after a
 * {@code kill -9} of one (by PID) the others still hold every record and keep replicating; the killed director,
 * restarted on the same address, holds everything (including what was written while it was dead) as soon as it
 * reports itself caught up.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class MultiJvmKillTest
{
    private final List<Director> started = new ArrayList<>();

    /** A director process and its line protocol. */
    static final class Director
    {
        final Process process;
        final PrintWriter stdin;
        final BlockingQueue<String> stdout = new LinkedBlockingQueue<>();

        Director(final Process process)
        {
            this.process = process;
            this.stdin = new PrintWriter(process.getOutputStream(), true, StandardCharsets.UTF_8);
            final Thread reader = new Thread(() ->
            {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)))
                {
                    String line;
                    while ((line = r.readLine()) != null)
                    {
                        stdout.add(line);
                    }
                }
                catch (final IOException e)
                {
                    // Process killed: nothing more to read.
                }
            }, "director-" + process.pid());
            reader.setDaemon(true);
            reader.start();
        }

        String await(final String prefix, final Duration timeout) throws InterruptedException
        {
            final long deadlineNs = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() - deadlineNs < 0)
            {
                final String line = stdout.poll(100, TimeUnit.MILLISECONDS);
                if (line != null && line.startsWith(prefix))
                {
                    return line;
                }
                if (line == null && !process.isAlive())
                {
                    throw new AssertionError("director " + process.pid() + " exited with " + process.exitValue());
                }
            }
            throw new AssertionError("no '" + prefix + "' from director " + process.pid() + " within " + timeout);
        }

        int have(final int from, final int count) throws InterruptedException
        {
            stdin.println("check " + from + " " + count);
            return Integer.parseInt(await("HAVE ", Duration.ofSeconds(20)).substring(5));
        }

        void put(final int from, final int count) throws InterruptedException
        {
            stdin.println("put " + from + " " + count);
            await("PUT ", Duration.ofSeconds(20));
        }
    }

    private Director start(final String host, final int port, final String seeds) throws IOException
    {
        final Path dir = Files.createTempDirectory("fleet-mj-" + host);
        final List<String> cmd = new ArrayList<>(List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-cp", System.getProperty("java.class.path"),
            "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED",
            "--add-opens", "java.base/java.nio=ALL-UNNAMED", "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED",
            "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
            SyncNodeMain.class.getName(), host, Integer.toString(port), seeds, dir.toString()));
        final Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        final Director d = new Director(p);
        started.add(d);
        return d;
    }

    @AfterEach
    void killAll()
    {
        for (final Director d : started)
        {
            d.process.destroyForcibly();
        }
    }

    @Test
    void shouldKeepEveryRecordWhenADirectorIsKilledAndCatchUpWhenItRestarts() throws Exception
    {
        final String[] hosts = {"127.0.0.1", "127.0.0.2", "127.0.0.3"};
        final int[] ports = new int[3];
        for (int i = 0; i < 3; i++)
        {
            ports[i] = TestNodes.freePort(hosts[i]);
        }
        final String seeds = hosts[0] + ":" + ports[0];
        final Director a = start(hosts[0], ports[0], seeds);
        final Director b = start(hosts[1], ports[1], seeds);
        final Director c = start(hosts[2], ports[2], seeds);
        for (final Director d : List.of(a, b, c))
        {
            d.await("UP", Duration.ofSeconds(120));
        }

        a.put(0, 500);
        b.put(500, 500);
        awaitHave(List.of(a, b, c), 0, 1000);

        final long killedPid = c.process.pid();
        c.process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        System.out.println("killed director pid " + killedPid + " with SIGKILL");

        assertThat(a.have(0, 1000)).isEqualTo(1000);
        assertThat(b.have(0, 1000)).isEqualTo(1000);
        a.put(1000, 200);
        awaitHave(List.of(a, b), 0, 1200);

        final Director restarted = start(hosts[2], ports[2], seeds);
        restarted.await("UP", Duration.ofSeconds(120));
        // Caught up means the state is there before the director would take any VIP: no waiting here.
        assertThat(restarted.have(0, 1200)).isEqualTo(1200);
    }

    private static void awaitHave(final List<Director> directors, final int from, final int count) throws Exception
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        for (final Director d : directors)
        {
            int have;
            while ((have = d.have(from, count)) < count)
            {
                assertThat(System.nanoTime() - deadlineNs).as("director %d holds %d of %d", d.process.pid(), have, count)
                    .isNegative();
                Thread.sleep(200);
            }
        }
    }
}
