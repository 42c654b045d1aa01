package io.fleet.director.proxy;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The outbound bootstraps each event loop's relays share: options set once, no resolver, the server's family. */
@Timeout(10)
class RelayLoopTest
{
    private final Transport transport = Transport.choose(true);
    private final EventLoopGroup group = transport.newGroup(1);
    private final ProxyConfig config = ProxyConfig.defaults().connect(750, 2);
    private final RelayLoop relayLoop = new RelayLoop(transport, (EventLoop)group.next(), config, IdleTimer.MAX_TICK_NS);

    @AfterEach
    void stop()
    {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @Test
    void shouldSetTheRelayOptionsOnceAndNeverResolve()
    {
        for (final String server : new String[] {"127.0.0.1", "::1"})
        {
            final Bootstrap b = relayLoop.outbound(new InetSocketAddress(server, 80));
            assertThat(b.config().group()).isSameAs(group.next());
            assertThat(b.config().options())
                .containsEntry(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .containsEntry(ChannelOption.CONNECT_TIMEOUT_MILLIS, 750);
            final WriteBufferWaterMark marks = (WriteBufferWaterMark)b.config().options()
                .get(ChannelOption.WRITE_BUFFER_WATER_MARK);
            assertThat(marks.low()).isEqualTo(config.writeLowWaterMark());
            assertThat(marks.high()).isEqualTo(config.writeHighWaterMark());
            assertThat(b.config().resolver()).as("real servers are addresses: no resolver per connect").isNull();
        }
    }

    @Test
    void shouldOpenAnIpv4OnlySocketForAnIpv4ServerAndADualStackOneOtherwise() throws IOException
    {
        assumeTrue(ipv6Loopback(), "::1 is not configured here");
        // An AF_INET socket cannot bind an IPv6 address; the dual-stack AF_INET6 socket can.
        assertThat(bindLoopbackV6(relayLoop.outbound(new InetSocketAddress("127.0.0.1", 80))).isSuccess()).isFalse();
        assertThat(bindLoopbackV6(relayLoop.outbound(new InetSocketAddress("::1", 80))).isSuccess()).isTrue();
    }

    private ChannelFuture bindLoopbackV6(final Bootstrap outbound)
    {
        final Channel ch = outbound.config().channelFactory().newChannel();
        try
        {
            group.next().register(ch).syncUninterruptibly();
            return ch.bind(new InetSocketAddress("::1", 0)).awaitUninterruptibly();
        }
        finally
        {
            ch.close().syncUninterruptibly();
        }
    }

    private static boolean ipv6Loopback()
    {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("::1")))
        {
            return s.getLocalPort() > 0;
        }
        catch (final IOException ex)
        {
            return false;
        }
    }
}
