package io.fleet.director.health;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;

import java.net.InetSocketAddress;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * HTTP_GET and SSL_GET: one GET of the spec's path; the server is up when the status is an accepted one and, when
 * a digest is set, the MD5 of the body equals it (what Keepalived's {@code genhash} prints). The connect timeout
 * bounds the whole attempt: connect, TLS handshake, request and response. SSL_GET trusts any certificate, as
 * Keepalived does without an {@code SSL} block, and sends the virtual host as the TLS server name.
 */
final class HttpProbe implements Probe
{
    private final InetSocketAddress address;
    private final CheckSpec spec;
    private final SslContext ssl;
    private final String host;
    private final String sniHost;

    /** {@code ssl} null for plain HTTP. */
    HttpProbe(final InetSocketAddress address, final CheckSpec spec, final SslContext ssl)
    {
        this.address = address;
        this.spec = spec;
        this.ssl = ssl;
        final String literal = address.getAddress() instanceof java.net.Inet6Address
            ? "[" + address.getAddress().getHostAddress() + "]" : address.getAddress().getHostAddress();
        final int defaultPort = ssl == null ? 80 : 443;
        final String h = spec.virtualhost() != null ? spec.virtualhost() : literal;
        this.host = address.getPort() == defaultPort || spec.virtualhost() != null ? h : h + ":" + address.getPort();
        this.sniHost = spec.virtualhost() != null ? spec.virtualhost() : address.getAddress().getHostAddress();
    }

    @Override
    public void run(final EventLoop loop, final Consumer<ProbeResult> done)
    {
        final Probe.Once once = new Probe.Once(done);
        final Exchange exchange = new Exchange(once);
        final ChannelFuture f = new Bootstrap().group(loop).channel(NioSocketChannel.class)
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int)Math.min(Integer.MAX_VALUE, spec.connectTimeoutMs()))
            // Close with a reset once the answer is read: a check every second per server would otherwise leave
            // thousands of sockets in TIME_WAIT and run the director out of ephemeral ports.
            .option(ChannelOption.SO_LINGER, 0)
            .handler(new ChannelInitializer<Channel>()
            {
                @Override
                protected void initChannel(final Channel ch)
                {
                    if (ssl != null)
                    {
                        final SslHandler tls = ssl.newHandler(ch.alloc(), sniHost, address.getPort());
                        tls.setHandshakeTimeoutMillis(spec.connectTimeoutMs());
                        ch.pipeline().addLast(tls);
                    }
                    ch.pipeline().addLast(new HttpClientCodec(), exchange);
                }
            })
            .connect(address);
        final ScheduledFuture<?> timer = loop.schedule(() ->
        {
            once.accept(ProbeResult.failed("no complete answer within " + spec.connectTimeoutMs() + " ms"));
            f.channel().close();
        }, spec.connectTimeoutMs(), TimeUnit.MILLISECONDS);
        f.channel().closeFuture().addListener(c -> timer.cancel(false));
        f.addListener((ChannelFuture cf) ->
        {
            if (!cf.isSuccess())
            {
                once.accept(ProbeResult.failed("connect to " + address.getAddress().getHostAddress() + ":"
                    + address.getPort() + " failed: " + ProbeResult.describe(cf.cause())));
                return;
            }
            final HttpVersion version = spec.http10() ? HttpVersion.HTTP_1_0 : HttpVersion.HTTP_1_1;
            final FullHttpRequest request = new DefaultFullHttpRequest(version, HttpMethod.GET, spec.path());
            request.headers().set(HttpHeaderNames.HOST, host);
            request.headers().set(HttpHeaderNames.USER_AGENT, "Fleet-HealthCheck");
            if (!spec.http10())
            {
                request.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            }
            cf.channel().writeAndFlush(request);
        });
    }

    /** Reads one response: status first, then the body into the digest. */
    private final class Exchange extends SimpleChannelInboundHandler<HttpObject>
    {
        private final Probe.Once done;
        private MessageDigest md5;

        Exchange(final Probe.Once done)
        {
            this.done = done;
        }

        @Override
        protected void channelRead0(final ChannelHandlerContext ctx, final HttpObject msg)
        {
            if (done.called())
            {
                return;
            }
            if (msg.decoderResult().isFailure())
            {
                finish(ctx, ProbeResult.failed("bad HTTP response: " + ProbeResult.describe(msg.decoderResult().cause())));
                return;
            }
            if (msg instanceof HttpResponse response)
            {
                final int status = response.status().code();
                if (!spec.statusAccepted(status))
                {
                    finish(ctx, ProbeResult.failed("HTTP status " + status + " not in " + spec.statusCodesText()));
                    return;
                }
                if (spec.digest() == null)
                {
                    finish(ctx, ProbeResult.OK);
                    return;
                }
                try
                {
                    md5 = MessageDigest.getInstance("MD5");
                }
                catch (final NoSuchAlgorithmException ex)
                {
                    finish(ctx, ProbeResult.failed("no MD5 in this JVM"));
                    return;
                }
            }
            if (msg instanceof HttpContent content && md5 != null)
            {
                md5.update(ByteBufUtil.getBytes(content.content()));
                if (content instanceof LastHttpContent)
                {
                    final String got = CheckSpec.hex(md5.digest());
                    finish(ctx, got.equals(spec.digest()) ? ProbeResult.OK
                        : ProbeResult.failed("body digest " + got + " is not " + spec.digest()));
                }
            }
        }

        private void finish(final ChannelHandlerContext ctx, final ProbeResult result)
        {
            done.accept(result);
            ctx.close();
        }

        @Override
        public void channelInactive(final ChannelHandlerContext ctx)
        {
            done.accept(ProbeResult.failed("connection closed before the response was complete"));
        }

        @Override
        public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause)
        {
            finish(ctx, ProbeResult.failed(ProbeResult.describe(cause)));
        }
    }
}
