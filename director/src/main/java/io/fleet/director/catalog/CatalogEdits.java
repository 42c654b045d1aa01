package io.fleet.director.catalog;

import io.fleet.director.control.ControlException;
import io.fleet.director.control.Endpoint;
import io.fleet.director.control.RealServerSpec;
import io.fleet.director.control.ServiceId;
import io.fleet.director.control.ServiceSpec;
import io.fleet.director.service.VirtualService;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns a wanted change into the catalog edits that make it, against the catalog as it is now ({@code view}):
 * the {@code ipvsadm}-like commands of {@code DirectorControl}, and a config file's reload as the difference
 * between the file before and after. Pure functions: nothing here writes.
 */
public final class CatalogEdits
{
    private CatalogEdits()
    {
    }

    // --------------------------------------------------------------------------------------------- commands

    /** {@code -A}: refused if the service exists. */
    public static List<CatalogEdit> addService(final Map<String, Map<String, byte[]>> view, final VirtualService vs)
    {
        final ServiceId id = ServiceId.of(vs);
        if (service(view, id) != null)
        {
            throw new ControlException("service", id + " exists already");
        }
        return List.of(new CatalogEdit(CatalogCodec.entryKey(id), CatalogCodec.SERVICE_FIELD,
            CatalogCodec.encodeService(vs, maxServiceRank(view) + CatalogCodec.RANK_STEP)));
    }

    /** {@code -E}: new settings for an existing service; its real servers must fit them. */
    public static List<CatalogEdit> editService(final Map<String, Map<String, byte[]>> view, final VirtualService vs)
    {
        final ServiceId id = ServiceId.of(vs);
        final CatalogCodec.RankedService current = service(view, id);
        if (current == null)
        {
            throw ControlException.notFound("service", "service " + id);
        }
        return List.of(new CatalogEdit(CatalogCodec.entryKey(id), CatalogCodec.SERVICE_FIELD,
            CatalogCodec.encodeService(vs, current.rank())));
    }

    /** {@code -D}: its real servers' fields first, then the service's own. */
    public static List<CatalogEdit> deleteService(final Map<String, Map<String, byte[]>> view, final ServiceId id)
    {
        if (service(view, id) == null)
        {
            throw ControlException.notFound("service", "service " + id);
        }
        final String key = CatalogCodec.entryKey(id);
        final List<CatalogEdit> edits = new ArrayList<>();
        for (final String field : view.get(key).keySet())
        {
            if (field.startsWith(CatalogCodec.SERVER_PREFIX))
            {
                edits.add(new CatalogEdit(key, field, null));
            }
        }
        edits.add(new CatalogEdit(key, CatalogCodec.SERVICE_FIELD, null));
        return edits;
    }

    /** {@code -C}. */
    public static List<CatalogEdit> clear(final Map<String, Map<String, byte[]>> view)
    {
        final List<CatalogEdit> edits = new ArrayList<>();
        for (final ServiceSpec s : CatalogCodec.decode(view, new ArrayList<>()))
        {
            edits.addAll(deleteService(view, s.id()));
        }
        return edits;
    }

    /** {@code -a}: at the head of the scan order, as IPVS adds. */
    public static List<CatalogEdit> addRealServer(
        final Map<String, Map<String, byte[]>> view, final ServiceId id, final RealServerSpec spec)
    {
        if (service(view, id) == null)
        {
            throw ControlException.notFound("service", "service " + id);
        }
        final RealServerSpec rs = CatalogCodec.resolved(id, spec);
        final String key = CatalogCodec.entryKey(id);
        final String field = CatalogCodec.serverField(rs.endpoint());
        if (view.get(key).get(field) != null)
        {
            throw new ControlException("real-server", rs.endpoint() + " is already a real server of " + id);
        }
        return List.of(new CatalogEdit(key, field, CatalogCodec.encodeServer(rs, minServerRank(view, key) - CatalogCodec.RANK_STEP)));
    }

    /** {@code -e}: keeps the server's place in the scan order. */
    public static List<CatalogEdit> editRealServer(
        final Map<String, Map<String, byte[]>> view, final ServiceId id, final RealServerSpec spec)
    {
        if (service(view, id) == null)
        {
            throw ControlException.notFound("service", "service " + id);
        }
        final RealServerSpec rs = CatalogCodec.resolved(id, spec);
        final String key = CatalogCodec.entryKey(id);
        final String field = CatalogCodec.serverField(rs.endpoint());
        final byte[] current = view.get(key).get(field);
        if (current == null)
        {
            throw ControlException.notFound("real-server", "real server " + rs.endpoint() + " in " + id);
        }
        return List.of(new CatalogEdit(key, field, CatalogCodec.encodeServer(rs, CatalogCodec.decodeServer(current).rank())));
    }

