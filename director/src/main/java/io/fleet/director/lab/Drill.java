package io.fleet.director.lab;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The lab's failover drill workload, run inside the client namespace: {@code C} long-lived HTTP/1.1 connections to
 * the VIP, each sending a request every 50 ms on its one kept-alive connection and checking every answer, plus a
 * stream of new connections (one request each). At a random moment in the middle third of the run it executes
 * the kill command it was given (the lab passes {@code kill -9 PID} of the VIP holder) and notes the instant.
 *
 * <p>Prints one {@code key=value} line per figure, the kill instant in epoch milliseconds among them, so the lab
 * script can join it with the capture that dates the new holder's gratuitous ARP. An established connection
 * <em>survived</em> when every one of its requests got a correct answer and it was never reset; a request slower
 * than the read timeout, a reset or a wrong answer fails it.
 */
public final class Drill
{
    private static final int REQUEST_INTERVAL_MS = 50;
    private static final int NEW_CONNECTION_INTERVAL_MS = 20;
    private static final int READ_TIMEOUT_MS = 10_000;
    private static final int CONNECT_TIMEOUT_MS = 5_000;

    private final InetSocketAddress vip;
    private final int connections;
    private final long durationMs;
    private final List<String> killCommand;

    private final AtomicLong requestsOk = new AtomicLong();
    private final AtomicLong requestsFailed = new AtomicLong();
    private final AtomicLong slowestRequestMs = new AtomicLong();
    private final AtomicLong newOk = new AtomicLong();
    private final AtomicLong newFailed = new AtomicLong();
    private final AtomicLong newFailedAfterKill = new AtomicLong();
    private final AtomicLong slowestNewMs = new AtomicLong();
    private final AtomicLong killedAtMs = new AtomicLong();
    private final AtomicLongArray brokenAtMs;
    private final java.util.concurrent.ConcurrentHashMap<String, Integer> failures = new java.util.concurrent.ConcurrentHashMap<>();
    private volatile boolean running = true;

    private Drill(final InetSocketAddress vip, final int connections, final long durationMs, final List<String> killCommand)
    {
        this.vip = vip;
        this.connections = connections;
        this.durationMs = durationMs;
        this.killCommand = killCommand;
        this.brokenAtMs = new AtomicLongArray(connections);
    }

    public static void main(final String[] args) throws Exception
    {
        String host = null;
        int port = 80;
        int connections = 20;
        long durationS = 20;
        final List<String> kill = new ArrayList<>();
        for (int i = 0; i < args.length; i++)
        {
            switch (args[i])
            {
                case "--vip" -> host = value(args, ++i, "--vip");
                case "--port" -> port = number(args, ++i, "--port", 1, 65535);
                case "--connections" -> connections = number(args, ++i, "--connections", 1, 10_000);
                case "--duration" -> durationS = number(args, ++i, "--duration", 3, 3600);
                case "--kill" ->
                {
                    for (i++; i < args.length; i++)
                    {
                        kill.add(args[i]);
                    }
                }
                default -> usage("unknown option '" + args[i] + "'");
            }
        }
        if (host == null)
        {
            usage("--vip is required");
        }
        System.exit(new Drill(new InetSocketAddress(host, port), connections, durationS * 1000, kill).run());
    }

    private static String value(final String[] args, final int i, final String flag)
    {
        if (i >= args.length)
        {
            usage(flag + " needs a value");
        }
        return args[i];
    }

    private static int number(final String[] args, final int i, final String flag, final int min, final int max)
    {
        final String v = value(args, i, flag);
        try
        {
            final int n = Integer.parseInt(v);
            if (n >= min && n <= max)
            {
                return n;
            }
        }
        catch (final NumberFormatException ignored)
        {
            // reported below
        }
        usage(flag + " must be " + min + ".." + max + " (got '" + v + "')");
        return 0;
    }

    private static void usage(final String problem)
    {
        System.err.println("drill: " + problem);
        System.err.println("usage: Drill --vip ADDRESS [--port 80] [--connections C] [--duration S] [--kill COMMAND...]");
        System.exit(2);
    }

    private int run() throws Exception
    {
        final List<Thread> threads = new ArrayList<>();
        final List<Socket> sockets = new ArrayList<>();
        for (int c = 0; c < connections; c++)
        {
            final Socket s = new Socket();
            s.setTcpNoDelay(true);
            s.setSoTimeout(READ_TIMEOUT_MS);
            s.connect(vip, CONNECT_TIMEOUT_MS);
            sockets.add(s);
        }
        final long startMs = System.currentTimeMillis();
        for (int c = 0; c < connections; c++)
        {
            final int index = c;
            final Socket s = sockets.get(c);
            threads.add(new Thread(() -> established(index, s), "drill-conn-" + c));
        }
        threads.add(new Thread(this::newConnections, "drill-new"));
        threads.forEach(Thread::start);

        final long killAtMs = durationMs / 3 + ThreadLocalRandom.current().nextLong(Math.max(1, durationMs / 3));
        Thread.sleep(killAtMs);
        if (!killCommand.isEmpty())
        {
            killedAtMs.set(System.currentTimeMillis());
            final Process p = new ProcessBuilder(killCommand).inheritIO().start();
            p.waitFor(10, TimeUnit.SECONDS);
        }
        Thread.sleep(Math.max(0, startMs + durationMs - System.currentTimeMillis()));
        running = false;
        for (final Thread t : threads)
        {
            t.join(READ_TIMEOUT_MS + 2_000);
        }
        for (final Socket s : sockets)
        {
            s.close();
        }

        int survived = 0;
        for (int c = 0; c < connections; c++)
        {
            survived += brokenAtMs.get(c) == 0 ? 1 : 0;
        }
        final StringBuilder out = new StringBuilder();
        line(out, "connections", connections);
        line(out, "survived", survived);
        line(out, "survived_pct", String.format(Locale.ROOT, "%.1f", 100.0 * survived / connections));
        line(out, "requests_ok", requestsOk.get());
        line(out, "requests_failed", requestsFailed.get());
        line(out, "slowest_request_ms", slowestRequestMs.get());
        line(out, "new_ok", newOk.get());
        line(out, "new_failed", newFailed.get());
        line(out, "new_failed_after_kill", newFailedAfterKill.get());
        line(out, "slowest_new_ms", slowestNewMs.get());
        line(out, "killed_at_ms", killedAtMs.get());
        failures.forEach((reason, n) -> line(out, "failure", n + " x " + reason));
        System.out.print(out);
        return 0;
    }

