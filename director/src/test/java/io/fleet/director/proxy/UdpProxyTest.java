package io.fleet.director.proxy;

import io.fleet.director.service.SchedulerKind;
import io.fleet.director.service.VirtualService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static io.fleet.director.proxy.ProxyFixture.VIP;
import static io.fleet.director.proxy.ProxyFixture.eventually;
import static io.fleet.director.proxy.ProxyFixture.ip;
import static io.fleet.director.proxy.ProxyFixture.rs;
import static io.fleet.director.proxy.ProxyFixture.service;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** UDP through proxy mode: two echo servers on 127.0.0.11 and .12 behind VIP 127.0.0.100, real client sockets. */
@Timeout(30)
class UdpProxyTest
{
    private UdpEcho a;
    private UdpEcho b;
    private ProxyServer proxy;
    private InetSocketAddress vipAddress;

    @BeforeEach
    void startEchoServers() throws IOException
    {
        a = new UdpEcho("A", "127.0.0.11");
        b = new UdpEcho("B", "127.0.0.12");
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

    private VirtualService start(final ProxyConfig config) throws IOException
    {
        final int port;
        try (DatagramSocket probe = new DatagramSocket(new InetSocketAddress(VIP, 0)))
        {
            port = probe.getLocalPort();
        }
        vipAddress = new InetSocketAddress(VIP, port);
        final VirtualService vs = VirtualService.udp(ip(VIP), port).scheduler(SchedulerKind.RR).build();
        proxy = ProxyServer.start(config, List.of(service(vs, rs("127.0.0.11", a.port(), 1),
            rs("127.0.0.12", b.port(), 1))));
        proxy.bind(ip(VIP));
        return vs;
    }

    @Test
    void shouldKeepAClientOnOneEchoServerAndAnswerFromTheVip() throws Exception
    {
        final VirtualService vs = start(ProxyConfig.defaults().eventLoopThreads(2));

        try (DatagramSocket c1 = client(); DatagramSocket c2 = client())
        {
            final String first = ask(c1, "one");
            assertThat(ask(c1, "two")).isEqualTo(first.replace("one", "two"));
            assertThat(ask(c1, "three")).isEqualTo(first.replace("one", "three"));
            final String other = ask(c2, "hello");

            assertThat(first).isIn("A:one", "B:one");
            assertThat(other).isIn("A:hello", "B:hello");
            assertThat(other.charAt(0)).isNotEqualTo(first.charAt(0));
            assertThat(proxy.counters(vs).connections()).isEqualTo(2);
            assertThat(proxy.counters(vs).active()).isEqualTo(2);
            assertThat(proxy.counters(vs).bytesIn()).isEqualTo("onetwothreehello".length());
        }
    }

    @Test
    void shouldExpireAnIdleSessionAndScheduleTheClientAgain() throws Exception
    {
        final VirtualService vs = start(ProxyConfig.defaults().eventLoopThreads(2)
            .idleTimeoutsNs(1_000_000_000L, 1_000_000_000L, 300_000_000L));

        try (DatagramSocket c = client())
        {
            final String first = ask(c, "x");
            eventually(() -> assertThat(proxy.counters(vs).active()).isZero());
            // A new session: rr moves on to the other server.
            final String second = ask(c, "x");

            assertThat(second).isNotEqualTo(first);
            assertThat(proxy.counters(vs).connections()).isEqualTo(2);
        }
    }

    @Test
    void shouldDropDatagramsOfNewClientsBeyondTheSessionLimit() throws Exception
    {
        final VirtualService vs = start(ProxyConfig.defaults().eventLoopThreads(1).maxUdpSessions(1));

        try (DatagramSocket c1 = client(); DatagramSocket c2 = client())
        {
            assertThat(ask(c1, "in")).endsWith(":in");
            c2.setSoTimeout(300);
            assertThatThrownBy(() -> ask(c2, "out")).isInstanceOf(SocketTimeoutException.class);
            assertThat(ask(c1, "still")).endsWith(":still");

            assertThat(proxy.counters(vs).refused()).isEqualTo(1);
            assertThat(proxy.counters(vs).active()).isEqualTo(1);
        }
    }

    private static DatagramSocket client() throws SocketException
    {
        final DatagramSocket s = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
        s.setSoTimeout(5_000);
        return s;
    }

    /** Sends one datagram to the VIP and returns the answer, checking it came from the VIP. */
    private String ask(final DatagramSocket s, final String text) throws IOException
    {
        final byte[] out = text.getBytes(StandardCharsets.US_ASCII);
        s.send(new DatagramPacket(out, out.length, vipAddress));
        final DatagramPacket in = new DatagramPacket(new byte[1500], 1500);
        s.receive(in);
        assertThat(in.getSocketAddress()).isEqualTo(vipAddress);
        return new String(in.getData(), 0, in.getLength(), StandardCharsets.US_ASCII);
    }

    /** A UDP server that answers each datagram with "name:payload" to its sender. */
    private static final class UdpEcho implements AutoCloseable
    {
        private final DatagramSocket socket;
        private final Thread thread;

        UdpEcho(final String name, final String address) throws IOException
        {
            socket = new DatagramSocket(new InetSocketAddress(InetAddress.getByName(address), 0));
            thread = new Thread(() ->
            {
                final byte[] buf = new byte[1500];
                final byte[] prefix = (name + ":").getBytes(StandardCharsets.US_ASCII);
                while (!socket.isClosed())
                {
                    try
                    {
                        final DatagramPacket p = new DatagramPacket(buf, buf.length);
                        socket.receive(p);
                        final byte[] reply = new byte[prefix.length + p.getLength()];
                        System.arraycopy(prefix, 0, reply, 0, prefix.length);
                        System.arraycopy(buf, 0, reply, prefix.length, p.getLength());
                        socket.send(new DatagramPacket(reply, reply.length, p.getSocketAddress()));
                    }
                    catch (final IOException closed)
                    {
                        return;
                    }
                }
            }, "udp-echo-" + name);
            thread.setDaemon(true);
            thread.start();
        }

        int port()
        {
            return socket.getLocalPort();
        }

        @Override
        public void close()
        {
            socket.close();
            try
            {
                thread.join(2_000);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
        }
    }
}
