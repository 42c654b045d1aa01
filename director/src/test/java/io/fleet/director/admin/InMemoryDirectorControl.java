package io.fleet.director.admin;

import io.fleet.director.control.ClusterStatus;
import io.fleet.director.control.ConnectionEntry;
import io.fleet.director.control.ConnectionFilter;
import io.fleet.director.control.ControlException;
import io.fleet.director.control.DirectorControl;
import io.fleet.director.control.Endpoint;
import io.fleet.director.control.HealthStatus;
import io.fleet.director.control.Page;
import io.fleet.director.control.PortStatus;
import io.fleet.director.control.RealServerSpec;
import io.fleet.director.control.RealServerStatus;
import io.fleet.director.control.ReloadResult;
import io.fleet.director.control.ServiceId;
import io.fleet.director.control.ServiceStatus;
import io.fleet.director.control.SyncStatus;
import io.fleet.director.control.TimeoutSettings;
import io.fleet.director.control.Traffic;
import io.fleet.director.sched.SchedulerFactory;
import io.fleet.director.sched.SchedulerOptions;
import io.fleet.director.service.InvalidServiceException;
import io.fleet.director.service.IpAddress;
import io.fleet.director.service.RealServer;
import io.fleet.director.service.Service;
import io.fleet.director.service.VirtualService;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * An honest in-memory director for the admin API's and {@code fleet adm}'s tests: services and real servers live
 * in the real service model ({@link Service}, {@link RealServer}), so every change is validated as a director
 * would (duplicate service, unknown real server, DR port change, address family, weight range, ...) and a refused
 * change completes exceptionally with a {@link ControlException} having changed nothing. Counters, connections,
 * cluster, health, ports and sync are whatever the test sets.
 */
public final class InMemoryDirectorControl implements DirectorControl
{
    private final Map<ServiceId, Service> services = new LinkedHashMap<>();
    private final Map<ServiceId, Traffic> serviceTraffic = new HashMap<>();
    private final Map<String, RealServerCounters> rsCounters = new HashMap<>();
    private final List<ConnectionEntry> connections = new ArrayList<>();
    private TimeoutSettings timeouts = new TimeoutSettings(900, 120, 300);
    private ClusterStatus cluster = new ClusterStatus("127.0.0.1:25521", List.of(), List.of(), 0);
    private List<HealthStatus> health = List.of();
    private List<PortStatus> ports = List.of();
    private SyncStatus sync = SyncStatus.NONE;
    private ReloadResult nextReload = new ReloadResult(true, List.of("no change"), List.of());
    private List<IpAddress> heldVips = List.of();
    private int changes;

    /** What a test sets for one real server: health, connection counts, traffic. */
    public record RealServerCounters(String health, int active, int inactive, int persistent, Traffic traffic)
    {
    }

    // ------------------------------------------------------------------------------------------- reads

    @Override
    public synchronized List<ServiceStatus> services()
    {
        final List<ServiceStatus> out = new ArrayList<>();
        for (final Map.Entry<ServiceId, Service> e : services.entrySet())
        {
            final List<RealServerStatus> rs = new ArrayList<>();
            for (final RealServer r : e.getValue().realServers())
            {
                final RealServerSpec spec = new RealServerSpec(r.address(), r.port(), r.method(), r.weight(),
                    r.upperThreshold(), r.lowerThreshold());
                final RealServerCounters c = rsCounters.getOrDefault(key(e.getKey(), spec.endpoint()),
                    new RealServerCounters("unchecked", 0, 0, 0, Traffic.ZERO));
                rs.add(new RealServerStatus(spec, "down".equals(c.health()) ? 0 : r.weight(), c.health(), c.active(),
                    c.inactive(), c.persistent(), c.traffic()));
            }
            out.add(new ServiceStatus(e.getValue().virtualService(), rs,
                serviceTraffic.getOrDefault(e.getKey(), Traffic.ZERO)));
        }
        return out;
    }

    @Override
    public synchronized Page<ConnectionEntry> connections(final ConnectionFilter filter, final long offset, final int limit)
    {
        final List<ConnectionEntry> matching = new ArrayList<>();
        for (final ConnectionEntry c : connections)
        {
            if (filter.matches(c))
            {
                matching.add(c);
            }
        }
        final int from = (int)Math.min(offset, matching.size());
        final int to = (int)Math.min((long)from + limit, matching.size());
        return new Page<>(matching.subList(from, to), matching.size(), offset);
    }

    @Override
    public synchronized TimeoutSettings timeouts()
    {
        return timeouts;
    }

    @Override
    public synchronized ClusterStatus cluster()
    {
        return cluster;
    }

    @Override
    public synchronized List<HealthStatus> health()
    {
        return health;
    }

    @Override
    public synchronized List<PortStatus> ports()
    {
        return ports;
    }

    @Override
    public synchronized SyncStatus sync()
    {
        return sync;
    }

    @Override
    public synchronized ReloadResult reload()
    {
        return nextReload;
    }

    @Override
    public synchronized List<IpAddress> heldVips()
    {
        return heldVips;
    }

