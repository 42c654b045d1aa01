package io.fleet.director.proxy;

import io.fleet.director.service.FlowKey;
import io.fleet.director.service.IpAddress;
import io.fleet.director.service.RealServer;
import io.fleet.director.service.Service;
import io.fleet.director.service.VirtualService;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.function.Consumer;

/**
 * One virtual service in proxy mode: its {@link Service} (scheduler and real servers), its persistence
 * templates and its counters. Scheduler and {@link RealServer} state are single-threaded by design (the
 * forwarding core's worker owns them); here connections of one service arrive on every event loop, so every
 * read or write of that state happens under this object's monitor ({@link #lock}). The critical sections are a
 * pick, a template lookup and a counter update: no I/O, no allocation on the common path, nothing that waits.
 * See docs/proxy.md for why a guard and not confinement to one loop.
 */
final class ProxiedService
{
    private final Object lock = new Object();
    private final Service service;
    private final TrafficCounters counters = new TrafficCounters();
    private final Map<RealServer, Backend> backends = new IdentityHashMap<>();
    private final Map<IpAddress, Template> templates = new HashMap<>();
    /** Connections and sessions bound now, for listing ({@code ipvsadm -L -c}); guarded like the rest. */
    private final java.util.Set<Binding> live = new java.util.HashSet<>();
    private final FlowKey flow = new FlowKey();
    private int udpSessions;

    ProxiedService(final Service service)
    {
        final VirtualService vs = service.virtualService();
        if (vs.isFwmark())
        {
            throw new IllegalArgumentException(vs.key() + ": proxy mode has no firewall marks; give a VIP and port");
        }
        if (vs.port() == 0)
        {
            throw new IllegalArgumentException(vs.key() + ": proxy mode listens on one port; a port-less service needs "
                + "packet mode");
        }
        this.service = service;
    }

    VirtualService virtualService()
    {
        synchronized (lock)
        {
            return service.virtualService();
        }
    }

    TrafficCounters counters()
    {
        return counters;
    }

    /** The counters of the real server at this address and port, or null when it is not (or never was) one. */
    TrafficCounters counters(final IpAddress address, final int port)
    {
        synchronized (lock)
        {
            for (final Map.Entry<RealServer, Backend> e : backends.entrySet())
            {
                if (e.getKey().address().equals(address) && e.getKey().port() == port)
                {
                    return e.getValue().counters;
                }
            }
            final RealServer rs = service.find(address, port);
            return rs == null ? null : backend(rs).counters;
        }
    }

    /** Runs a change (weight, add, remove, edit) under the guard, as the daemon's control side must. */
    void change(final Consumer<Service> change)
    {
        synchronized (lock)
        {
            change.accept(service);
        }
    }

    /**
     * Chooses a real server for a new client connection or UDP session and binds it there (inactive, as IPVS
     * binds every new connection), honouring a persistence template. Null when no server is available or, for
     * UDP, the session limit is reached; the caller counts the refusal.
     */
    Binding open(
        final InetSocketAddress client, final InetSocketAddress vip, final long nowNs, final boolean udpSession,
        final int maxUdpSessions)
    {
        synchronized (lock)
        {
            if (udpSession && udpSessions >= maxUdpSessions)
            {
                return null;
            }
            final VirtualService vs = service.virtualService();
            final IpAddress clientAddress = IpAddress.ofBytes(client.getAddress().getAddress());
            Template template = null;
            RealServer rs = null;
            if (vs.persistent())
            {
                final IpAddress masked = clientAddress.mask(vs.persistenceNetmask());
                template = templates.get(masked);
                if (template == null)
                {
                    template = new Template(masked);
                    templates.put(masked, template);
                }
                else if (template.server != null && template.server.weight() > 0 && isMember(template.server))
                {
                    rs = template.server;
                }
            }
            if (rs == null)
            {
                flow.set(vs.protocol().number(), clientAddress, client.getPort(),
                    IpAddress.ofBytes(vip.getAddress().getAddress()), vip.getPort());
                rs = service.pick(flow, nowNs);
                if (rs == null)
                {
                    if (template != null && template.server == null && template.controlled == 0)
                    {
                        templates.remove(template.client);
                    }
                    return null;
                }
            }
            if (template != null)
            {
                if (template.server != rs)
                {
                    // The template's server is quiesced or gone: the client moves (IPVS expire_quiescent_template).
                    if (template.server != null)
                    {
                        template.server.templateBound(false);
                    }
                    template.server = rs;
                    rs.templateBound(true);
                }
                template.expiryNs = nowNs + vs.persistenceTimeoutS() * 1_000_000_000L;
                template.controlled++;
            }
            rs.connectionBound(false);
            if (udpSession)
            {
                udpSessions++;
            }
            final Binding binding = new Binding(rs, backend(rs), template, udpSession, client, vip, nowNs);
            live.add(binding);
            return binding;
        }
    }

    /** The connection to the real server is up: it counts as active (ESTABLISHED) on the server. */
    void established(final Binding b)
    {
        synchronized (lock)
        {
            if (b.state == Binding.BOUND)
            {
                b.state = Binding.ACTIVE;
                b.server.connectionActivity(true);
            }
        }
        b.backend.counters.connections.increment();
        b.backend.counters.active.increment();
    }

