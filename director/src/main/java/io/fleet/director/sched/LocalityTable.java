package io.fleet.director.sched;

import io.fleet.director.service.FlowKey;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The destination-address table of lblc and lblcr: destination address -> entry, in least-recently-used order.
 * Lookups allocate nothing (a reused probe key); an entry is created only for a destination seen for the first
 * time. Bounded like IPVS's table: above {@code softLimit} entries, entries idle for longer than
 * {@code idleTimeoutNs} are reclaimed (ip_vs_lblc_check_expire); at {@code hardLimit} the least recently used
 * entry goes regardless, so the table never grows without bound.
 */
final class LocalityTable<E extends LocalityTable.Entry>
{
    /** IPVS: 1024 buckets x 16. */
    static final int SOFT_LIMIT = 16 * 1024;
    static final int HARD_LIMIT = 4 * SOFT_LIMIT;
    /** IPVS ENTRY_TIMEOUT: 6 minutes idle before an entry may be reclaimed from a full table. */
    static final long IDLE_TIMEOUT_NS = 6L * 60 * 1_000_000_000L;

    /** What every entry carries: the time it was last used. */
    abstract static class Entry
    {
        long lastUseNs;
    }

    private final LinkedHashMap<AddressKey, E> entries = new LinkedHashMap<>(256, 0.75f, true);
    private final AddressKey probe = new AddressKey();
    private final int softLimit;
    private final int hardLimit;

    LocalityTable(final int softLimit, final int hardLimit)
    {
        this.softLimit = softLimit;
        this.hardLimit = hardLimit;
    }

    /** The entry for the flow's destination address, or null; marks it most recently used. */
    E get(final FlowKey flow)
    {
        probe.set(flow);
        return entries.get(probe);
    }

    /** Adds an entry for the flow's destination address (which must not be present). */
    void put(final FlowKey flow, final E entry, final long nowNs)
    {
        if (entries.size() >= softLimit)
        {
            reclaim(nowNs);
        }
        final AddressKey key = new AddressKey();
        key.set(flow);
        entry.lastUseNs = nowNs;
        entries.put(key, entry);
    }

    int size()
    {
        return entries.size();
    }

    /** Removes every entry the predicate matches (used when servers leave the service). */
    void removeIf(final Predicate<E> predicate)
    {
        entries.values().removeIf(predicate);
    }

    private void reclaim(final long nowNs)
    {
        // Oldest first: stop at the first entry still in use, unless the hard limit forces eviction.
        final Iterator<Map.Entry<AddressKey, E>> it = entries.entrySet().iterator();
        while (it.hasNext() && entries.size() >= softLimit)
        {
            final E e = it.next().getValue();
            if (nowNs - e.lastUseNs >= IDLE_TIMEOUT_NS || entries.size() >= hardLimit)
            {
                it.remove();
            }
            else
            {
                break;
            }
        }
    }

    /** A destination address as a map key; mutable only while it is the probe. */
    static final class AddressKey
    {
        private boolean ipv6;
        private int w0;
        private int w1;
        private int w2;
        private int w3;

        void set(final FlowKey flow)
        {
            ipv6 = flow.ipv6();
            w0 = flow.dst(0);
            w1 = flow.dst(1);
            w2 = flow.dst(2);
            w3 = flow.dst(3);
        }

        @Override
        public boolean equals(final Object o)
        {
            if (!(o instanceof AddressKey))
            {
                return false;
            }
            final AddressKey k = (AddressKey)o;
            return ipv6 == k.ipv6 && w0 == k.w0 && w1 == k.w1 && w2 == k.w2 && w3 == k.w3;
        }

        @Override
        public int hashCode()
        {
            return Hashing.hash32(w0 ^ w1 ^ w2 ^ w3, 31) ^ (ipv6 ? 1 : 0);
        }
    }
}
