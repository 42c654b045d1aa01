package io.fleet.director.proxy;

import io.fleet.director.proxy.ProxiedService.Binding;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.channel.socket.SocketChannelConfig;
import io.netty.channel.unix.Socket;
import io.netty.channel.unix.UnixChannel;
import io.netty.util.ReferenceCountUtil;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * One client TCP connection through the proxy: the client's channel (inbound), the channel to the chosen real
 * server (outbound, opened on the inbound channel's event loop so that both are driven by one thread and nothing
 * here is shared), and the binding that the scheduler's counters see.
 *
 * <pre>
 *  client --[inbound: Frontend]--> relay (idle timer entry) --[outbound: Backend]--> real server
 *         <----------------------------------        <-----------------------
 * </pre>
 *
 * <ul>
 *   <li><b>Back-pressure.</b> When one channel's outbound buffer passes the high water mark it turns
 *       unwritable and the other channel stops reading ({@code autoRead} off) until it drains below the low one.</li>
 *   <li><b>Half-close.</b> A FIN from one side is passed on as {@code shutdownOutput} to the other once what was
 *       read before it is flushed; the connection closes when both sides have sent FIN, or either closes.</li>
 *   <li><b>FIN fast path.</b> The second FIN is not passed on: both sockets are closed once what is queued for them
 *       is flushed (a close sends the FIN), instead of shutting output and input of each first. And once our FIN
 *       has gone to one side, that side's channel stops allowing half-closure, so its own FIN closes it at once
 *       rather than costing Netty a {@code shutdown(SHUT_RD)} and two {@code epoll_ctl}s before we close it anyway.
 *       A side that has not finished keeps half-closure: it may still send after the other side's FIN.</li>
 *   <li><b>Idle.</b> No byte either way for the established timeout closes both; after the first FIN the
 *       FIN_WAIT timeout applies. The event loop's {@link IdleTimer} checks it; a read only marks activity.</li>
 *   <li><b>Connect failure.</b> The next pick is tried, up to {@code connectAttempts}; then the client is closed
 *       and the service counts it refused.</li>
 * </ul>
 */
final class TcpRelay extends IdleTimer.Entry
{
    private final ProxiedService service;
    private final ProxyConfig config;
    private final RelayLoop loop;
    private final Channel inbound;
    private final Frontend frontend = new Frontend();
    private Channel outbound;
    private Binding binding;
    private List<Binding> failed;
    /** What the client sent before the real server's connection was up (epoll reads on EPOLLRDHUP anyway). */
    private List<ByteBuf> early;
    private int earlyBytes;
    private int attempts;
    private boolean clientFin;
    private boolean serverFin;
    private boolean closed;

    /**
     * @param loop what the relays of the inbound channel's event loop share: its idle timer and the bootstraps
     *             (bound to that loop) for connecting to real servers.
     */
    TcpRelay(final ProxiedService service, final ProxyConfig config, final RelayLoop loop, final Channel inbound)
    {
        this.service = service;
        this.config = config;
        this.loop = loop;
        this.inbound = inbound;
    }

    /** Adds the relay to a freshly accepted channel. */
    static void install(final ProxiedService service, final ProxyConfig config, final RelayLoop loop,
        final Channel inbound)
    {
        inbound.pipeline().addLast("relay", new TcpRelay(service, config, loop, inbound).frontend);
    }

    private void start()
    {
        service.counters().connections.increment();
        service.counters().active.increment();
        loop.idleTimer().add(this, config.tcpEstablishedTimeoutNs());
        connectNext();
    }

    @Override
    void onIdle()
    {
        abort();
    }

    private void connectNext()
    {
        if (attempts == config.connectAttempts())
        {
            refuse();
            return;
        }
        attempts++;
        final Binding b = service.open((InetSocketAddress)inbound.remoteAddress(),
            (InetSocketAddress)inbound.localAddress(), System.nanoTime(), false, 0);
        if (b == null)
        {
            refuse();
            return;
        }
        binding = b;
        // The bootstrap belongs to this event loop alone, so setting its handler right before connecting is safe.
        final ChannelFuture connect = loop.outbound(b.address()).handler(new Backend()).connect(b.address());
        connect.addListener((ChannelFutureListener)f -> onConnect(f, b));
    }

