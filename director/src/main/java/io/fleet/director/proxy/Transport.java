package io.fleet.director.proxy;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFactory;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;

import java.nio.channels.spi.SelectorProvider;

/** Epoll when its native library loads (Linux), NIO otherwise: the channel classes and event loops of each. */
final class Transport
{
    private final boolean epoll;

    private Transport(final boolean epoll)
    {
        this.epoll = epoll;
    }

    static Transport choose(final boolean preferEpoll)
    {
        return new Transport(preferEpoll && Epoll.isAvailable());
    }

    /** Whether listeners can share a port ({@code SO_REUSEPORT}), one per event loop. */
    boolean epoll()
    {
        return epoll;
    }

    String name()
    {
        return epoll ? "epoll" : "nio";
    }

    EventLoopGroup newGroup(final int threads)
    {
        final IoHandlerFactory factory = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        return new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory("fleet-proxy", true), factory);
    }

    Class<? extends ServerChannel> serverSocket()
    {
        return epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    }

    Class<? extends Channel> socket()
    {
        return epoll ? EpollSocketChannel.class : NioSocketChannel.class;
    }

    /** Client sockets of one address family: {@code AF_INET} for IPv4 servers, {@code AF_INET6} otherwise. */
    ChannelFactory<Channel> socketFactory(final boolean ipv4)
    {
        final SocketProtocolFamily family = ipv4 ? SocketProtocolFamily.INET : SocketProtocolFamily.INET6;
        if (epoll)
        {
            return () -> new EpollSocketChannel(family);
        }
        final SelectorProvider provider = SelectorProvider.provider();
        return () -> new NioSocketChannel(provider, family);
    }

    Class<? extends DatagramChannel> datagram()
    {
        return epoll ? EpollDatagramChannel.class : NioDatagramChannel.class;
    }
}
