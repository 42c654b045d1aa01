package io.fleet.director.service;

import java.util.Arrays;
import java.util.List;

/**
 * A virtual service with its real servers, in scan order, and its scheduler. Adding a real server puts it at
 * the head of the list, as IPVS does ({@code list_add_rcu} in {@code __ip_vs_update_dest}), so that the same
 * sequence of {@code ipvsadm -a} commands gives the same scan order and the same picks; {@link #of} keeps the
 * order it is given (a config file lists servers in scan order).
 *
 * <p>Owned by one thread; every change hands the new list to the scheduler.
 */
public final class Service
{
    private static final RealServer[] NONE = new RealServer[0];

    private VirtualService virtualService;
    private Scheduler scheduler;
    private RealServer[] servers = NONE;

    private Service(final VirtualService virtualService, final Scheduler scheduler)
    {
        this.virtualService = virtualService;
        this.scheduler = scheduler;
    }

    /**
     * A service with the given real servers in scan order.
     *
     * @throws InvalidServiceException if a server does not fit the service or appears twice.
     */
    public static Service of(final VirtualService vs, final Scheduler scheduler, final List<RealServer> inScanOrder)
    {
        final Service s = new Service(vs, scheduler);
        RealServer[] list = NONE;
        for (final RealServer rs : inScanOrder)
        {
            final RealServer bound = s.bind(rs, list);
            list = Arrays.copyOf(list, list.length + 1);
            list[list.length - 1] = bound;
        }
        s.servers = list;
        scheduler.update(list);
        return s;
    }

    public VirtualService virtualService()
    {
        return virtualService;
    }

    public Scheduler scheduler()
    {
        return scheduler;
    }

    /** The real servers in scan order. The array is this service's own: do not modify it. */
    public RealServer[] realServers()
    {
        return servers;
    }

    /** Picks a real server for a new flow; null when none is available. */
    public RealServer pick(final FlowKey flow, final long nowNs)
    {
        return scheduler.pick(flow, nowNs);
    }

    /**
     * Replaces the service's settings ({@code ipvsadm -E}); a new scheduler instance comes with a new scheduler
     * kind or flags. The real servers stay, and must fit the new settings.
     */
    public void edit(final VirtualService newSettings, final Scheduler newScheduler)
    {
        for (final RealServer rs : servers)
        {
            newSettings.checkRealServer(rs);
        }
        virtualService = newSettings;
        if (newScheduler != null)
        {
            scheduler = newScheduler;
        }
        scheduler.update(servers);
    }

    /**
     * Adds a real server at the head of the scan order ({@code ipvsadm -a}).
     *
     * @return the server as bound to this service (its port resolved).
     */
    public RealServer add(final RealServer rs)
    {
        final RealServer bound = bind(rs, servers);
        final RealServer[] list = new RealServer[servers.length + 1];
        list[0] = bound;
        System.arraycopy(servers, 0, list, 1, servers.length);
        servers = list;
        scheduler.update(list);
        return bound;
    }

    /** Edits a real server's method, weight and thresholds ({@code ipvsadm -e}). */
    public RealServer edit(
        final IpAddress address, final int port, final ForwardingMethod method, final int weight,
        final int upperThreshold, final int lowerThreshold)
    {
        final RealServer rs = find(address, port);
        if (rs == null)
        {
            throw new InvalidServiceException("real-server", endpoint(address, port), "no such real server in " + virtualService.key());
        }
        final RealServer probe = RealServer.of(address, rs.port(), method == null ? rs.method() : method, weight,
            upperThreshold, lowerThreshold);
        virtualService.checkRealServer(probe);
        rs.edit(method, weight, upperThreshold, lowerThreshold);
        scheduler.update(servers);
        return rs;
    }

    /** Removes a real server ({@code ipvsadm -d}); connections already bound to it are the caller's to drain. */
    public RealServer remove(final IpAddress address, final int port)
    {
        final RealServer rs = find(address, port);
        if (rs == null)
        {
            throw new InvalidServiceException("real-server", endpoint(address, port), "no such real server in " + virtualService.key());
        }
        final RealServer[] list = new RealServer[servers.length - 1];
        int j = 0;
        for (final RealServer s : servers)
        {
            if (s != rs)
            {
                list[j++] = s;
            }
        }
        servers = list;
        scheduler.update(list);
        return rs;
    }

