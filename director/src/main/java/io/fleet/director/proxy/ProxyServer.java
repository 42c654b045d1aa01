package io.fleet.director.proxy;

import io.fleet.director.service.IpAddress;
import io.fleet.director.service.Protocol;
import io.fleet.director.service.Service;
import io.fleet.director.service.VirtualService;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.unix.UnixChannelOption;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;

import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Proxy mode: an L4 TCP and UDP proxy for virtual services whose VIP is an address of this host, using the
 * services' own schedulers, persistence and weights. {@link #start} creates the event loops and binds nothing;
 * {@link #bind} listens on every service of a VIP (the election calls it when this director takes the VIP) and
 * {@link #unbind} stops listening while connections already relayed go on. With epoll each VIP:port gets one
 * listener per event loop ({@code SO_REUSEPORT}, the kernel spreads clients) and every connection stays on the
 * loop that accepted it; with NIO one listener feeds all loops.
 *
 * <p>Thread-safe: {@link #bind}, {@link #unbind}, {@link #change} and {@link #stop} are for the control side
 * (they wait for the event loops, so never call them from one); counters may be read from anywhere.
 */
public final class ProxyServer implements AutoCloseable
{
    /** Replaced by {@link #timeouts}; read when a connection is accepted or a listener bound. */
    private volatile ProxyConfig config;
    private final Transport transport;
    private final EventLoopGroup group;
    /** Replaced as a whole (copy on write) by {@link #reconcile}, so event loops and readers need no lock. */
    private volatile Map<String, ProxiedService> services = new LinkedHashMap<>();
    /** VIPs bound by the election; a service added later on one of them is bound at once. */
    private final java.util.Set<IpAddress> heldVips = new java.util.HashSet<>();
    private final Map<String, List<Channel>> listeners = new HashMap<>();
    /** Per event loop: its idle timer and outbound bootstraps; fixed at start, read by every loop. */
    private final Map<EventExecutor, RelayLoop> relayLoops = new IdentityHashMap<>();
    private final Bootstrap udpOutbound;
    private final ScheduledFuture<?> templateSweep;
    private boolean stopped;

    private ProxyServer(final ProxyConfig config, final List<Service> serviceList)
    {
        this.config = config;
        final Map<String, ProxiedService> services = this.services;
        for (final Service s : serviceList)
        {
            final ProxiedService ps = new ProxiedService(s);
            if (services.putIfAbsent(s.virtualService().key(), ps) != null)
            {
                throw new IllegalArgumentException(s.virtualService().key() + " is given twice");
            }
        }
        this.transport = Transport.choose(config.preferEpoll(), config.preferIoUring());
        this.group = transport.newGroup(config.eventLoopThreads());
        final long idleTickNs = idleTickNs(config);
        for (final EventExecutor e : group)
        {
            relayLoops.put(e, new RelayLoop(transport, (EventLoop)e, config, idleTickNs));
        }
        for (final RelayLoop l : relayLoops.values())
        {
            l.idleTimer().start();
        }
        this.udpOutbound = new Bootstrap().channel(transport.datagram());
        this.templateSweep = group.next().scheduleAtFixedRate(this::expireTemplates, 1, 1, TimeUnit.SECONDS);
    }

    /**
     * Creates the event loops for these services; nothing listens until {@link #bind}.
     *
     * @throws IllegalArgumentException for a firewall-mark or port-less service, or one given twice.
     */
    public static ProxyServer start(final ProxyConfig config, final List<Service> services)
    {
        return new ProxyServer(config, services);
    }

    /** {@code epoll} or {@code nio}. */
    public String transport()
    {
        return transport.name();
    }

    /**
     * Listens on every service of this VIP (TCP and UDP). Idempotent.
     *
     * @throws UncheckedIOException when an address cannot be bound (not an address of this host, port taken);
     *                              listeners of this VIP bound before the failure are closed again.
     */
    public synchronized void bind(final IpAddress vip)
    {
        checkNotOnEventLoop();
        if (stopped)
        {
            throw new IllegalStateException("the proxy is stopped");
        }
        heldVips.add(vip);
        for (final ProxiedService ps : services.values())
        {
            final VirtualService vs = ps.virtualService();
            if (!vs.address().equals(vip) || listeners.containsKey(vs.key()))
            {
                continue;
            }
            try
            {
                bindOne(ps, vip);
            }
            catch (final RuntimeException ex)
            {
                unbind(vip);
                throw ex;
            }
        }
    }

    /** Listens for one service; on failure its own listeners bound so far are closed again. */
    private void bindOne(final ProxiedService ps, final IpAddress vip)
    {
        final VirtualService vs = ps.virtualService();
        final List<Channel> bound = new ArrayList<>();
        listeners.put(vs.key(), bound);
        try
        {
            final InetSocketAddress address = new InetSocketAddress(InetAddress.getByAddress(vip.toBytes()), vs.port());
            for (final EventLoopGroup loop : listenerLoops())
            {
                final ChannelFuture f = vs.protocol() == Protocol.TCP ? bindTcp(ps, loop, address) : bindUdp(ps, loop, address);
                f.awaitUninterruptibly();
                if (!f.isSuccess())
                {
                    throw bindFailure(vs, f.cause());
                }
                bound.add(f.channel());
            }
        }
        catch (final RuntimeException | UnknownHostException ex)
        {
            listeners.remove(vs.key());
            for (final Channel ch : bound)
            {
                ch.close().awaitUninterruptibly();
            }
            throw ex instanceof RuntimeException ? (RuntimeException)ex : new IllegalStateException(ex);
        }
    }

    /** Stops listening on this VIP; relayed TCP connections go on, UDP sessions end (replies leave from the VIP). */
    public synchronized void unbind(final IpAddress vip)
    {
        checkNotOnEventLoop();
        heldVips.remove(vip);
        for (final ProxiedService ps : services.values())
        {
            final VirtualService vs = ps.virtualService();
            if (vs.address().equals(vip))
            {
                final List<Channel> bound = listeners.remove(vs.key());
                if (bound != null)
                {
                    for (final Channel ch : bound)
                    {
                        ch.close().awaitUninterruptibly();
                    }
                }
            }
        }
    }

    /** Whether this proxy listens on the VIP now. */
    public synchronized boolean bound(final IpAddress vip)
    {
        for (final ProxiedService ps : services.values())
        {
            if (ps.virtualService().address().equals(vip) && listeners.containsKey(ps.virtualService().key()))
            {
                return true;
            }
        }
        return false;
    }

    /** Listening sockets of a service now: one per event loop with epoll, one with NIO, 0 when unbound. */
    synchronized int listenerCount(final VirtualService vs)
    {
        final List<Channel> bound = listeners.get(vs.key());
        return bound == null ? 0 : bound.size();
    }

    /** The services proxied, as they are now. */
    public List<VirtualService> services()
    {
        final List<VirtualService> list = new ArrayList<>();
        for (final ProxiedService ps : services.values())
        {
            list.add(ps.virtualService());
        }
        return Collections.unmodifiableList(list);
    }

    /** A service's counters, or null when this proxy does not have it. */
    public TrafficCounters counters(final VirtualService vs)
    {
        final ProxiedService ps = services.get(vs.key());
        return ps == null ? null : ps.counters();
    }

    /** A real server's counters within a service, or null when the server is not (and was not) one of it. */
    public TrafficCounters counters(final VirtualService vs, final IpAddress realServer, final int port)
    {
        final ProxiedService ps = services.get(vs.key());
        return ps == null ? null : ps.counters(realServer, port);
    }

    /**
     * Changes a service (weights, real servers, scheduler) under the guard its event loops use: the only safe
     * way to touch a {@link Service} handed to the proxy once it runs.
     */
    public void change(final VirtualService vs, final Consumer<Service> change)
    {
        final ProxiedService ps = services.get(vs.key());
        if (ps == null)
        {
            throw new IllegalArgumentException("no such service in the proxy: " + vs.key());
        }
        ps.change(change);
    }

    /**
     * Brings the proxied services to a new desired state ({@link Service#updateTo} for services that stay, so their
     * counters, templates and relayed connections go on): a new service on a VIP this proxy holds starts listening
     * at once, a removed service stops listening while the connections it relays go on to their end.
     *
     * @param desired services in order, each with a fresh scheduler; used as templates.
     * @return one line per thing that could not be applied (a listener that could not bind, a bad server).
     */
    public synchronized List<String> reconcile(final List<Service> desired)
    {
        checkNotOnEventLoop();
        final List<String> problems = new ArrayList<>();
        final Map<String, ProxiedService> next = new LinkedHashMap<>();
        final List<ProxiedService> added = new ArrayList<>();
        for (final Service want : desired)
        {
            final String key = want.virtualService().key();
            if (next.containsKey(key))
            {
                problems.add(key + ": given twice; the first is kept");
                continue;
            }
            final ProxiedService have = services.get(key);
            try
            {
                if (have != null)
                {
                    have.change(s -> s.updateTo(want, null, problems));
                    next.put(key, have);
                }
                else
                {
                    final ProxiedService ps = new ProxiedService(want);
                    next.put(key, ps);
                    added.add(ps);
                }
            }
            catch (final RuntimeException ex)
            {
                problems.add(key + ": " + ex.getMessage());
                if (have != null)
                {
                    next.put(key, have);
                }
            }
        }
        for (final Map.Entry<String, ProxiedService> e : services.entrySet())
        {
            if (!next.containsKey(e.getKey()))
            {
                final List<Channel> bound = listeners.remove(e.getKey());
                if (bound != null)
                {
                    for (final Channel ch : bound)
                    {
                        ch.close().awaitUninterruptibly();
                    }
                }
            }
        }
        services = next;
        for (final ProxiedService ps : added)
        {
            final IpAddress vip = ps.virtualService().address();
            if (heldVips.contains(vip) && !stopped)
            {
                try
                {
                    bindOne(ps, vip);
                }
                catch (final RuntimeException ex)
                {
                    problems.add(ps.virtualService().key() + ": " + ex.getMessage());
                }
            }
        }
        return problems;
    }

    /**
     * New idle timeouts ({@code ipvsadm --set}): TCP connections accepted from now on and UDP listeners bound from
     * now on use them; running ones keep theirs.
     */
    public void timeouts(final io.fleet.director.conn.Timeouts timeouts)
    {
        config = config.timeouts(timeouts);
        final long idleTickNs = idleTickNs(config);
        for (final RelayLoop l : relayLoops.values())
        {
            l.idleTimer().tickNs(Math.min(l.idleTimer().tickNs(), idleTickNs));
        }
    }

    /** The idle timers' tick: fine enough for the shortest TCP timeout (connections keep the timeouts they had). */
    private static long idleTickNs(final ProxyConfig config)
    {
        return IdleTimer.tickFor(config.tcpEstablishedTimeoutNs(), config.tcpFinWaitTimeoutNs());
    }

    /** The VIPs the election has this proxy listen on. */
    public synchronized List<IpAddress> heldVips()
    {
        return List.copyOf(heldVips);
    }

    /** Every connection and UDP session relayed now, over all services. */
    public List<ProxyConnection> connections()
    {
        final List<ProxyConnection> list = new ArrayList<>();
        for (final ProxiedService ps : services.values())
        {
            list.addAll(ps.connections());
        }
        return list;
    }

    /** Closes every listener and connection and stops the event loops. */
    public void stop()
    {
        synchronized (this)
        {
            if (stopped)
            {
                return;
            }
            stopped = true;
            listeners.clear();
        }
        templateSweep.cancel(false);
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @Override
    public void close()
    {
        stop();
    }

    private ChannelFuture bindTcp(final ProxiedService ps, final EventLoopGroup loop, final InetSocketAddress address)
    {
        final ServerBootstrap b = new ServerBootstrap()
            .group(loop, loop)
            .channel(transport.serverSocket())
            .option(ChannelOption.SO_BACKLOG, 1024)
            .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
            .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK,
                new WriteBufferWaterMark(config.writeLowWaterMark(), config.writeHighWaterMark()))
            .childHandler(new ChannelInitializer<>()
            {
                @Override
                protected void initChannel(final Channel ch)
                {
                    TcpRelay.install(ps, config, relayLoops.get(ch.eventLoop()), ch);
                }
            });
        if (transport.epoll())
        {
            b.option(UnixChannelOption.SO_REUSEPORT, true);
        }
        return b.bind(address);
    }

    private ChannelFuture bindUdp(final ProxiedService ps, final EventLoopGroup loop, final InetSocketAddress address)
    {
        final Bootstrap b = new Bootstrap()
            .group(loop)
            .channel(transport.datagram())
            .handler(new UdpRelay(ps, config, udpOutbound));
        if (transport.epoll())
        {
            b.option(UnixChannelOption.SO_REUSEPORT, true);
        }
        return b.bind(address);
    }

    /** With epoll, each event loop on its own (one listener per loop); with NIO, the whole group once. */
    private List<EventLoopGroup> listenerLoops()
    {
        final List<EventLoopGroup> loops = new ArrayList<>();
        if (transport.epoll())
        {
            for (final EventExecutor e : group)
            {
                loops.add((EventLoop)e);
            }
        }
        else
        {
            loops.add(group);
        }
        return loops;
    }

    private void expireTemplates()
    {
        final long nowNs = System.nanoTime();
        for (final ProxiedService ps : services.values())
        {
            ps.expireTemplates(nowNs);
        }
    }

    private void checkNotOnEventLoop()
    {
        for (final EventExecutor e : group)
        {
            if (e.inEventLoop())
            {
                throw new IllegalStateException("bind/unbind wait for the event loops; call them from the control side");
            }
        }
    }

    private static UncheckedIOException bindFailure(final VirtualService vs, final Throwable cause)
    {
        final BindException ex = new BindException("cannot listen for " + vs.key() + ": " + cause.getMessage());
        ex.initCause(cause);
        return new UncheckedIOException(ex);
    }

    @Override
    public String toString()
    {
        return "proxy (" + transport.name() + ", " + config.eventLoopThreads() + " loops) " + services.keySet();
    }
}