    // ------------------------------------------------------------------------------------------- changes

    @Override
    public synchronized CompletionStage<Void> addService(final VirtualService service)
    {
        return apply(() ->
        {
            final ServiceId id = ServiceId.of(service);
            if (services.containsKey(id))
            {
                throw new ControlException("service", "service " + id + " already exists");
            }
            services.put(id, Service.of(service, SchedulerFactory.create(service, SchedulerOptions.DEFAULTS), List.of()));
        });
    }

    @Override
    public synchronized CompletionStage<Void> editService(final VirtualService service)
    {
        return apply(() ->
        {
            final Service s = existing(ServiceId.of(service));
            s.edit(service, SchedulerFactory.create(service, SchedulerOptions.DEFAULTS));
        });
    }

    @Override
    public synchronized CompletionStage<Void> deleteService(final ServiceId id)
    {
        return apply(() ->
        {
            existing(id);
            services.remove(id);
            serviceTraffic.remove(id);
        });
    }

    @Override
    public synchronized CompletionStage<Void> addRealServer(final ServiceId id, final RealServerSpec rs)
    {
        return apply(() -> existing(id).add(RealServer.of(rs.address(), rs.port(), rs.method(), rs.weight(),
            rs.upperThreshold(), rs.lowerThreshold())));
    }

    @Override
    public synchronized CompletionStage<Void> editRealServer(final ServiceId id, final RealServerSpec rs)
    {
        return apply(() -> existing(id).edit(rs.address(), rs.port(), rs.method(), rs.weight(), rs.upperThreshold(),
            rs.lowerThreshold()));
    }

    @Override
    public synchronized CompletionStage<Void> deleteRealServer(final ServiceId id, final Endpoint rs)
    {
        return apply(() -> existing(id).remove(rs.address(), rs.port()));
    }

    @Override
    public synchronized CompletionStage<Void> clear()
    {
        return apply(() ->
        {
            services.clear();
            serviceTraffic.clear();
        });
    }

    @Override
    public synchronized void zero(final ServiceId id)
    {
        if (id != null)
        {
            existing(id);
        }
        serviceTraffic.replaceAll((k, t) -> id == null || k.equals(id) ? Traffic.ZERO : t);
        rsCounters.replaceAll((k, c) -> id == null || k.startsWith(id + "|")
            ? new RealServerCounters(c.health(), c.active(), c.inactive(), c.persistent(), Traffic.ZERO) : c);
        changes++;
    }

    @Override
    public synchronized CompletionStage<Void> setTimeouts(final TimeoutSettings t)
    {
        return apply(() ->
        {
            check("tcp", t.tcpS());
            check("tcpFin", t.tcpFinS());
            check("udp", t.udpS());
            timeouts = new TimeoutSettings(t.tcpS() == 0 ? timeouts.tcpS() : t.tcpS(),
                t.tcpFinS() == 0 ? timeouts.tcpFinS() : t.tcpFinS(), t.udpS() == 0 ? timeouts.udpS() : t.udpS());
        });
    }

    private static void check(final String field, final long s)
    {
        if (s < 0 || s > 86_400L * 31)
        {
            throw new ControlException(field, "must be 0..2678400 seconds (got " + s + ")");
        }
    }

    private Service existing(final ServiceId id)
    {
        final Service s = services.get(id);
        if (s == null)
        {
            throw ControlException.notFound("service", "service " + id);
        }
        return s;
    }

    private CompletionStage<Void> apply(final Runnable change)
    {
        try
        {
            change.run();
            changes++;
            return CompletableFuture.completedFuture(null);
        }
        catch (final InvalidServiceException ex)
        {
            return CompletableFuture.failedFuture(JsonCodec.fromModel(ex));
        }
        catch (final ControlException ex)
        {
            return CompletableFuture.failedFuture(ex);
        }
    }

    private static String key(final ServiceId id, final Endpoint rs)
    {
        return id + "|" + rs;
    }

    // ------------------------------------------------------------------------------------------- test setters

    /** How many changes were applied (a refused one does not count). */
    public synchronized int changes()
    {
        return changes;
    }

    public synchronized void traffic(final ServiceId id, final Traffic t)
    {
        serviceTraffic.put(id, t);
    }

    public synchronized void realServer(final ServiceId id, final Endpoint rs, final RealServerCounters c)
    {
        rsCounters.put(key(id, rs), c);
    }

    public synchronized void connections(final List<ConnectionEntry> list)
    {
        connections.clear();
        connections.addAll(list);
    }

    public synchronized void cluster(final ClusterStatus c, final List<IpAddress> held)
    {
        cluster = c;
        heldVips = List.copyOf(held);
    }

    public synchronized void health(final List<HealthStatus> h)
    {
        health = List.copyOf(h);
    }

    public synchronized void ports(final List<PortStatus> p)
    {
        ports = List.copyOf(p);
    }

    public synchronized void sync(final SyncStatus s)
    {
        sync = s;
    }

    public synchronized void nextReload(final ReloadResult r)
    {
        nextReload = r;
    }
}
