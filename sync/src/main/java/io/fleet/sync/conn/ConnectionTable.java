package io.fleet.sync.conn;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.function.Consumer;

/**
 * One bucket of the {@link ConnectionReplica} CRDT as the stream replicator holds it: the same state (versions per
 * key, horizon, lifetime) and the same join, kept in a mutable map because its one owner, the replicator's
 * thread, never shares it. Joining a version is exactly merging the one-entry delta holding it into the
 * immutable replica ({@code ConnectionTableTest} checks the equivalence on random histories), without the
 * persistent map's path copying and boxed equality, which cost a third of the replicator's time at 100k
 * records/s. {@link #toReplica()} gives the immutable form.
 */
final class ConnectionTable
{
    private final HashMap<ByteKey, ConnectionReplica.Entry> entries = new HashMap<>();
    private final long maxLifetimeMs;
    private long horizonMs;

    ConnectionTable(final long maxLifetimeMs)
    {
        if (maxLifetimeMs <= 0)
        {
            throw new IllegalArgumentException("maxLifetimeMs must be positive: " + maxLifetimeMs);
        }
        this.maxLifetimeMs = maxLifetimeMs;
    }

    long horizonMs()
    {
        return horizonMs;
    }

    long maxLifetimeMs()
    {
        return maxLifetimeMs;
    }

    int size()
    {
        return entries.size();
    }

    /** The version held for {@code key} (live, expired or tombstone), or null. */
    ConnectionReplica.Entry entry(final ByteKey key)
    {
        return entries.get(key);
    }

    /**
     * Joins one version: kept when it is newer than the one held (last writer wins by clock, then node) and not
     * dead under the horizon.
     *
     * @return true when it won, i.e. the state changed to it.
     */
    boolean join(final ConnectionReplica.Entry e)
    {
        if (e.deadAt(horizonMs, maxLifetimeMs))
        {
            return false;
        }
        final ConnectionReplica.Entry current = entries.putIfAbsent(e.key(), e);
        if (current == null)
        {
            return true;
        }
        if (e.supersedes(current))
        {
            entries.put(e.key(), e);
            return true;
        }
        return false;
    }

    /**
     * Raises the horizon to {@code newHorizonMs}: dead versions are removed, expired records shrink to tombstones
     * (as {@link ConnectionReplica#prune}).
     */
    void prune(final long newHorizonMs)
    {
        if (newHorizonMs <= horizonMs)
        {
            return;
        }
        horizonMs = newHorizonMs;
        for (final Iterator<Map.Entry<ByteKey, ConnectionReplica.Entry>> it = entries.entrySet().iterator(); it.hasNext(); )
        {
            final Map.Entry<ByteKey, ConnectionReplica.Entry> m = it.next();
            final ConnectionReplica.Entry e = m.getValue();
            if (e.deadAt(horizonMs, maxLifetimeMs))
            {
                it.remove();
            }
            else if (!e.liveAt(horizonMs) && !e.tombstone())
            {
                m.setValue(e.asTombstone());
            }
        }
    }

    /** Every version held, tombstones included. */
    void forEach(final Consumer<ConnectionReplica.Entry> action)
    {
        entries.values().forEach(action);
    }

    /** Every record live at {@code nowMs} (and above the horizon). */
    void forEachLive(final long nowMs, final Consumer<ConnectionReplica.Entry> action)
    {
        final long at = Math.max(nowMs, horizonMs);
        for (final ConnectionReplica.Entry e : entries.values())
        {
            if (e.liveAt(at))
            {
                action.accept(e);
            }
        }
    }

    /** The canonical versions (dead ones left out, expired ones as tombstones), sorted by version. */
    ConnectionReplica.Entry[] canonicalByVersion()
    {
        final ConnectionReplica.Entry[] out = new ConnectionReplica.Entry[entries.size()];
        int n = 0;
        for (final ConnectionReplica.Entry e : entries.values())
        {
            if (!e.deadAt(horizonMs, maxLifetimeMs))
            {
                out[n++] = e.liveAt(horizonMs) ? e : e.asTombstone();
            }
        }
        Arrays.sort(out, 0, n, ConnectionReplica.Entry::compareVersion);
        return n == out.length ? out : Arrays.copyOf(out, n);
    }

    /** The same state as an immutable replica. */
    ConnectionReplica toReplica()
    {
        final ConnectionReplica.Entry[] all = entries.values().toArray(new ConnectionReplica.Entry[0]);
        return ConnectionReplica.decoded(all, all.length, horizonMs, maxLifetimeMs, false);
    }
}
