package io.fleet.director.health;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.nio.NioSocketChannel;

import java.net.InetSocketAddress;
import java.util.function.Consumer;

/** TCP_CHECK: the server is up when a TCP connection to it completes within the connect timeout. */
final class TcpProbe implements Probe
{
    /** Nothing is read from a TCP_CHECK connection; it is closed as soon as it is established. */
    @ChannelHandler.Sharable
    static final class Idle extends ChannelInboundHandlerAdapter
    {
        static final Idle INSTANCE = new Idle();
    }

    private final InetSocketAddress address;
    private final int timeoutMs;

    TcpProbe(final InetSocketAddress address, final long timeoutMs)
    {
        this.address = address;
        this.timeoutMs = (int)Math.min(Integer.MAX_VALUE, timeoutMs);
    }

    @Override
    public void run(final EventLoop loop, final Consumer<ProbeResult> done)
    {
        final ChannelFuture f = new Bootstrap().group(loop).channel(NioSocketChannel.class)
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, timeoutMs)
            .option(ChannelOption.SO_LINGER, 0)
            .handler(Idle.INSTANCE)
            .connect(address);
        f.addListener((ChannelFuture cf) ->
        {
            if (cf.isSuccess())
            {
                cf.channel().close();
                done.accept(ProbeResult.OK);
            }
            else
            {
                done.accept(ProbeResult.failed("connect to " + address.getAddress().getHostAddress() + ":"
                    + address.getPort() + " failed: " + ProbeResult.describe(cf.cause())));
            }
        });
    }
}
