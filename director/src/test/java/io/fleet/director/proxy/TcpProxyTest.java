package io.fleet.director.proxy;

import io.fleet.director.service.RealServer;
import io.fleet.director.service.SchedulerKind;
import io.fleet.director.service.Service;
import io.fleet.director.service.VirtualService;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.uring.IoUring;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

import static io.fleet.director.proxy.ProxyFixture.VIP;
import static io.fleet.director.proxy.ProxyFixture.eventually;
import static io.fleet.director.proxy.ProxyFixture.freePort;
import static io.fleet.director.proxy.ProxyFixture.ip;
import static io.fleet.director.proxy.ProxyFixture.rs;
import static io.fleet.director.proxy.ProxyFixture.service;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Proxy mode end to end on loopback: two real JDK HTTP servers on 127.0.0.11 and 127.0.0.12, the proxy on VIP
 * 127.0.0.100 at a free port, and a raw-socket HTTP client that decides when connections open and close.
 */
@Timeout(30)
class TcpProxyTest
{
    private HttpBackend a;
    private HttpBackend b;
    private ProxyServer proxy;
    private InetSocketAddress vipAddress;

    @BeforeEach
    void startRealServers() throws IOException
    {
        a = HttpBackend.start("A", "127.0.0.11");
        b = HttpBackend.start("B", "127.0.0.12");
    }

    @AfterEach
    void stopEverything()
    {
        if (proxy != null)
        {
            proxy.stop();
        }
        a.close();
        b.close();
    }

    private VirtualService tcp(final SchedulerKind scheduler)
    {
        final int port = freePort(VIP);
        vipAddress = new InetSocketAddress(VIP, port);
        return VirtualService.tcp(ip(VIP), port).scheduler(scheduler).build();
    }

    private VirtualService start(final ProxyConfig config, final VirtualService vs, final RealServer... servers)
    {
        proxy = ProxyServer.start(config, List.of(service(vs, servers)));
        proxy.bind(ip(VIP));
        return vs;
    }

    private static ProxyConfig config()
    {
        return ProxyConfig.defaults().eventLoopThreads(2);
    }

    @Test
    void shouldAlternateRealServersUnderRoundRobin() throws Exception
    {
        final VirtualService vs = start(config(), tcp(SchedulerKind.RR), rs("127.0.0.11", a.port(), 1),
            rs("127.0.0.12", b.port(), 1));

        final List<String> answers = new ArrayList<>();
        for (int i = 0; i < 4; i++)
        {
            answers.add(HttpConnection.get(vipAddress, "/"));
        }

        assertThat(answers).containsAnyOf("A", "B");
        assertThat(answers.get(0)).isNotEqualTo(answers.get(1));
        assertThat(answers).containsExactly(answers.get(0), answers.get(1), answers.get(0), answers.get(1));
        eventually(() ->
        {
            assertThat(proxy.counters(vs).connections()).isEqualTo(4);
            assertThat(proxy.counters(vs).active()).isZero();
            assertThat(proxy.counters(vs, ip("127.0.0.11"), a.port()).connections()).isEqualTo(2);
            assertThat(proxy.counters(vs, ip("127.0.0.12"), b.port()).connections()).isEqualTo(2);
            assertThat(proxy.counters(vs, ip("127.0.0.11"), a.port()).bytesOut()).isPositive();
        });
    }

    @Test
    void shouldAlternateRealServersOnNioToo() throws Exception
    {
        start(config().preferEpoll(false), tcp(SchedulerKind.RR), rs("127.0.0.11", a.port(), 1),
            rs("127.0.0.12", b.port(), 1));

        assertThat(proxy.transport()).isEqualTo("nio");
        final String first = HttpConnection.get(vipAddress, "/");
        final String second = HttpConnection.get(vipAddress, "/");
        assertThat(List.of(first, second)).containsExactlyInAnyOrder("A", "B");
    }