    private void onConnect(final ChannelFuture f, final Binding b)
    {
        if (closed)
        {
            // The client left while we were connecting; closeAll already released the binding.
            f.channel().close();
            return;
        }
        if (!f.isSuccess())
        {
            service.failed(b);
            if (failed == null)
            {
                failed = new ArrayList<>(config.connectAttempts());
            }
            failed.add(b);
            connectNext();
            return;
        }
        outbound = f.channel();
        service.established(b);
        releaseFailed();
        if (early != null)
        {
            for (final ByteBuf buf : early)
            {
                b.backend.counters.bytesIn.add(buf.readableBytes());
                outbound.write(buf, outbound.voidPromise());
            }
            early = null;
            outbound.flush();
        }
        if (!inbound.config().isAutoRead())
        {
            inbound.config().setAutoRead(true);
        }
        if (clientFin)
        {
            relayFin(outbound);
        }
    }

    private void refuse()
    {
        service.counters().refused.increment();
        abort();
    }

    private void onFin(final boolean fromClient)
    {
        if (fromClient ? clientFin : serverFin)
        {
            return;
        }
        if (!clientFin && !serverFin)
        {
            if (binding != null)
            {
                service.finishing(binding);
            }
            IdleTimer.timeout(this, config.tcpFinWaitTimeoutNs());
        }
        if (fromClient)
        {
            clientFin = true;
        }
        else
        {
            serverFin = true;
        }
        if (clientFin && serverFin)
        {
            // FIN fast path: neither side sends any more, so close both once what is queued for them is flushed;
            // passing this FIN on with shutdownOutput would only delay the close by more system calls.
            closeAfterFlush();
        }
        else if (!fromClient)
        {
            relayFin(inbound);
        }
        else if (outbound != null)
        {
            relayFin(outbound);
        }
    }

    /**
     * Flushes what is queued towards {@code target}, then sends it our FIN. From then on the target's own FIN
     * (its EOF) closes its channel directly, without Netty's half-close handling: nothing can be written to it any
     * more, and its channelInactive closes the other side after a flush, as the second FIN would.
     */
    private void relayFin(final Channel target)
    {
        target.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener((ChannelFutureListener)written ->
        {
            if (closed)
            {
                return;
            }
            if (!written.isSuccess())
            {
                abort();
                return;
            }
            if (target instanceof UnixChannel && ((UnixChannel)target).fd() instanceof Socket)
            {
                shutdownSocketOutput(target, (Socket)((UnixChannel)target).fd());
                return;
            }
            ((DuplexChannel)target).shutdownOutput().addListener((ChannelFutureListener)shut ->
            {
                if (!shut.isSuccess())
                {
                    abort();
                }
                else
                {
                    stopHalfClosure(target);
                }
            });
        });
    }

    /**
     * Our FIN through the native socket itself (epoll, io_uring): {@code DuplexChannel.shutdownOutput} builds a
     * {@code ChannelOutputShutdownException}, full stack trace and all, on every call, to fail writes still queued;
     * here nothing is queued (the flush before it completed) and nothing is written after it. The socket keeps the
     * shut state, so the channel's {@code isOutputShutdown()} sees it as Netty's own call would.
     */
    private void shutdownSocketOutput(final Channel target, final Socket socket)
    {
        try
        {
            socket.shutdown(false, true);
        }
        catch (final IOException ex)
        {
            // Reset or closed under us: nothing more to pass on either way.
            abort();
            return;
        }
        stopHalfClosure(target);
    }

    /** Our FIN is out: the target's own FIN may now close its channel directly (see the class comment). */
    private void stopHalfClosure(final Channel target)
    {
        if (!closed)
        {
            ((SocketChannelConfig)target.config()).setAllowHalfClosure(false);
        }
    }

    /** One side closed: let the other receive what is queued for it, then close it. */
    private void closeAfterFlush()
    {
        if (release())
        {
            flushAndClose(inbound);
            if (outbound != null)
            {
                flushAndClose(outbound);
            }
        }
    }

    private static void flushAndClose(final Channel ch)
    {
        if (ch.isActive())
        {
            ch.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        }
        else
        {
            closeIfOpen(ch);
        }
    }

    /** Netty builds an exception for every close, even of a closed channel: skip the ones that do nothing. */
    private static void closeIfOpen(final Channel ch)
    {
        if (ch.isOpen())
        {
            ch.close();
        }
    }