    /** {@code -d}. */
    public static List<CatalogEdit> deleteRealServer(
        final Map<String, Map<String, byte[]>> view, final ServiceId id, final Endpoint endpoint)
    {
        if (service(view, id) == null)
        {
            throw ControlException.notFound("service", "service " + id);
        }
        final Endpoint ep = endpoint.port() == 0 ? new Endpoint(endpoint.address(), id.port()) : endpoint;
        final String key = CatalogCodec.entryKey(id);
        final String field = CatalogCodec.serverField(ep);
        if (view.get(key).get(field) == null)
        {
            throw ControlException.notFound("real-server", "real server " + ep + " in " + id);
        }
        return List.of(new CatalogEdit(key, field, null));
    }

    // ------------------------------------------------------------------------------------------------ reload

    /**
     * The edits that carry a config file's change from {@code before} to {@code after} into the catalog, leaving
     * alone whatever the file did not change (so a change made through the API to it stays). A service the file
     * changed but the catalog no longer has (deleted through the API) comes back as the file now says. With
     * {@code before} empty and an empty catalog, this seeds the catalog from the file.
     *
     * @param changes filled with one line per change, for the log and {@code ReloadResult}.
     */
    public static List<CatalogEdit> diff(
        final List<ServiceSpec> before, final List<ServiceSpec> after, final Map<String, Map<String, byte[]>> view,
        final List<String> changes)
    {
        final Map<ServiceId, ServiceSpec> old = byId(before);
        final Map<ServiceId, ServiceSpec> now = byId(after);
        final List<CatalogEdit> edits = new ArrayList<>();
        long nextRank = maxServiceRank(view);
        for (final ServiceSpec spec : now.values())
        {
            final ServiceId id = spec.id();
            final String key = CatalogCodec.entryKey(id);
            final ServiceSpec was = old.get(id);
            final CatalogCodec.RankedService current = service(view, id);
            if (was != null && was.equals(resolvedSpec(spec)))
            {
                continue;
            }
            if (current == null)
            {
                nextRank += CatalogCodec.RANK_STEP;
                edits.add(new CatalogEdit(key, CatalogCodec.SERVICE_FIELD, CatalogCodec.encodeService(spec.service(), nextRank)));
                long rank = 0;
                for (final RealServerSpec rs : spec.realServers())
                {
                    final RealServerSpec r = CatalogCodec.resolved(id, rs);
                    edits.add(new CatalogEdit(key, CatalogCodec.serverField(r.endpoint()), CatalogCodec.encodeServer(r, rank)));
                    rank += CatalogCodec.RANK_STEP;
                }
                changes.add("+service " + id + (was != null ? " (changed in the file; it had been deleted)" : "")
                    + " with " + spec.realServers().size() + " real servers");
                continue;
            }
            if (was == null || !was.service().equals(spec.service()))
            {
                if (!current.service().equals(spec.service()))
                {
                    edits.add(new CatalogEdit(key, CatalogCodec.SERVICE_FIELD, CatalogCodec.encodeService(spec.service(), current.rank())));
                    changes.add("~service " + id);
                }
            }
            final Map<Endpoint, RealServerSpec> oldServers = servers(id, was == null ? List.of() : was.realServers());
            final Map<Endpoint, RealServerSpec> newServers = servers(id, spec.realServers());
            final Map<String, byte[]> fields = view.get(key);
            long previousRank = minServerRank(view, key) - CatalogCodec.RANK_STEP;
            for (final RealServerSpec rs : newServers.values())
            {
                final String field = CatalogCodec.serverField(rs.endpoint());
                final byte[] stored = fields.get(field);
                final RealServerSpec prior = oldServers.get(rs.endpoint());
                if (stored != null)
                {
                    final CatalogCodec.RankedServer in = CatalogCodec.decodeServer(stored);
                    previousRank = in.rank();
                    if (!rs.equals(prior) && !rs.equals(in.server()))
                    {
                        edits.add(new CatalogEdit(key, field, CatalogCodec.encodeServer(rs, in.rank())));
                        changes.add(describe(id, in.server(), rs));
                    }
                }
                else if (!rs.equals(prior))
                {
                    // New in the file (or changed there after an API delete): placed after its predecessor.
                    previousRank = previousRank + 1;
                    edits.add(new CatalogEdit(key, field, CatalogCodec.encodeServer(rs, previousRank)));
                    changes.add("+real-server " + id + " " + rs.endpoint());
                }
            }
            for (final RealServerSpec rs : oldServers.values())
            {
                final String field = CatalogCodec.serverField(rs.endpoint());
                if (!newServers.containsKey(rs.endpoint()) && fields.get(field) != null)
                {
                    edits.add(new CatalogEdit(key, field, null));
                    changes.add("-real-server " + id + " " + rs.endpoint());
                }
            }
        }
        for (final ServiceSpec spec : old.values())
        {
            if (!now.containsKey(spec.id()) && service(view, spec.id()) != null)
            {
                edits.addAll(deleteService(view, spec.id()));
                changes.add("-service " + spec.id());
            }
        }
        return edits;
    }