    private static void line(final StringBuilder out, final String key, final Object value)
    {
        out.append(key).append('=').append(value).append('\n');
    }

    private void established(final int index, final Socket socket)
    {
        final byte[] request = request();
        final byte[] buffer = new byte[4096];
        String server = null;
        try (socket)
        {
            final OutputStream out = socket.getOutputStream();
            final InputStream in = socket.getInputStream();
            while (running)
            {
                final long sentMs = System.currentTimeMillis();
                out.write(request);
                out.flush();
                final String answer = readResponse(in, buffer);
                final long tookMs = System.currentTimeMillis() - sentMs;
                slowestRequestMs.accumulateAndGet(tookMs, Math::max);
                if (answer == null || (server != null && !server.equals(answer)))
                {
                    failures.merge(answer == null ? "closed or bad answer" : "another server answered", 1, Integer::sum);
                    fail(index);
                    return;
                }
                server = answer;
                requestsOk.incrementAndGet();
                Thread.sleep(REQUEST_INTERVAL_MS);
            }
        }
        catch (final IOException | InterruptedException ex)
        {
            failures.merge(ex.getClass().getSimpleName() + ": " + ex.getMessage(), 1, Integer::sum);
            fail(index);
        }
    }

    private void fail(final int index)
    {
        requestsFailed.incrementAndGet();
        brokenAtMs.compareAndSet(index, 0, System.currentTimeMillis());
    }

    private void newConnections()
    {
        final byte[] request = request();
        final byte[] buffer = new byte[4096];
        while (running)
        {
            final long startMs = System.currentTimeMillis();
            boolean ok = false;
            try (Socket s = new Socket())
            {
                s.setSoTimeout(READ_TIMEOUT_MS);
                s.connect(vip, CONNECT_TIMEOUT_MS);
                s.getOutputStream().write(request);
                ok = readResponse(s.getInputStream(), buffer) != null;
            }
            catch (final SocketTimeoutException ex)
            {
                ok = false;
            }
            catch (final IOException ex)
            {
                ok = false;
            }
            final long tookMs = System.currentTimeMillis() - startMs;
            slowestNewMs.accumulateAndGet(tookMs, Math::max);
            if (ok)
            {
                newOk.incrementAndGet();
            }
            else
            {
                newFailed.incrementAndGet();
                final long killed = killedAtMs.get();
                if (killed != 0 && startMs + tookMs >= killed)
                {
                    newFailedAfterKill.incrementAndGet();
                }
            }
            try
            {
                Thread.sleep(NEW_CONNECTION_INTERVAL_MS);
            }
            catch (final InterruptedException ex)
            {
                return;
            }
        }
    }

    private byte[] request()
    {
        return ("GET / HTTP/1.1\r\nHost: " + vip.getHostString() + "\r\nConnection: keep-alive\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII);
    }

    /** Reads one HTTP/1.1 response with a Content-Length; returns its body trimmed (the server's name), or null. */
    static String readResponse(final InputStream in, final byte[] buffer) throws IOException
    {
        int length = 0;
        int headerEnd = -1;
        while (headerEnd < 0)
        {
            final int n = in.read(buffer, length, buffer.length - length);
            if (n < 0)
            {
                return null;
            }
            length += n;
            for (int i = 3; i < length; i++)
            {
                if (buffer[i - 3] == '\r' && buffer[i - 2] == '\n' && buffer[i - 1] == '\r' && buffer[i] == '\n')
                {
                    headerEnd = i + 1;
                    break;
                }
            }
            if (headerEnd < 0 && length == buffer.length)
            {
                return null;
            }
        }
        final String head = new String(buffer, 0, headerEnd, StandardCharsets.US_ASCII);
        if (!head.startsWith("HTTP/1.1 200") && !head.startsWith("HTTP/1.0 200"))
        {
            return null;
        }
        int contentLength = -1;
        for (final String h : head.split("\r\n"))
        {
            if (h.regionMatches(true, 0, "Content-Length:", 0, 15))
            {
                contentLength = Integer.parseInt(h.substring(15).trim());
            }
        }
        if (contentLength < 0 || headerEnd + contentLength > buffer.length)
        {
            return null;
        }
        while (length < headerEnd + contentLength)
        {
            final int n = in.read(buffer, length, headerEnd + contentLength - length);
            if (n < 0)
            {
                return null;
            }
            length += n;
        }
        return new String(buffer, headerEnd, contentLength, StandardCharsets.US_ASCII).trim();
    }
}