    @Test
    void shouldRelayOverIoUringWhenAskedAndAvailable() throws Exception
    {
        assumeTrue(IoUring.isAvailable(), "io_uring does not load here (kernel, seccomp or io_uring_disabled)");
        final VirtualService vs = start(config().preferIoUring(true), tcp(SchedulerKind.RR),
            rs("127.0.0.11", a.port(), 1), rs("127.0.0.12", b.port(), 1));

        assertThat(proxy.transport()).isEqualTo("io_uring");
        assertThat(proxy.listenerCount(vs)).isEqualTo(2);
        final String first = HttpConnection.get(vipAddress, "/");
        final String second = HttpConnection.get(vipAddress, "/");
        assertThat(List.of(first, second)).containsExactlyInAnyOrder("A", "B");
        eventually(() -> assertThat(proxy.counters(vs).active()).isZero());
    }

    @Test
    void shouldUseEpollWithOneListenerPerLoopWhenAvailable() throws Exception
    {
        assumeTrue(Epoll.isAvailable(), "the epoll native transport does not load here");
        final VirtualService vs = start(config(), tcp(SchedulerKind.RR), rs("127.0.0.11", a.port(), 1));

        assertThat(proxy.transport()).isEqualTo("epoll");
        assertThat(proxy.listenerCount(vs)).isEqualTo(2);
        assertThat(HttpConnection.get(vipAddress, "/")).isEqualTo("A");
    }

    @Test
    void shouldSpreadConnectionsByWeightUnderWlc() throws Exception
    {
        final VirtualService vs = start(config(), tcp(SchedulerKind.WLC), rs("127.0.0.11", a.port(), 3),
            rs("127.0.0.12", b.port(), 1));

        final List<HttpConnection> open = new ArrayList<>();
        try
        {
            int onA = 0;
            for (int i = 0; i < 8; i++)
            {
                final HttpConnection c = HttpConnection.open(vipAddress);
                open.add(c);
                // Answered means established: the next pick sees this connection as active load.
                if (c.text("GET", "/", null).equals("A"))
                {
                    onA++;
                }
            }

            assertThat(onA).isEqualTo(6);
            final int[] active = new int[2];
            proxy.change(vs, s ->
            {
                active[0] = s.find(ip("127.0.0.11"), a.port()).activeConnections();
                active[1] = s.find(ip("127.0.0.12"), b.port()).activeConnections();
            });
            assertThat(active).containsExactly(6, 2);
            assertThat(proxy.counters(vs, ip("127.0.0.11"), a.port()).active()).isEqualTo(6);
        }
        finally
        {
            for (final HttpConnection c : open)
            {
                c.close();
            }
        }
        eventually(() -> proxy.change(vs, s ->
            assertThat(s.find(ip("127.0.0.11"), a.port()).totalConnections()).isZero()));
    }

    @Test
    void shouldDrainAServerWhoseWeightIsSetToZero() throws Exception
    {
        final VirtualService vs = start(config(), tcp(SchedulerKind.RR), rs("127.0.0.11", a.port(), 1),
            rs("127.0.0.12", b.port(), 1));

        try (HttpConnection kept = HttpConnection.open(vipAddress))
        {
            final String drained = kept.text("GET", "/", null);
            final int drainedPort = drained.equals("A") ? a.port() : b.port();
            final String other = drained.equals("A") ? "B" : "A";
            proxy.change(vs, s -> s.edit(ip(drained.equals("A") ? "127.0.0.11" : "127.0.0.12"), drainedPort, null,
                0, 0, 0));

            // The keep-alive connection goes on with its server...
            assertThat(kept.text("GET", "/", null)).isEqualTo(drained);
            // ...and new connections go elsewhere.
            for (int i = 0; i < 4; i++)
            {
                assertThat(HttpConnection.get(vipAddress, "/")).isEqualTo(other);
            }
            assertThat(kept.text("GET", "/", null)).isEqualTo(drained);
        }
    }