    /** Closes both sides now (error, idle timeout, both FINs passed on, no server). */
    private void abort()
    {
        release();
        closeIfOpen(inbound);
        if (outbound != null)
        {
            closeIfOpen(outbound);
        }
    }

    /** Releases the bindings and the service's active count once; true the first time. */
    private boolean release()
    {
        if (closed)
        {
            return false;
        }
        closed = true;
        loop.idleTimer().remove(this);
        releaseFailed();
        if (early != null)
        {
            for (final ByteBuf buf : early)
            {
                buf.release();
            }
            early = null;
        }
        if (binding != null)
        {
            service.closed(binding);
        }
        service.counters().active.decrement();
        return true;
    }

    private void releaseFailed()
    {
        if (failed != null)
        {
            for (final Binding b : failed)
            {
                service.closed(b);
            }
            failed.clear();
        }
    }

    /** The client's side: forwards its bytes to the real server. */
    private final class Frontend extends ChannelInboundHandlerAdapter
    {
        @Override
        public void channelActive(final ChannelHandlerContext ctx)
        {
            start();
        }

        @Override
        public void channelRead(final ChannelHandlerContext ctx, final Object msg)
        {
            if (closed)
            {
                ReferenceCountUtil.release(msg);
                return;
            }
            touch();
            final ByteBuf buf = (ByteBuf)msg;
            final int bytes = buf.readableBytes();
            service.counters().bytesIn.add(bytes);
            final Channel out = outbound;
            if (out == null)
            {
                if (early == null)
                {
                    early = new ArrayList<>(2);
                }
                early.add(buf);
                earlyBytes += bytes;
                if (earlyBytes > config.writeHighWaterMark())
                {
                    // Hold the client back until the real server's connection can take it.
                    inbound.config().setAutoRead(false);
                }
                return;
            }
            binding.backend.counters.bytesIn.add(bytes);
            out.write(buf, out.voidPromise());
        }

        @Override
        public void channelReadComplete(final ChannelHandlerContext ctx)
        {
            if (outbound != null)
            {
                outbound.flush();
            }
        }

        @Override
        public void channelWritabilityChanged(final ChannelHandlerContext ctx)
        {
            // The client drains what the server sent: activity, as a completed write was to IdleStateHandler.
            touch();
            if (outbound != null)
            {
                outbound.config().setAutoRead(inbound.isWritable());
            }
        }

        @Override
        public void userEventTriggered(final ChannelHandlerContext ctx, final Object evt)
        {
            if (evt instanceof ChannelInputShutdownEvent)
            {
                onFin(true);
            }
        }

        @Override
        public void channelInactive(final ChannelHandlerContext ctx)
        {
            closeAfterFlush();
        }

        @Override
        public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause)
        {
            // A reset by the client or a failed write: nothing to report beyond closing both sides.
            abort();
        }
    }

    /** The real server's side: forwards its bytes to the client. */
    private final class Backend extends ChannelInboundHandlerAdapter
    {
        @Override
        public void channelRead(final ChannelHandlerContext ctx, final Object msg)
        {
            if (!inbound.isActive())
            {
                ReferenceCountUtil.release(msg);
                return;
            }
            touch();
            final int bytes = ((ByteBuf)msg).readableBytes();
            service.counters().bytesOut.add(bytes);
            binding.backend.counters.bytesOut.add(bytes);
            inbound.write(msg, inbound.voidPromise());
        }

        @Override
        public void channelReadComplete(final ChannelHandlerContext ctx)
        {
            inbound.flush();
        }

        @Override
        public void channelWritabilityChanged(final ChannelHandlerContext ctx)
        {
            inbound.config().setAutoRead(ctx.channel().isWritable());
        }

        @Override
        public void userEventTriggered(final ChannelHandlerContext ctx, final Object evt)
        {
            if (evt instanceof ChannelInputShutdownEvent)
            {
                onFin(false);
            }
        }

        @Override
        public void channelInactive(final ChannelHandlerContext ctx)
        {
            if (ctx.channel() == outbound)
            {
                closeAfterFlush();
            }
        }

        @Override
        public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause)
        {
            if (ctx.channel() == outbound)
            {
                abort();
            }
            else
            {
                ctx.close();
            }
        }
    }
}
