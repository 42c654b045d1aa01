package io.fleet.director.demo;

import com.sun.net.httpserver.HttpServer;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * {@code ./fleet demo}: the first thing a new user runs. No root, no config to write, loopback only. Two real HTTP
 * servers (answering with their names), three director processes in proxy mode forming a cluster and electing a
 * holder for VIP 127.0.0.100, a client that shows which real server answered each request, then a kill -9 of the
 * holder's process, the takeover, and requests going on. Prints a summary, stops everything it started (by PID),
 * and exits 0 when every step worked.
 */
public final class Demo
{
    private static final String VIP = "127.0.0.100";
    private static final String[] SERVER_ADDRESSES = {"127.0.0.11", "127.0.0.12"};
    private static final String[] SERVER_NAMES = {"web-1", "web-2"};

    private final List<HttpServer> servers = new ArrayList<>();
    private final List<Process> directors = new ArrayList<>();
    private final List<List<String>> output = new ArrayList<>();
    private final Path work;
    private int vipPort;

    private Demo() throws IOException
    {
        this.work = Files.createTempDirectory("fleet-demo");
    }

    public static void main(final String[] args) throws Exception
    {
        final Demo demo = new Demo();
        int code;
        try
        {
            code = demo.run() ? 0 : 1;
        }
        catch (final Exception ex)
        {
            System.out.println("demo failed: " + ex);
            code = 1;
        }
        finally
        {
            demo.stop();
        }
        System.exit(code);
    }

    private boolean run() throws Exception
    {
        final long start = System.nanoTime();
        say("Fleet demo: 2 real servers, 3 directors in proxy mode, VIP %s, all on loopback", VIP);
        final int[] serverPorts = new int[2];
        for (int i = 0; i < 2; i++)
        {
            final String name = SERVER_NAMES[i];
            final HttpServer s = HttpServer.create(new InetSocketAddress(SERVER_ADDRESSES[i], 0), 64);
            s.createContext("/", exchange ->
            {
                final byte[] body = (name + "\n").getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(200, body.length);
                exchange.getResponseBody().write(body);
                exchange.close();
            });
            s.start();
            servers.add(s);
            serverPorts[i] = s.getAddress().getPort();
            say("  real server %s on %s:%d", name, SERVER_ADDRESSES[i], serverPorts[i]);
        }
        vipPort = freePort();
        final int[] clusterPorts = {freePort(), freePort(), freePort()};
        final int[] priorities = {150, 100, 50};
        // The first director forms the cluster; the others join it (seed nodes list it first).
        for (int i = 0; i < 3; i++)
        {
            final Path conf = work.resolve("director-" + (i + 1) + ".conf");
            Files.writeString(conf, config(i, clusterPorts, priorities, serverPorts));
            startDirector(i, conf);
            if (i == 0 && awaitHolder(-1, 30_000) == null)
            {
                say("director-1 did not take the VIP within 30 s");
                return false;
            }
        }
        if (!awaitRole(1, "BACKUP", 30_000) || !awaitRole(2, "BACKUP", 30_000))
        {
            say("directors 2 and 3 did not join within 30 s");
            dump();
            return false;
        }
        // Every director must see all three members up before the drill: a director that still sees two would be
        // "half without the lowest address" when the holder dies, and wait for the holder's removal (seconds).
        for (int i = 0; i < 3; i++)
        {
            if (!awaitMembersUp(i, 3, 30_000))
            {
                say("director-%d did not see all three members up within 30 s", i + 1);
                dump();
                return false;
            }
        }
        final String holder = awaitHolder(-1, 1_000);
        say("  director-%s holds %s:%d (cluster and election up after %.1f s)", holder, VIP, vipPort, seconds(start));

        say("%nSix requests to http://%s:%d/ (scheduler rr):", VIP, vipPort);
        final int okBefore = requests(6);

        final int holderIndex = Integer.parseInt(holder) - 1;
        final Process victim = directors.get(holderIndex);
        say("%nkill -9 %d (director-%s, the VIP holder)", victim.pid(), holder);
        final long killed = System.nanoTime();
        victim.destroyForcibly();
        victim.waitFor(5, TimeUnit.SECONDS);
        final long answered = awaitVip(15_000);
        final String next = awaitHolder(holderIndex, 15_000);
        if (answered < 0 || next == null)
        {
            say("the VIP did not come back within 15 s; the directors said:");
            dump();
            return false;
        }
        final double takeoverMs = (answered - killed) / 1e6;
        say("  director-%s took over; the VIP answered again %.0f ms after the kill", next, takeoverMs);
        if (takeoverMs > 2_000)
        {
            say("  (slow: the directors said)");
            dump();
        }

        say("%nSix more requests:");
        final int okAfter = requests(6);
        say("%nSummary: %d/6 requests before, %d/6 after, takeover %.0f ms (Keepalived's default needs ~3.6 s), %.1f s in all.",
            okBefore, okAfter, takeoverMs, seconds(start));
        return okBefore == 6 && okAfter == 6;
    }