    @Test
    void shouldPinAClientToOneServerWithPersistence() throws Exception
    {
        final int port = freePort(VIP);
        vipAddress = new InetSocketAddress(VIP, port);
        final VirtualService vs = VirtualService.tcp(ip(VIP), port).scheduler(SchedulerKind.RR).persistence(60).build();
        start(config(), vs, rs("127.0.0.11", a.port(), 1), rs("127.0.0.12", b.port(), 1));

        final List<String> first = new ArrayList<>();
        final List<String> second = new ArrayList<>();
        for (int i = 0; i < 3; i++)
        {
            first.add(get("127.0.0.21"));
            second.add(get("127.0.0.22"));
        }

        assertThat(first).containsOnly(first.get(0));
        assertThat(second).containsOnly(second.get(0));
        // rr placed the second client's first connection on the other server; persistence kept it there.
        assertThat(second.get(0)).isNotEqualTo(first.get(0));
    }

    private String get(final String from) throws IOException
    {
        try (HttpConnection c = HttpConnection.open(vipAddress, from))
        {
            return c.text("GET", "/", null);
        }
    }

    @Test
    void shouldCarryAMebibyteEachWayIntactWhenTheClientReadsSlowly() throws Exception
    {
        final long seed = new Random().nextLong();
        System.out.println("shouldCarryAMebibyteEachWayIntactWhenTheClientReadsSlowly seed " + seed);
        final VirtualService vs = start(config(), tcp(SchedulerKind.RR), rs("127.0.0.11", a.port(), 1));
        final byte[] upload = HttpBackend.pattern(1 << 20, seed);

        try (HttpConnection c = HttpConnection.open(vipAddress))
        {
            final String answer = c.text("POST", "/upload", upload);
            final MessageDigest sha = HttpBackend.sha256();
            assertThat(answer).isEqualTo("A " + HexFormat.of().formatHex(sha.digest(upload)));

            final byte[] download = c.slowBody("/download?bytes=" + (1 << 20) + "&seed=" + seed, 32 * 1024, 2);
            assertThat(download).isEqualTo(upload);
        }
        assertThat(proxy.counters(vs).bytesIn()).isGreaterThan(1 << 20);
        assertThat(proxy.counters(vs).bytesOut()).isGreaterThan(1 << 20);
    }