    private static String describe(final ServiceId id, final RealServerSpec from, final RealServerSpec to)
    {
        final StringBuilder b = new StringBuilder("~real-server ").append(id).append(' ').append(to.endpoint());
        if (from.weight() != to.weight())
        {
            b.append(" weight ").append(from.weight()).append("->").append(to.weight());
        }
        if (from.method() != to.method())
        {
            b.append(" method ").append(from.method()).append("->").append(to.method());
        }
        if (from.upperThreshold() != to.upperThreshold() || from.lowerThreshold() != to.lowerThreshold())
        {
            b.append(" thresholds ").append(from.upperThreshold()).append('/').append(from.lowerThreshold()).append("->")
                .append(to.upperThreshold()).append('/').append(to.lowerThreshold());
        }
        return b.toString();
    }

    /** The spec with every real server's port resolved, as the catalog holds it. */
    public static ServiceSpec resolvedSpec(final ServiceSpec spec)
    {
        final List<RealServerSpec> list = new ArrayList<>();
        for (final RealServerSpec rs : spec.realServers())
        {
            list.add(CatalogCodec.resolved(spec.id(), rs));
        }
        return new ServiceSpec(spec.service(), list);
    }

    private static Map<ServiceId, ServiceSpec> byId(final List<ServiceSpec> specs)
    {
        final Map<ServiceId, ServiceSpec> map = new LinkedHashMap<>();
        for (final ServiceSpec s : specs)
        {
            map.putIfAbsent(s.id(), resolvedSpec(s));
        }
        return map;
    }

    private static Map<Endpoint, RealServerSpec> servers(final ServiceId id, final List<RealServerSpec> list)
    {
        final Map<Endpoint, RealServerSpec> map = new LinkedHashMap<>();
        for (final RealServerSpec rs : list)
        {
            final RealServerSpec r = CatalogCodec.resolved(id, rs);
            map.putIfAbsent(r.endpoint(), r);
        }
        return map;
    }

    // ------------------------------------------------------------------------------------------------- reads

    /** The service's live settings in the catalog, or null (absent, deleted, or unreadable). */
    public static CatalogCodec.RankedService service(final Map<String, Map<String, byte[]>> view, final ServiceId id)
    {
        final Map<String, byte[]> fields = view.get(CatalogCodec.entryKey(id));
        final byte[] value = fields == null ? null : fields.get(CatalogCodec.SERVICE_FIELD);
        if (value == null)
        {
            return null;
        }
        try
        {
            return CatalogCodec.decodeService(value);
        }
        catch (final IllegalArgumentException ex)
        {
            return null;
        }
    }

    static long maxServiceRank(final Map<String, Map<String, byte[]>> view)
    {
        long max = -CatalogCodec.RANK_STEP;
        for (final Map.Entry<String, Map<String, byte[]>> e : view.entrySet())
        {
            final byte[] v = e.getKey().startsWith(CatalogCodec.SERVICE_PREFIX) ? e.getValue().get(CatalogCodec.SERVICE_FIELD) : null;
            if (v != null)
            {
                try
                {
                    max = Math.max(max, CatalogCodec.decodeService(v).rank());
                }
                catch (final IllegalArgumentException ignored)
                {
                    // an unreadable record has no say in the order
                }
            }
        }
        return max;
    }

    static long minServerRank(final Map<String, Map<String, byte[]>> view, final String key)
    {
        long min = 0;
        final Map<String, byte[]> fields = view.get(key);
        if (fields != null)
        {
            for (final Map.Entry<String, byte[]> f : fields.entrySet())
            {
                if (f.getKey().startsWith(CatalogCodec.SERVER_PREFIX) && f.getValue() != null)
                {
                    try
                    {
                        min = Math.min(min, CatalogCodec.decodeServer(f.getValue()).rank());
                    }
                    catch (final IllegalArgumentException ignored)
                    {
                        // as above
                    }
                }
            }
        }
        return min;
    }
}
