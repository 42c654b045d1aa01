package io.fleet.director.proxy;

import io.fleet.director.proxy.ProxiedService.Binding;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.DatagramPacket;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.ReferenceCountUtil;

import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The UDP side of proxy mode for one listener socket (VIP:port, one per event loop with epoll): a session per
 * client address and port, each with its own socket connected to the real server the scheduler chose, on the
 * listener's event loop. Datagrams from the client go out on the session's socket; replies come back from the
 * VIP through the listener. A session with no datagram either way for the UDP timeout expires. The session map
 * belongs to the listener's event loop; with {@code SO_REUSEPORT} the kernel sends one client's datagrams to one
 * listener, so a client has one session.
 */
final class UdpRelay extends ChannelInboundHandlerAdapter
{
    /** Datagrams held per session while its socket connects; more are dropped. */
    private static final int MAX_PENDING = 64;

    private final ProxiedService service;
    private final ProxyConfig config;
    private final Bootstrap outboundTemplate;
    private final Map<InetSocketAddress, Session> sessions = new HashMap<>();
    private Channel listener;

    UdpRelay(final ProxiedService service, final ProxyConfig config, final Bootstrap outboundTemplate)
    {
        this.service = service;
        this.config = config;
        this.outboundTemplate = outboundTemplate;
    }

    @Override
    public void channelActive(final ChannelHandlerContext ctx)
    {
        listener = ctx.channel();
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(final ChannelHandlerContext ctx, final Object msg)
    {
        final DatagramPacket packet = (DatagramPacket)msg;
        final InetSocketAddress client = packet.sender();
        Session s = sessions.get(client);
        if (s == null)
        {
            s = open(client, (InetSocketAddress)ctx.channel().localAddress());
            if (s == null)
            {
                service.counters().refused.increment();
                packet.release();
                return;
            }
        }
        s.send(packet.content());
    }

    @Override
    public void channelInactive(final ChannelHandlerContext ctx)
    {
        // The VIP was unbound or the proxy stops: replies could no longer leave from the VIP.
        for (final Session s : new ArrayList<>(sessions.values()))
        {
            s.channel.close();
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause)
    {
        // A datagram socket survives a failed send or an ICMP error; nothing to close.
    }

    int sessionCount()
    {
        return sessions.size();
    }

    private Session open(final InetSocketAddress client, final InetSocketAddress vip)
    {
        final Binding b = service.open(client, vip, System.nanoTime(), true, config.maxUdpSessions());
        if (b == null)
        {
            return null;
        }
        service.counters().connections.increment();
        service.counters().active.increment();
        final Session s = new Session(client, b);
        sessions.put(client, s);
        final ChannelFuture connect = outboundTemplate.clone(listener.eventLoop())
            .handler(new ChannelInitializer<>()
            {
                @Override
                protected void initChannel(final Channel ch)
                {
                    ch.pipeline().addLast(new IdleStateHandler(0, 0, config.udpTimeoutNs(), TimeUnit.NANOSECONDS), s);
                }
            })
            .connect(b.address());
        s.channel = connect.channel();
        s.channel.closeFuture().addListener((ChannelFutureListener)f -> s.closed());
        connect.addListener((ChannelFutureListener)f -> s.connected(f));
        return s;
    }

    /** One client's session: its socket to the real server, and the datagrams waiting for it to connect. */
    private final class Session extends ChannelInboundHandlerAdapter
    {
        private final InetSocketAddress client;
        private final Binding binding;
        private Channel channel;
        private ArrayDeque<ByteBuf> pending = new ArrayDeque<>(4);

        Session(final InetSocketAddress client, final Binding binding)
        {
            this.client = client;
            this.binding = binding;
        }

        void send(final ByteBuf datagram)
        {
            final int bytes = datagram.readableBytes();
            if (pending != null)
            {
                if (pending.size() == MAX_PENDING)
                {
                    datagram.release();
                    service.counters().refused.increment();
                    return;
                }
                pending.add(datagram);
            }
            else if (channel.isActive())
            {
                channel.writeAndFlush(datagram, channel.voidPromise());
            }
            else
            {
                datagram.release();
                return;
            }
            service.counters().bytesIn.add(bytes);
            binding.backend.counters.bytesIn.add(bytes);
        }

        void connected(final ChannelFuture f)
        {
            if (!f.isSuccess())
            {
                service.failed(binding);
                f.channel().close();
                return;
            }
            service.established(binding);
            final ArrayDeque<ByteBuf> queued = pending;
            pending = null;
            if (queued != null)
            {
                for (ByteBuf d = queued.poll(); d != null; d = queued.poll())
                {
                    channel.write(d, channel.voidPromise());
                }
                channel.flush();
            }
        }

        void closed()
        {
            if (sessions.get(client) == this)
            {
                sessions.remove(client);
            }
            if (pending != null)
            {
                for (ByteBuf d = pending.poll(); d != null; d = pending.poll())
                {
                    d.release();
                }
            }
            service.closed(binding);
            service.counters().active.decrement();
        }

        @Override
        public void channelRead(final ChannelHandlerContext ctx, final Object msg)
        {
            final ByteBuf reply = msg instanceof DatagramPacket ? ((DatagramPacket)msg).content() : (ByteBuf)msg;
            if (listener == null || !listener.isActive())
            {
                ReferenceCountUtil.release(msg);
                return;
            }
            final int bytes = reply.readableBytes();
            service.counters().bytesOut.add(bytes);
            binding.backend.counters.bytesOut.add(bytes);
            listener.write(new DatagramPacket(reply, client), listener.voidPromise());
        }

        @Override
        public void channelReadComplete(final ChannelHandlerContext ctx)
        {
            listener.flush();
        }

        @Override
        public void userEventTriggered(final ChannelHandlerContext ctx, final Object evt)
        {
            if (evt instanceof IdleStateEvent)
            {
                ctx.close();
            }
        }

        @Override
        public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause)
        {
            // ICMP port unreachable on the connected socket: the real server is not listening.
            service.failed(binding);
            ctx.close();
        }
    }
}