    @Test
    void shouldLetAClientShutItsOutputAndStillReadTheAnswer() throws Exception
    {
        // A server that answers only after the client's FIN, then closes: the half-close must pass through.
        final AtomicInteger served = new AtomicInteger();
        try (ServerSocket halfCloseServer = new ServerSocket(0, 8, InetAddress.getByName("127.0.0.13")))
        {
            final Thread t = new Thread(() ->
            {
                try (Socket s = halfCloseServer.accept())
                {
                    final int n = s.getInputStream().readAllBytes().length;
                    s.getOutputStream().write(("got " + n + " bytes").getBytes(StandardCharsets.US_ASCII));
                    served.incrementAndGet();
                }
                catch (final IOException ignored)
                {
                    // The test fails on its own assertion.
                }
            }, "half-close-server");
            t.setDaemon(true);
            t.start();
            start(config(), tcp(SchedulerKind.RR), rs("127.0.0.13", halfCloseServer.getLocalPort(), 1));

            try (Socket client = new Socket())
            {
                client.setSoTimeout(10_000);
                client.connect(vipAddress, 5_000);
                final OutputStream out = client.getOutputStream();
                out.write("hello".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                client.shutdownOutput();
                final InputStream in = client.getInputStream();
                assertThat(new String(in.readAllBytes(), StandardCharsets.US_ASCII)).isEqualTo("got 5 bytes");
            }
            t.join(5_000);
            assertThat(served).hasValue(1);
        }
    }

    @Test
    void shouldSendNewConnectionsToTheOtherServerWhenOneIsDown() throws Exception
    {
        final int deadPort = freePort("127.0.0.12");
        final VirtualService vs = start(config().connect(1000, 3), tcp(SchedulerKind.RR),
            rs("127.0.0.11", a.port(), 1), rs("127.0.0.12", deadPort, 1));

        for (int i = 0; i < 6; i++)
        {
            final long startNs = System.nanoTime();
            assertThat(HttpConnection.get(vipAddress, "/")).isEqualTo("A");
            assertThat(System.nanoTime() - startNs).isLessThan(1_000_000_000L);
        }
        eventually(() ->
        {
            assertThat(proxy.counters(vs, ip("127.0.0.12"), deadPort).connectFailures()).isBetween(1L, 6L);
            assertThat(proxy.counters(vs, ip("127.0.0.12"), deadPort).connections()).isZero();
            assertThat(proxy.counters(vs, ip("127.0.0.11"), a.port()).connections()).isEqualTo(6);
            assertThat(proxy.counters(vs).refused()).isZero();
        });
    }

    @Test
    void shouldCloseTheClientQuicklyWhenNoRealServerAnswers() throws Exception
    {
        final VirtualService vs = start(config().connect(1000, 3), tcp(SchedulerKind.RR),
            rs("127.0.0.11", freePort("127.0.0.11"), 1), rs("127.0.0.12", freePort("127.0.0.12"), 1));

        final long startNs = System.nanoTime();
        try (HttpConnection c = HttpConnection.open(vipAddress))
        {
            assertThatThrownBy(() -> c.text("GET", "/", null)).isInstanceOf(IOException.class);
        }
        assertThat(System.nanoTime() - startNs).isLessThan(2_000_000_000L);
        eventually(() ->
        {
            assertThat(proxy.counters(vs).refused()).isEqualTo(1);
            assertThat(proxy.counters(vs).connectFailures()).isEqualTo(3);
            assertThat(proxy.counters(vs).active()).isZero();
        });
        proxy.change(vs, s ->
        {
            for (final RealServer r : s.realServers())
            {
                assertThat(r.totalConnections()).isZero();
            }
        });
    }

    @Test
    void shouldCloseAConnectionIdleForTheEstablishedTimeout() throws Exception
    {
        final VirtualService vs = start(config().idleTimeoutsNs(300_000_000L, 300_000_000L, 300_000_000L),
            tcp(SchedulerKind.RR), rs("127.0.0.11", a.port(), 1));

        try (HttpConnection c = HttpConnection.open(vipAddress))
        {
            assertThat(c.text("GET", "/", null)).isEqualTo("A");
            final long startNs = System.nanoTime();
            assertThat(c.socket().getInputStream().read()).isEqualTo(-1);
            assertThat(System.nanoTime() - startNs).isBetween(100_000_000L, 3_000_000_000L);
        }
        eventually(() -> assertThat(proxy.counters(vs).active()).isZero());
    }

    @Test
    void shouldRefuseNewConnectionsAfterUnbindWhileExistingOnesGoOn() throws Exception
    {
        start(config(), tcp(SchedulerKind.RR), rs("127.0.0.11", a.port(), 1));

        try (HttpConnection kept = HttpConnection.open(vipAddress))
        {
            assertThat(kept.text("GET", "/", null)).isEqualTo("A");
            proxy.unbind(ip(VIP));

            assertThat(proxy.bound(ip(VIP))).isFalse();
            assertThatThrownBy(() -> HttpConnection.get(vipAddress, "/")).isInstanceOf(ConnectException.class);
            assertThat(kept.text("GET", "/", null)).isEqualTo("A");

            proxy.bind(ip(VIP));
            assertThat(HttpConnection.get(vipAddress, "/")).isEqualTo("A");
        }
    }

    @Test
    void shouldRefuseToBindAnAddressThatIsNotThisHosts() throws Exception
    {
        // 192.0.2.1 (TEST-NET-1) is never local: the bind fails before any packet could be sent.
        final Service s = service(VirtualService.tcp(ip("192.0.2.1"), 8080).build(), rs("127.0.0.11", a.port(), 1));
        proxy = ProxyServer.start(config(), List.of(s));

        assertThatThrownBy(() -> proxy.bind(ip("192.0.2.1"))).hasMessageContaining("cannot listen for TCP  192.0.2.1:8080");
        assertThat(proxy.bound(ip("192.0.2.1"))).isFalse();
    }
}
