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
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringDatagramChannel;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.channel.uring.IoUringSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;

import java.nio.channels.spi.SelectorProvider;

/**
 * The channel classes and event loops of one Netty transport: epoll when its native library loads (Linux), NIO
 * otherwise, io_uring only when asked for and it loads (an experiment: see docs/proxy.md, Benchmark).
 */
final class Transport
{
    private enum Kind
    {
        EPOLL, IO_URING, NIO
    }

    private final Kind kind;

    private Transport(final Kind kind)
    {
        this.kind = kind;
    }

    static Transport choose(final boolean preferEpoll)
    {
        return choose(preferEpoll, false);
    }

    /** io_uring if preferred and available, else epoll if preferred and available, else NIO. */
    static Transport choose(final boolean preferNative, final boolean preferIoUring)
    {
        if (preferNative && preferIoUring && IoUring.isAvailable())
        {
            return new Transport(Kind.IO_URING);
        }
        return new Transport(preferNative && Epoll.isAvailable() ? Kind.EPOLL : Kind.NIO);
    }

    /** Whether listeners can share a port ({@code SO_REUSEPORT}), one per event loop: the native transports. */
    boolean epoll()
    {
        return kind != Kind.NIO;
    }

    String name()
    {
        switch (kind)
        {
            case EPOLL:
                return "epoll";
            case IO_URING:
                return "io_uring";
            default:
                return "nio";
        }
    }

    EventLoopGroup newGroup(final int threads)
    {
        final IoHandlerFactory factory;
        switch (kind)
        {
            case EPOLL:
                factory = EpollIoHandler.newFactory();
                break;
            case IO_URING:
                factory = IoUringIoHandler.newFactory();
                break;
            default:
                factory = NioIoHandler.newFactory();
        }
        return new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory("fleet-proxy", true), factory);
    }

    Class<? extends ServerChannel> serverSocket()
    {
        switch (kind)
        {
            case EPOLL:
                return EpollServerSocketChannel.class;
            case IO_URING:
                return IoUringServerSocketChannel.class;
            default:
                return NioServerSocketChannel.class;
        }
    }

    Class<? extends Channel> socket()
    {
        switch (kind)
        {
            case EPOLL:
                return EpollSocketChannel.class;
            case IO_URING:
                return IoUringSocketChannel.class;
            default:
                return NioSocketChannel.class;
        }
    }

    /**
     * Client sockets of one address family: {@code AF_INET} for IPv4 servers, {@code AF_INET6} otherwise (io_uring's
     * client channel has no family choice: dual-stack always).
     */
    ChannelFactory<Channel> socketFactory(final boolean ipv4)
    {
        final SocketProtocolFamily family = ipv4 ? SocketProtocolFamily.INET : SocketProtocolFamily.INET6;
        switch (kind)
        {
            case EPOLL:
                return () -> new EpollSocketChannel(family);
            case IO_URING:
                return IoUringSocketChannel::new;
            default:
                final SelectorProvider provider = SelectorProvider.provider();
                return () -> new NioSocketChannel(provider, family);
        }
    }

    Class<? extends DatagramChannel> datagram()
    {
        switch (kind)
        {
            case EPOLL:
                return EpollDatagramChannel.class;
            case IO_URING:
                return IoUringDatagramChannel.class;
            default:
                return NioDatagramChannel.class;
        }
    }
}
