package io.fleet.director.health;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoop;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.nio.NioDatagramChannel;

import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * UDP_CHECK: sends the payload (random bytes when none is set) from a connected UDP socket, so that the kernel
 * reports the ICMP errors the server's host answers with. Without {@code require-reply} the server is up when
 * no such error arrives within the connect timeout; with it, a reply of the right length (and matching the
 * expected bytes, where given) must arrive in that time.
 */
final class UdpProbe implements Probe
{
    private static final int RANDOM_PAYLOAD_BYTES = 16;

    private final InetSocketAddress address;
    private final CheckSpec spec;

    UdpProbe(final InetSocketAddress address, final CheckSpec spec)
    {
        this.address = address;
        this.spec = spec;
    }

    @Override
    public void run(final EventLoop loop, final Consumer<ProbeResult> done)
    {
        final Probe.Once once = new Probe.Once(done);
        final ChannelFuture f = new Bootstrap().group(loop).channel(NioDatagramChannel.class)
            .handler(new Reply(once))
            .connect(address);
        final ScheduledFuture<?> timer = loop.schedule(() ->
        {
            once.accept(spec.requireReply()
                ? ProbeResult.failed("no reply within " + spec.connectTimeoutMs() + " ms")
                : ProbeResult.OK);
            f.channel().close();
        }, spec.connectTimeoutMs(), TimeUnit.MILLISECONDS);
        f.channel().closeFuture().addListener(c -> timer.cancel(false));
        f.addListener((ChannelFuture cf) ->
        {
            if (!cf.isSuccess())
            {
                once.accept(ProbeResult.failed("UDP socket to " + address + " failed: " + ProbeResult.describe(cf.cause())));
                cf.channel().close();
                return;
            }
            byte[] payload = spec.payload();
            if (payload == null)
            {
                payload = new byte[RANDOM_PAYLOAD_BYTES];
                ThreadLocalRandom.current().nextBytes(payload);
            }
            cf.channel().writeAndFlush(Unpooled.wrappedBuffer(payload)).addListener((ChannelFuture w) ->
            {
                if (!w.isSuccess())
                {
                    once.accept(ProbeResult.failed("send failed: " + ProbeResult.describe(w.cause())));
                    w.channel().close();
                }
            });
        });
    }

    private final class Reply extends SimpleChannelInboundHandler<DatagramPacket>
    {
        private final Probe.Once done;

        Reply(final Probe.Once done)
        {
            this.done = done;
        }

        @Override
        protected void channelRead0(final ChannelHandlerContext ctx, final DatagramPacket packet)
        {
            final ByteBuf content = packet.content();
            final int length = content.readableBytes();
            final byte[] bytes = ByteBufUtil.getBytes(content);
            if (!spec.requireReply() || spec.replyMatches(bytes, length))
            {
                done.accept(ProbeResult.OK);
            }
            else
            {
                done.accept(ProbeResult.failed("reply of " + length + " bytes does not match (" + CheckSpec.hex(
                    java.util.Arrays.copyOf(bytes, Math.min(length, 16))) + (length > 16 ? "..." : "") + ")"));
            }
            ctx.close();
        }

        @Override
        public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause)
        {
            done.accept(ProbeResult.failed(cause instanceof PortUnreachableException
                ? "ICMP port unreachable from " + address : ProbeResult.describe(cause)));
            ctx.close();
        }
    }
}