    /**
     * Makes this running service look like {@code want} (same key), keeping the real servers that stay (their
     * counters, and connections bound to them): servers {@code want} lacks are removed, the settings change (a new
     * scheduler only when the kind or flags change), servers whose method, weight or thresholds differ are edited,
     * new ones are added (or, when {@code reuse} gives one, a previously removed server object is added back), and
     * the scan order becomes {@code want}'s. What cannot be applied is appended to {@code problems}.
     *
     * @param reuse a removed server to bring back for this address and port, or null; may be null itself.
     */
    public void updateTo(
        final Service want, final java.util.function.Function<RealServer, RealServer> reuse, final List<String> problems)
    {
        final VirtualService vs = want.virtualService();
        final String key = vs.key();
        for (final RealServer rs : servers.clone())
        {
            if (want.find(rs.address(), rs.port()) == null)
            {
                remove(rs.address(), rs.port());
            }
        }
        if (!virtualService.equals(vs))
        {
            final boolean sameScheduler = virtualService.scheduler() == vs.scheduler()
                && virtualService.schedulerFlags().equals(vs.schedulerFlags());
            edit(vs, sameScheduler ? null : want.scheduler());
        }
        for (final RealServer rs : want.realServers())
        {
            try
            {
                final RealServer current = find(rs.address(), rs.port());
                if (current == null)
                {
                    final RealServer old = reuse == null ? null : reuse.apply(rs);
                    if (old != null)
                    {
                        old.edit(rs.method(), rs.weight(), rs.upperThreshold(), rs.lowerThreshold());
                        add(old);
                    }
                    else
                    {
                        add(rs);
                    }
                }
                else if (current.method() != rs.method() || current.weight() != rs.weight()
                    || current.upperThreshold() != rs.upperThreshold() || current.lowerThreshold() != rs.lowerThreshold())
                {
                    edit(rs.address(), rs.port(), rs.method(), rs.weight(), rs.upperThreshold(), rs.lowerThreshold());
                }
            }
            catch (final RuntimeException ex)
            {
                problems.add(key + " " + rs.endpoint() + ": " + ex.getMessage());
            }
        }
        final List<RealServer> order = new java.util.ArrayList<>();
        for (final RealServer rs : want.realServers())
        {
            final RealServer current = find(rs.address(), rs.port());
            if (current != null)
            {
                order.add(current);
            }
        }
        reorder(order);
    }

    /**
     * Sets the scan order ({@code ipvsadm} lists servers in it; rr, wrr and fo walk it): the same servers as now,
     * in a new order.
     *
     * @throws IllegalArgumentException if the list is not a permutation of the current servers.
     */
    public void reorder(final List<RealServer> inScanOrder)
    {
        if (inScanOrder.size() != servers.length)
        {
            throw new IllegalArgumentException("reorder: " + inScanOrder.size() + " servers given, " + servers.length + " present");
        }
        final RealServer[] list = new RealServer[servers.length];
        boolean same = true;
        for (int i = 0; i < list.length; i++)
        {
            final RealServer rs = inScanOrder.get(i);
            if (!Arrays.asList(servers).contains(rs) || Arrays.asList(list).contains(rs))
            {
                throw new IllegalArgumentException("reorder: " + rs + " is not a server of " + virtualService.key() + " or is given twice");
            }
            list[i] = rs;
            same &= servers[i] == rs;
        }
        if (!same)
        {
            servers = list;
            scheduler.update(list);
        }
    }

    /** The real server at this address and port (port 0 means the service's port), or null. */
    public RealServer find(final IpAddress address, final int port)
    {
        final int p = resolvePort(port);
        for (final RealServer rs : servers)
        {
            if (rs.address().equals(address) && rs.port() == p)
            {
                return rs;
            }
        }
        return null;
    }

    private RealServer bind(final RealServer rs, final RealServer[] existing)
    {
        virtualService.checkRealServer(rs);
        final RealServer bound = rs.port() == resolvePort(rs.port()) ? rs : rs.withPort(resolvePort(rs.port()));
        for (final RealServer s : existing)
        {
            if (s.address().equals(bound.address()) && s.port() == bound.port())
            {
                throw new InvalidServiceException("real-server", bound.endpoint(),
                    "is already a real server of " + virtualService.key());
            }
        }
        return bound;
    }

    private int resolvePort(final int port)
    {
        return port == 0 ? virtualService.port() : port;
    }

    private static String endpoint(final IpAddress address, final int port)
    {
        return address.isIpv6() ? "[" + address + "]:" + port : address + ":" + port;
    }

    @Override
    public String toString()
    {
        return virtualService + " " + Arrays.toString(servers);
    }
}