    /** One side sent FIN: the connection leaves ESTABLISHED and counts as inactive, as in IPVS. */
    void finishing(final Binding b)
    {
        synchronized (lock)
        {
            if (b.state == Binding.ACTIVE)
            {
                b.state = Binding.FINISHING;
                b.server.connectionActivity(false);
            }
        }
    }

    /**
     * The connect to the binding's server failed: counted, and the persistence template forgets the server so
     * that a retry may go elsewhere. The binding stays (inactive) on the server until {@link #closed}: while a
     * client's retries run, lc/wlc/sed/nq see the failed server as loaded and pick another.
     */
    void failed(final Binding b)
    {
        b.backend.counters.connectFailures.increment();
        counters.connectFailures.increment();
        synchronized (lock)
        {
            if (b.template != null && b.template.server == b.server)
            {
                b.server.templateBound(false);
                b.template.server = null;
            }
            if (b.state == Binding.BOUND)
            {
                b.state = Binding.FAILED;
            }
        }
    }

    /** The connection or session is over (or its failed connect is let go); counters and templates release it. */
    void closed(final Binding b)
    {
        final boolean wasEstablished;
        synchronized (lock)
        {
            wasEstablished = b.state == Binding.ACTIVE || b.state == Binding.FINISHING;
            release(b);
        }
        if (wasEstablished)
        {
            b.backend.counters.active.decrement();
        }
    }

    private void release(final Binding b)
    {
        if (b.state == Binding.CLOSED)
        {
            return;
        }
        b.server.connectionUnbound(b.state == Binding.ACTIVE);
        b.state = Binding.CLOSED;
        live.remove(b);
        if (b.template != null)
        {
            b.template.controlled--;
        }
        if (b.udpSession)
        {
            udpSessions--;
        }
    }

    /** Drops persistence templates that expired and place no live connection; called about once a second. */
    void expireTemplates(final long nowNs)
    {
        synchronized (lock)
        {
            final Iterator<Template> it = templates.values().iterator();
            while (it.hasNext())
            {
                final Template t = it.next();
                if (t.controlled == 0 && t.expiryNs - nowNs < 0)
                {
                    if (t.server != null)
                    {
                        t.server.templateBound(false);
                    }
                    it.remove();
                }
            }
        }
    }

    /** The connections and UDP sessions bound now. */
    java.util.List<ProxyConnection> connections()
    {
        synchronized (lock)
        {
            final java.util.List<ProxyConnection> list = new java.util.ArrayList<>(live.size());
            for (final Binding b : live)
            {
                list.add(new ProxyConnection(service.virtualService(), b.client, b.vip, b.server.address(), b.server.port(),
                    b.state == Binding.ACTIVE, b.udpSession, b.sinceNs));
            }
            return list;
        }
    }

    int templateCount()
    {
        synchronized (lock)
        {
            return templates.size();
        }
    }

    private boolean isMember(final RealServer rs)
    {
        for (final RealServer s : service.realServers())
        {
            if (s == rs)
            {
                return true;
            }
        }
        return false;
    }

    private Backend backend(final RealServer rs)
    {
        Backend b = backends.get(rs);
        if (b == null)
        {
            b = new Backend(rs);
            backends.put(rs, b);
        }
        return b;
    }

    /** A real server's socket address and counters, made once per server. */
    static final class Backend
    {
        final InetSocketAddress address;
        final TrafficCounters counters = new TrafficCounters();

        Backend(final RealServer rs)
        {
            try
            {
                address = new InetSocketAddress(InetAddress.getByAddress(rs.address().toBytes()), rs.port());
            }
            catch (final UnknownHostException ex)
            {
                throw new IllegalStateException("an IP literal always converts", ex);
            }
        }
    }

    /** A client (masked by {@code -M}) pinned to a server; lives while it places connections, then its timeout. */
    private static final class Template
    {
        final IpAddress client;
        RealServer server;
        long expiryNs;
        int controlled;

        Template(final IpAddress client)
        {
            this.client = client;
        }
    }

    /** One client connection or UDP session bound to a real server; its state changes under the guard. */
    static final class Binding
    {
        static final int BOUND = 0;
        static final int ACTIVE = 1;
        static final int FINISHING = 2;
        static final int FAILED = 3;
        static final int CLOSED = 4;

        final RealServer server;
        final Backend backend;
        private final Template template;
        private final boolean udpSession;
        private final InetSocketAddress client;
        private final InetSocketAddress vip;
        private final long sinceNs;
        private int state = BOUND;

        Binding(
            final RealServer server, final Backend backend, final Template template, final boolean udpSession,
            final InetSocketAddress client, final InetSocketAddress vip, final long sinceNs)
        {
            this.server = server;
            this.backend = backend;
            this.template = template;
            this.udpSession = udpSession;
            this.client = client;
            this.vip = vip;
            this.sinceNs = sinceNs;
        }

        InetSocketAddress address()
        {
            return backend.address;
        }
    }
}
