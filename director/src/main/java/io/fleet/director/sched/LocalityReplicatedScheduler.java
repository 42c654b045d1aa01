package io.fleet.director.sched;

import io.fleet.director.service.FlowKey;
import io.fleet.director.service.RealServer;
import io.fleet.director.service.Scheduler;

import java.util.ArrayList;

/**
 * lblcr (ip_vs_lblcr.c): locality-based least connection with replication. Each destination address maps to a
 * set of servers; the least loaded member (weighted) serves, and when it is overloaded in lblc's sense a new
 * server chosen by wlc joins the set. A set that has not changed for {@code expirationNs} (IPVS default 24 h,
 * {@code lblcr_expiration}) sheds its most loaded member, one per pick.
 *
 * <p>Departure from the kernel: as in lblc, a member over its upper connection threshold is never returned.
 */
final class LocalityReplicatedScheduler implements Scheduler
{
    private final LocalityTable<Entry> table;
    private final long expirationNs;
    private RealServer[] servers = SchedulerFactory.NO_SERVERS;

    LocalityReplicatedScheduler(final long expirationNs, final int softLimit, final int hardLimit)
    {
        this.expirationNs = expirationNs;
        this.table = new LocalityTable<>(softLimit, hardLimit);
    }

    static final class Entry extends LocalityTable.Entry
    {
        /** Newest member first, as IPVS inserts at the head. */
        final ArrayList<RealServer> set = new ArrayList<>(2);
        long lastModifiedNs;
    }

    @Override
    public void update(final RealServer[] newServers)
    {
        servers = newServers;
        table.removeIf(e ->
        {
            e.set.removeIf(rs -> RoundRobinScheduler.indexOf(newServers, rs) < 0);
            return e.set.isEmpty();
        });
    }

    @Override
    public RealServer pick(final FlowKey flow, final long nowNs)
    {
        final Entry entry = table.get(flow);
        if (entry != null)
        {
            entry.lastUseNs = nowNs;
            final RealServer least = setMin(entry.set);
            if (entry.set.size() > 1 && nowNs - entry.lastModifiedNs > expirationNs)
            {
                final RealServer most = setMax(entry.set);
                if (most != null)
                {
                    entry.set.remove(most);
                    entry.lastModifiedNs = nowNs;
                }
            }
            if (least != null && !LocalityLeastConnectionScheduler.overloaded(least, servers))
            {
                return least;
            }
            final RealServer chosen = WeightedLeastConnectionScheduler.pick(servers);
            if (chosen == null)
            {
                return null;
            }
            if (!entry.set.contains(chosen))
            {
                entry.set.add(0, chosen);
                entry.lastModifiedNs = nowNs;
            }
            return chosen;
        }
        final RealServer chosen = WeightedLeastConnectionScheduler.pick(servers);
        if (chosen == null)
        {
            return null;
        }
        final Entry fresh = new Entry();
        fresh.set.add(chosen);
        fresh.lastModifiedNs = nowNs;
        table.put(flow, fresh, nowNs);
        return chosen;
    }

    /** Weighted least connection within the set ({@code ip_vs_dest_set_min}). */
    private static RealServer setMin(final ArrayList<RealServer> set)
    {
        RealServer least = null;
        long leastOverhead = 0;
        for (int i = 0, n = set.size(); i < n; i++)
        {
            final RealServer rs = set.get(i);
            if (!rs.available())
            {
                continue;
            }
            final long overhead = rs.connectionOverhead();
            if (least == null || leastOverhead * rs.weight() > overhead * least.weight())
            {
                least = rs;
                leastOverhead = overhead;
            }
        }
        return least;
    }

    /** Weighted most connection within the set ({@code ip_vs_dest_set_max}). */
    private static RealServer setMax(final ArrayList<RealServer> set)
    {
        RealServer most = null;
        long mostOverhead = 0;
        for (int i = 0, n = set.size(); i < n; i++)
        {
            final RealServer rs = set.get(i);
            if (rs.weight() <= 0)
            {
                continue;
            }
            final long overhead = rs.connectionOverhead();
            if (most == null || mostOverhead * rs.weight() < overhead * most.weight())
            {
                most = rs;
                mostOverhead = overhead;
            }
        }
        return most;
    }

    int tableSize()
    {
        return table.size();
    }

    /** The set for a destination, newest first; for tests. */
    java.util.List<RealServer> members(final FlowKey flow)
    {
        final Entry e = table.get(flow);
        return e == null ? java.util.List.of() : java.util.List.copyOf(e.set);
    }
}
