package io.fleet.director.proxy;

import io.fleet.director.service.SchedulerKind;
import io.fleet.director.service.VirtualService;
import io.netty.channel.epoll.Epoll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.fleet.director.proxy.ProxyFixture.VIP;
import static io.fleet.director.proxy.ProxyFixture.eventually;
import static io.fleet.director.proxy.ProxyFixture.freePort;
import static io.fleet.director.proxy.ProxyFixture.ip;
import static io.fleet.director.proxy.ProxyFixture.rs;
import static io.fleet.director.proxy.ProxyFixture.service;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Half-close and the FIN fast path end to end on loopback, with raw-socket real servers that decide exactly when each
 * side sends its FIN: whichever side finishes first, the other may go on sending, everything queued is delivered
 * before the close, and a close after both FINs reaches both peers as an orderly EOF, never a reset.
 */
@Timeout(30)
class ProxyHalfCloseTest
{
    private static final String SERVER = "127.0.0.14";

    private ProxyServer proxy;
    private ServerSocket server;
    private VirtualService vs;
    private InetSocketAddress vipAddress;

    /** The real server's side of one connection; what it returns is the test's to check. */
    private interface Serve<T>
    {
        T serve(Socket s) throws IOException;
    }

    private <T> CompletableFuture<T> start(final ProxyConfig config, final Serve<T> serve) throws IOException
    {
        server = new ServerSocket(0, 8, InetAddress.getByName(SERVER));
        final CompletableFuture<T> result = new CompletableFuture<>();
        final Thread t = new Thread(() ->
        {
            try (Socket s = server.accept())
            {
                s.setSoTimeout(20_000);
                result.complete(serve.serve(s));
            }
            catch (final IOException | RuntimeException ex)
            {
                result.completeExceptionally(ex);
            }
        }, "raw-real-server");
        t.setDaemon(true);
        t.start();
        final int port = freePort(VIP);
        vipAddress = new InetSocketAddress(VIP, port);
        vs = VirtualService.tcp(ip(VIP), port).scheduler(SchedulerKind.RR).build();
        proxy = ProxyServer.start(config, List.of(service(vs, rs(SERVER, server.getLocalPort(), 1))));
        proxy.bind(ip(VIP));
        assertThat(proxy.transport()).isEqualTo(expectedTransport());
        return result;
    }

    /** Epoll where it loads (NIO elsewhere); {@link ProxyHalfCloseIoUringTest} runs the same on io_uring. */
    ProxyConfig config()
    {
        return ProxyConfig.defaults().eventLoopThreads(2);
    }

    String expectedTransport()
    {
        return Epoll.isAvailable() ? "epoll" : "nio";
    }

    private Socket client() throws IOException
    {
        final Socket c = new Socket();
        c.setSoTimeout(20_000);
        c.connect(vipAddress, 5_000);
        return c;
    }

    @AfterEach
    void stop() throws IOException
    {
        if (proxy != null)
        {
            proxy.stop();
        }
        if (server != null)
        {
            server.close();
        }
    }

    @Test
    void shouldLetTheServerShutItsOutputAndStillReadWhatTheClientSendsAfterwards() throws Exception
    {
        // The server speaks first and finishes; the client answers only after the server's FIN and then finishes.
        final CompletableFuture<String> serverRead = start(config(), s ->
        {
            s.getOutputStream().write(ascii("hello"));
            s.shutdownOutput();
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        });

        try (Socket c = client())
        {
            assertThat(new String(c.getInputStream().readAllBytes(), StandardCharsets.US_ASCII)).isEqualTo("hello");
            final OutputStream out = c.getOutputStream();
            out.write(ascii("after your FIN"));
            out.flush();
            c.shutdownOutput();

            assertThat(serverRead.get(20, TimeUnit.SECONDS)).isEqualTo("after your FIN");
        }
        eventually(() -> assertThat(proxy.counters(vs).active()).isZero());
    }