    private String config(final int i, final int[] clusterPorts, final int[] priorities, final int[] serverPorts)
    {
        final StringBuilder seeds = new StringBuilder();
        final StringBuilder prio = new StringBuilder();
        for (int j = 0; j < 3; j++)
        {
            seeds.append(j == 0 ? "" : ", ").append("\"127.0.0.1:").append(clusterPorts[j]).append('"');
            prio.append(j == 0 ? "" : ", ").append("\"127.0.0.1:").append(clusterPorts[j]).append("\" = ").append(priorities[j]);
        }
        return String.join("\n",
            "# Generated by ./fleet demo for director-" + (i + 1) + ".",
            "fleet.sync.node { hostname = \"127.0.0.1\", port = " + clusterPorts[i] + ", seed-nodes = [" + seeds + "] }",
            "fleet.sync.catalog.durable-dir = \"" + work.resolve("ddata-" + (i + 1)) + "\"",
            "fleet.vrrp.stable-after = 1s",
            "fleet.vrrp.groups = [ { name = demo, addresses = [\"" + VIP + "\"], priority = 100, preempt = true,",
            "  priorities { " + prio + " } } ]",
            "director { mode = proxy }",
            "services = [ {",
            "  protocol = tcp, vip = \"" + VIP + "\", port = " + vipPort + ", scheduler = rr",
            "  real-servers = [",
            "    { address = \"" + SERVER_ADDRESSES[0] + "\", port = " + serverPorts[0] + ", method = nat }",
            "    { address = \"" + SERVER_ADDRESSES[1] + "\", port = " + serverPorts[1] + ", method = nat }",
            "  ]",
            "} ]",
            "");
    }

    private void startDirector(final int i, final Path conf) throws IOException
    {
        final String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        final List<String> command = List.of(java, "-Xmx256m", "-XX:+UseSerialGC",
            "--add-opens", "java.base/java.nio=ALL-UNNAMED", "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED",
            "-cp", System.getProperty("java.class.path"), "io.fleet.director.daemon.Fleetd", "--config", conf.toString());
        final Process p = new ProcessBuilder(command).redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.PIPE).start();
        final List<String> lines = new CopyOnWriteArrayList<>();
        output.add(lines);
        directors.add(p);
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
        }, "demo-director-" + (i + 1));
        reader.setDaemon(true);
        reader.start();
        say("  director-%d started, pid %d", i + 1, p.pid());
    }

    /** The number (1..3) of the director whose latest role line says MASTER, other than {@code exclude}. */
    private String awaitHolder(final int exclude, final long timeoutMs) throws InterruptedException
    {
        final long deadline = System.nanoTime() + timeoutMs * 1_000_000L;
        while (System.nanoTime() < deadline)
        {
            for (int i = 0; i < output.size(); i++)
            {
                if (i == exclude || !directors.get(i).isAlive())
                {
                    continue;
                }
                String last = null;
                for (final String line : output.get(i))
                {
                    if (line.startsWith("ROLE demo "))
                    {
                        last = line;
                    }
                }
                if (last != null && last.startsWith("ROLE demo MASTER"))
                {
                    return String.valueOf(i + 1);
                }
            }
            Thread.sleep(20);
        }
        return null;
    }

    /** Whether director {@code index} (0-based) printed this role for the demo group, within the time. */
    private boolean awaitRole(final int index, final String role, final long timeoutMs) throws InterruptedException
    {
        final long deadline = System.nanoTime() + timeoutMs * 1_000_000L;
        while (System.nanoTime() < deadline)
        {
            for (final String line : output.get(index))
            {
                if (line.startsWith("ROLE demo " + role))
                {
                    return true;
                }
            }
            Thread.sleep(20);
        }
        return false;
    }

    private boolean awaitMembersUp(final int index, final int members, final long timeoutMs) throws InterruptedException
    {
        final long deadline = System.nanoTime() + timeoutMs * 1_000_000L;
        while (System.nanoTime() < deadline)
        {
            if (output.get(index).stream().filter(l -> l.startsWith("MEMBER UP ")).distinct().count() >= members)
            {
                return true;
            }
            Thread.sleep(20);
        }
        return false;
    }

    private void dump()
    {
        for (int i = 0; i < output.size(); i++)
        {
            final List<String> lines = output.get(i);
            for (final String line : lines.subList(Math.max(0, lines.size() - 12), lines.size()))
            {
                say("  director-%d | %s", i + 1, line);
            }
        }
    }

    private long awaitVip(final long timeoutMs) throws InterruptedException
    {
        final long deadline = System.nanoTime() + timeoutMs * 1_000_000L;
        while (System.nanoTime() < deadline)
        {
            if (get() != null)
            {
                return System.nanoTime();
            }
            Thread.sleep(10);
        }
        return -1;
    }

    private int requests(final int n)
    {
        int ok = 0;
        for (int i = 0; i < n; i++)
        {
            final String who = get();
            say("  request %d -> %s", i + 1, who == null ? "FAILED" : who);
            ok += who == null ? 0 : 1;
        }
        return ok;
    }

    /** One GET on a new connection; the answering server's name, or null. */
    private String get()
    {
        try
        {
            final HttpURLConnection c = (HttpURLConnection)URI.create("http://" + VIP + ":" + vipPort + "/").toURL().openConnection();
            c.setConnectTimeout(500);
            c.setReadTimeout(2000);
            c.setRequestProperty("Connection", "close");
            try (InputStream in = c.getInputStream())
            {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
            }
            finally
            {
                c.disconnect();
            }
        }
        catch (final IOException ex)
        {
            return null;
        }
    }

    private void stop()
    {
        for (final Process p : directors)
        {
            p.destroy();
        }
        for (final Process p : directors)
        {
            try
            {
                if (!p.waitFor(10, TimeUnit.SECONDS))
                {
                    p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
        }
        for (final HttpServer s : servers)
        {
            s.stop(0);
        }
        deleteTree(work);
    }

    private static void deleteTree(final Path dir)
    {
        try (var walk = Files.walk(dir))
        {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
        catch (final IOException ignored)
        {
            // best effort: a temp directory
        }
    }

    private static int freePort()
    {
        return FreePorts.next();
    }

    private static double seconds(final long sinceNs)
    {
        return (System.nanoTime() - sinceNs) / 1e9;
    }

    private static void say(final String format, final Object... args)
    {
        System.out.println(String.format(Locale.ROOT, format, args));
        System.out.flush();
    }
}
