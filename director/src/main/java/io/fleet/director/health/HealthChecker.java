package io.fleet.director.health;

import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.netty.util.concurrent.DefaultThreadFactory;

import javax.net.ssl.SSLException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * This director's own checks of every real server: one small Netty event loop group (one thread by default)
 * drives them all, with no thread per check; programs (MISC_CHECK, notify scripts) start on one launcher thread
 * and are awaited asynchronously. Each real server's check lives on one event loop, so its state needs no lock.
 */
public final class HealthChecker implements AutoCloseable
{
    /** Hears this director's own results: transitions and dynamic weight changes, on a health event loop. */
    @FunctionalInterface
    public interface Listener
    {
        /**
         * @param up     this director's result now.
         * @param weight the weight when up (configured, or a dynamic MISC_CHECK's), 0 when down.
         * @param reason why, for logs and status.
         */
        void changed(CheckTarget target, boolean up, int weight, String reason);
    }

    /**
     * A real server's state as this director's checks see it: when it last changed and when the last attempt
     * ended (epoch ms, 0 if never), and that attempt's result.
     */
    public record LocalState(CheckTarget target, boolean up, int weight, long lastChangeEpochMs, long lastResultEpochMs,
        String lastReason)
    {
    }

    private final EventLoopGroup group;
    private final boolean ownGroup;
    private final Scripts scripts = new Scripts();
    private final HealthCounters counters = new HealthCounters();
    private final List<RealServerCheck> checks = new ArrayList<>();

    private HealthChecker(final EventLoopGroup group, final boolean ownGroup)
    {
        this.group = group;
        this.ownGroup = ownGroup;
    }

    /**
     * Starts checking every target on an event loop group of {@code threads} threads of its own.
     *
     * @throws IllegalStateException when the TLS client for SSL_GET cannot be built.
     */
    public static HealthChecker start(final List<CheckTarget> targets, final int threads, final Listener listener)
    {
        final EventLoopGroup group = new MultiThreadIoEventLoopGroup(threads,
            new DefaultThreadFactory("fleet-health", true), NioIoHandler.newFactory());
        final HealthChecker checker = new HealthChecker(group, true);
        try
        {
            checker.startAll(targets, listener);
        }
        catch (final RuntimeException ex)
        {
            checker.close();
            throw ex;
        }
        return checker;
    }

    private void startAll(final List<CheckTarget> targets, final Listener listener)
    {
        SslContext ssl = null;
        for (final CheckTarget t : targets)
        {
            if (t.spec().type() == CheckType.HTTPS && ssl == null)
            {
                ssl = trustAll();
            }
            final EventLoop loop = group.next();
            final RealServerCheck check = new RealServerCheck(t, probe(t, ssl), loop, counters, scripts, listener);
            checks.add(check);
        }
        for (final RealServerCheck c : checks)
        {
            c.start();
        }
    }

    private static SslContext trustAll()
    {
        try
        {
            // Keepalived's SSL_GET verifies no certificate unless told to: a check asks "does it answer", not "who".
            return SslContextBuilder.forClient().trustManager(InsecureTrustManagerFactory.INSTANCE).build();
        }
        catch (final SSLException ex)
        {
            throw new IllegalStateException("cannot build the TLS client for SSL_GET: " + ex.getMessage(), ex);
        }
    }

    private Probe probe(final CheckTarget t, final SslContext ssl)
    {
        final CheckSpec spec = t.spec();
        return switch (spec.type())
        {
            case TCP -> new TcpProbe(address(t), spec.connectTimeoutMs());
            case HTTP -> new HttpProbe(address(t), spec, null);
            case HTTPS -> new HttpProbe(address(t), spec, ssl);
            case UDP -> new UdpProbe(address(t), spec);
            case MISC -> new MiscProbe(spec, scripts, Map.of("FLEET_SERVICE", t.service().toString(),
                "FLEET_REAL_SERVER", t.realServer().toString()));
        };
    }

    /** Where a check connects: {@code connect-ip}/{@code connect-port} when set, else the real server. */
    static InetSocketAddress address(final CheckTarget t)
    {
        final CheckSpec spec = t.spec();
        try
        {
            final InetAddress ip = spec.connectIp() != null
                ? InetAddress.getByAddress(io.fleet.director.service.IpAddress.parse("connect-ip", spec.connectIp()).toBytes())
                : InetAddress.getByAddress(t.realServer().address().toBytes());
            return new InetSocketAddress(ip, spec.connectPort() != 0 ? spec.connectPort() : t.realServer().port());
        }
        catch (final UnknownHostException ex)
        {
            throw new IllegalArgumentException("bad address for " + t.name() + ": " + ex.getMessage(), ex);
        }
    }

    public HealthCounters counters()
    {
        return counters;
    }

    /** Every real server's local state, in the order of the targets. */
    public List<LocalState> states()
    {
        final List<LocalState> out = new ArrayList<>(checks.size());
        for (final RealServerCheck c : checks)
        {
            out.add(new LocalState(c.target(), c.up(), c.weight(), c.lastChangeEpochMs(), c.lastResultEpochMs(),
                c.lastReason()));
        }
        return out;
    }

    @Override
    public void close()
    {
        for (final RealServerCheck c : checks)
        {
            c.stop();
        }
        scripts.close();
        if (ownGroup)
        {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }
}