    @Test
    void shouldDeliverEverythingQueuedForASlowClientWhenBothSidesHaveFinished() throws Exception
    {
        // Both FINs arrive while most of a mebibyte still waits in the proxy for a client that reads slowly: the
        // close after the second FIN must come after those bytes, not instead of them.
        final byte[] payload = new byte[1 << 20];
        new Random(7).nextBytes(payload);
        final CompletableFuture<Integer> serverRead = start(config(), s ->
        {
            final int n = s.getInputStream().readAllBytes().length;
            s.getOutputStream().write(payload);
            return n;
        });

        try (Socket c = client())
        {
            c.getOutputStream().write(ascii("send it"));
            c.shutdownOutput();
            assertThat(serverRead.get(20, TimeUnit.SECONDS)).isEqualTo(7);

            final InputStream in = c.getInputStream();
            final byte[] got = new byte[payload.length];
            int off = 0;
            while (off < got.length)
            {
                final int n = in.read(got, off, Math.min(16 * 1024, got.length - off));
                assertThat(n).as("EOF after %d of %d bytes", off, got.length).isPositive();
                off += n;
                if (off < 256 * 1024)
                {
                    Thread.sleep(2);    // slow at first, so that the server's FIN comes while bytes are queued
                }
            }
            assertThat(Arrays.equals(got, payload)).isTrue();
            assertThat(in.read()).as("an orderly EOF after the last byte").isEqualTo(-1);
        }
        eventually(() -> assertThat(proxy.counters(vs).active()).isZero());
    }

    @Test
    void shouldCloseBothSidesWithAnOrderlyEofWhenTheServerFinishesFirst() throws Exception
    {
        // HTTP with Connection: close: the server answers and finishes, the client reads the answer and closes.
        // The server keeps reading after its FIN (a lingering close) and must see our FIN, not a reset.
        final CompletableFuture<Integer> serverTail = start(config(), s ->
        {
            final InputStream in = s.getInputStream();
            final byte[] request = new byte[7];
            int off = 0;
            while (off < request.length)
            {
                off += Math.max(0, in.read(request, off, request.length - off));
            }
            s.getOutputStream().write(ascii("answer"));
            s.shutdownOutput();
            return in.readAllBytes().length;
        });

        try (Socket c = client())
        {
            c.getOutputStream().write(ascii("request"));
            assertThat(new String(c.getInputStream().readAllBytes(), StandardCharsets.US_ASCII)).isEqualTo("answer");
        }
        assertThat(serverTail.get(20, TimeUnit.SECONDS)).as("nothing after the request, then EOF").isZero();
        eventually(() ->
        {
            assertThat(proxy.counters(vs).active()).isZero();
            assertThat(proxy.counters(vs).connections()).isEqualTo(1);
        });
        proxy.change(vs, s -> assertThat(s.realServers()[0].totalConnections()).isZero());
    }

    @Test
    void shouldCloseAHalfClosedConnectionAfterTheFinWaitTimeoutNotTheEstablishedOne() throws Exception
    {
        // Established: a minute (longer than this test may run); FIN_WAIT: 300 ms. The server reads the client's
        // FIN and then neither answers nor closes: only the FIN_WAIT timeout can end the connection.
        final CompletableFuture<Integer> serverRead = start(config().idleTimeoutsNs(60_000_000_000L, 300_000_000L,
            300_000_000L), s ->
        {
            final int n = s.getInputStream().readAllBytes().length;
            // Hold the connection open until the proxy closes it: a read that ends only then.
            s.getOutputStream().write(ascii("x"));
            final int more = s.getInputStream().read();
            return n + (more < 0 ? 0 : 1000);
        });

        try (Socket c = client())
        {
            c.getOutputStream().write(ascii("bye"));
            c.shutdownOutput();
            final InputStream in = c.getInputStream();
            assertThat(in.read()).isEqualTo('x');
            assertThat(in.read()).as("closed by the FIN_WAIT timeout").isEqualTo(-1);
        }
        assertThat(serverRead.get(20, TimeUnit.SECONDS)).isEqualTo(3);
        eventually(() -> assertThat(proxy.counters(vs).active()).isZero());
    }

    private static byte[] ascii(final String s)
    {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
