package io.fleet.director.proxy;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.WriteBufferWaterMark;

import java.net.Inet4Address;
import java.net.InetSocketAddress;

/**
 * What the TCP relays of one event loop share: the loop's {@link IdleTimer} and ready bootstraps for the
 * connections to real servers, built once rather than cloned per connection. The bootstraps are bound to the loop
 * (both halves of a relay on one thread), do not resolve (real servers are addresses already, so no resolver is looked
 * up per connect), and open a socket of the server's own family: an IPv4 server gets an {@code AF_INET} socket, not
 * Netty's default dual-stack {@code AF_INET6} one that costs an extra {@code setsockopt(IPV6_V6ONLY)} per connect.
 * Netty already sets {@code TCP_NODELAY} on every socket it creates; setting it again would cost a system call.
 */
final class RelayLoop
{
    private final IdleTimer idleTimer;
    private final Bootstrap ipv4;
    private final Bootstrap ipv6;

    RelayLoop(final Transport transport, final EventLoop loop, final ProxyConfig config, final long idleTickNs)
    {
        this.idleTimer = new IdleTimer(loop, idleTickNs);
        this.ipv4 = outbound(transport, loop, config, true);
        this.ipv6 = outbound(transport, loop, config, false);
    }

    private static Bootstrap outbound(final Transport transport, final EventLoop loop, final ProxyConfig config,
        final boolean ipv4)
    {
        return new Bootstrap()
            .group(loop)
            .channelFactory(transport.socketFactory(ipv4))
            .disableResolver()
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, config.connectTimeoutMs())
            .option(ChannelOption.ALLOW_HALF_CLOSURE, true)
            .option(ChannelOption.WRITE_BUFFER_WATER_MARK,
                new WriteBufferWaterMark(config.writeLowWaterMark(), config.writeHighWaterMark()));
    }

    IdleTimer idleTimer()
    {
        return idleTimer;
    }

    /** A bootstrap for connecting to this real server, without a handler yet. */
    Bootstrap outbound(final InetSocketAddress server)
    {
        return server.getAddress() instanceof Inet4Address ? ipv4 : ipv6;
    }
}
