package io.fleet.director.sched;

import io.fleet.director.service.FlowKey;
import io.fleet.director.service.RealServer;
import io.fleet.director.service.Scheduler;

/**
 * lblc (ip_vs_lblc.c): locality-based least connection, for caches. Each destination address sticks to the
 * server it was last given, while that server is available and not overloaded in lblc's sense (more active
 * connections than its weight while some server is below half its weight); otherwise wlc picks a new one and
 * the address moves to it. Entries unused for {@code expirationNs} (IPVS default 24 h,
 * {@code lblc_expiration}) are forgotten.
 *
 * <p>Departure from the kernel: a cached server over its upper connection threshold is not returned (the
 * kernel checks only lblc's own overload rule there); Fleet never picks a server above its threshold.
 */
final class LocalityLeastConnectionScheduler implements Scheduler
{
    /** IPVS DEFAULT_EXPIRATION. */
    static final long DEFAULT_EXPIRATION_NS = 24L * 60 * 60 * 1_000_000_000L;

    private final LocalityTable<Entry> table;
    private final long expirationNs;
    private RealServer[] servers = SchedulerFactory.NO_SERVERS;

    LocalityLeastConnectionScheduler(final long expirationNs, final int softLimit, final int hardLimit)
    {
        this.expirationNs = expirationNs;
        this.table = new LocalityTable<>(softLimit, hardLimit);
    }

    static final class Entry extends LocalityTable.Entry
    {
        RealServer server;
    }

    @Override
    public void update(final RealServer[] newServers)
    {
        servers = newServers;
        // A server that left is no longer "available" (IPVS clears IP_VS_DEST_F_AVAILABLE): forget its entries.
        table.removeIf(e -> RoundRobinScheduler.indexOf(newServers, e.server) < 0);
    }

    @Override
    public RealServer pick(final FlowKey flow, final long nowNs)
    {
        Entry entry = table.get(flow);
        if (entry != null)
        {
            final boolean expired = nowNs - entry.lastUseNs >= expirationNs;
            entry.lastUseNs = nowNs;
            final RealServer cached = entry.server;
            if (!expired && cached.available() && !overloaded(cached, servers))
            {
                return cached;
            }
        }
        final RealServer chosen = WeightedLeastConnectionScheduler.pick(servers);
        if (chosen == null)
        {
            return null;
        }
        if (entry == null)
        {
            entry = new Entry();
            entry.server = chosen;
            table.put(flow, entry, nowNs);
        }
        else
        {
            entry.server = chosen;
        }
        return chosen;
    }

    /**
     * lblc's own overload rule ({@code is_overloaded} in ip_vs_lblc.c / ip_vs_lblcr.c): more active connections
     * than weight, while some server of the service has fewer than half its weight in active connections.
     */
    static boolean overloaded(final RealServer rs, final RealServer[] servers)
    {
        if (rs.activeConnections() > rs.weight())
        {
            for (final RealServer other : servers)
            {
                if ((long)other.activeConnections() * 2 < other.weight())
                {
                    return true;
                }
            }
        }
        return false;
    }

    int tableSize()
    {
        return table.size();
    }
}
