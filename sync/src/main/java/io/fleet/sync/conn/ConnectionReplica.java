package io.fleet.sync.conn;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Consumer;

import org.apache.pekko.cluster.ddata.AbstractDeltaReplicatedData;
import org.apache.pekko.cluster.ddata.ReplicatedDelta;

import io.fleet.sync.serial.KryoSerializable;

import scala.Option;
import scala.collection.Iterator;
import scala.collection.immutable.HashMap;

/**
 * The replicated connection table of one bucket: a delta-state CRDT mapping an opaque connection key to its
 * latest opaque record, last writer wins by {@code (hybrid logical clock, node id)}.
 *
 * <p>Every record carries its absolute expiry. The state also holds a horizon, a max-register of wall-clock
 * time: a record whose expiry is at or before the horizon is invisible everywhere, and a version whose clock is
 * older than {@code horizon - maxLifetime} is dead and dropped. Every record's expiry is clamped to at most
 * {@code maxLifetime} after its clock, so when a version is dead every older version of the same key is dead
 * too; that makes "dropped" a downward-closed set in the last-writer order, which is what keeps merge
 * associative and guarantees that an expired record never comes back, whatever order replicas meet in.
 * Expired but not yet dead versions stay as small tombstones (no record bytes) until then.
 *
 * <p>Immutable. The same class is its own delta type: a delta is a small replica holding the records written
 * locally since the last {@link #resetDelta()}. Each state derived from another remembers, in a transient
 * lineage, its predecessor and the entries that changed, so that the replicator can hand remote changes to the
 * forwarding worker without diffing whole buckets (and so that merging a state with its own descendant is O(1),
 * as Pekko's {@code ORSet} does with its ancestor check).
 */
public final class ConnectionReplica
    extends AbstractDeltaReplicatedData<ConnectionReplica, ConnectionReplica>
    implements ReplicatedDelta, KryoSerializable
{
    /** Longest time any record may live after its clock: above IPVS's 900 s established timeout. */
    public static final long DEFAULT_MAX_LIFETIME_MS = 16 * 60_000L;
    private static final int MAX_ANCESTOR_HOPS = 8;
    private static final Entry[] NO_ENTRIES = new Entry[0];

    private final HashMap<ByteKey, Entry> entries;
    private final long horizonMs;
    private final long maxLifetimeMs;
    private final boolean fragment;
    private final ConnectionReplica delta;
    private volatile Lineage lineage;

    private ConnectionReplica(
        final HashMap<ByteKey, Entry> entries, final long horizonMs, final long maxLifetimeMs,
        final boolean fragment, final ConnectionReplica delta)
    {
        this.entries = entries;
        this.horizonMs = horizonMs;
        this.maxLifetimeMs = maxLifetimeMs;
        this.fragment = fragment;
        this.delta = delta;
    }

    @SuppressWarnings("unchecked")
    private static HashMap<ByteKey, Entry> emptyMap()
    {
        return (HashMap<ByteKey, Entry>)(Object)scala.collection.immutable.HashMap$.MODULE$.empty();
    }

    /** An empty replica whose records live at most {@code maxLifetimeMs} after their clock. */
    public static ConnectionReplica empty(final long maxLifetimeMs)
    {
        if (maxLifetimeMs <= 0)
        {
            throw new IllegalArgumentException("maxLifetimeMs must be positive: " + maxLifetimeMs);
        }
        return new ConnectionReplica(emptyMap(), 0L, maxLifetimeMs, false, null);
    }

    /** Rebuilds a replica read from the wire; entries must already be canonical for {@code horizonMs}. */
    static ConnectionReplica decoded(
        final Entry[] decoded, final int count, final long horizonMs, final long maxLifetimeMs,
        final boolean fragment)
    {
        HashMap<ByteKey, Entry> map = emptyMap();
        for (int i = 0; i < count; i++)
        {
            final Entry e = decoded[i];
            final Option<Entry> current = map.get(e.key);
            if (current.isEmpty() || e.supersedes(current.get()))
            {
                map = map.updated(e.key, e);
            }
        }
        return new ConnectionReplica(map, horizonMs, maxLifetimeMs, fragment, null);
    }

    // ------------------------------------------------------------------------------------------------ queries

    /** Entries held, including tombstones and entries dead under the horizon that pruning has not yet removed. */
    public int size()
    {
        return entries.size();
    }

    public long horizonMs()
    {
        return horizonMs;
    }

    public long maxLifetimeMs()
    {
        return maxLifetimeMs;
    }

    /** True for a delta: the records written by one node between two propagations. */
    public boolean fragment()
    {
        return fragment;
    }

    /** The current version for {@code key}, live or not, or null. */
    public Entry entry(final ByteKey key)
    {
        final Option<Entry> e = entries.get(key);
        return e.isEmpty() ? null : e.get();
    }

    /** The live record for {@code key} at wall-clock {@code nowMs}, or null when absent or expired. */
    public Entry live(final ByteKey key, final long nowMs)
    {
        final Entry e = entry(key);
        return e != null && e.liveAt(Math.max(nowMs, horizonMs)) ? e : null;
    }

    /** Calls {@code action} for every record still live at {@code nowMs}. */
    public void forEachLive(final long nowMs, final Consumer<Entry> action)
    {
        final long at = Math.max(nowMs, horizonMs);
        for (final Iterator<Entry> it = entries.valuesIterator(); it.hasNext(); )
        {
            final Entry e = it.next();
            if (e.liveAt(at))
            {
                action.accept(e);
            }
        }
    }

    public int liveCount(final long nowMs)
    {
        final int[] count = {0};
        forEachLive(nowMs, e -> count[0]++);
        return count[0];
    }

    /**
     * The state's meaning, independent of how far pruning has got: dead versions removed, expired ones as
     * tombstones. Two replicas that have seen the same writes and horizon have equal canonical forms.
     */
    public TreeMap<ByteKey, Entry> canonical()
    {
        final TreeMap<ByteKey, Entry> out = new TreeMap<>();
        for (final Iterator<Entry> it = entries.valuesIterator(); it.hasNext(); )
        {
            final Entry e = it.next();
            if (!e.deadAt(horizonMs, maxLifetimeMs))
            {
                out.put(e.key, e.liveAt(horizonMs) ? e : e.asTombstone());
            }
        }
        return out;
    }

    /** Canonical entries sorted by version, the order the wire format wants. */
    Entry[] canonicalByVersion()
    {
        final Entry[] out = new Entry[entries.size()];
        int n = 0;
        for (final Iterator<Entry> it = entries.valuesIterator(); it.hasNext(); )
        {
            final Entry e = it.next();
            if (!e.deadAt(horizonMs, maxLifetimeMs))
            {
                out[n++] = e.liveAt(horizonMs) ? e : e.asTombstone();
            }
        }
        Arrays.sort(out, 0, n, Entry::compareVersion);
        return n == out.length ? out : Arrays.copyOf(out, n);
    }

    // ----------------------------------------------------------------------------------------------- updates

    /**
     * This replica with local writes applied (each entry already stamped with a clock above every version this
     * node has seen). The writes that win are also accumulated into the delta Pekko propagates.
     */
    public ConnectionReplica withLocal(final Entry[] batch, final int count)
    {
        HashMap<ByteKey, Entry> map = entries;
        HashMap<ByteKey, Entry> deltaMap = delta == null ? emptyMap() : delta.entries;
        final ArrayList<Entry> won = new ArrayList<>(count);
        for (int i = 0; i < count; i++)
        {
            final Entry e = batch[i];
            if (e.deadAt(horizonMs, maxLifetimeMs))
            {
                continue;
            }
            final Option<Entry> current = map.get(e.key);
            if (current.isEmpty() || e.supersedes(current.get()))
            {
                map = map.updated(e.key, e);
                deltaMap = deltaMap.updated(e.key, e);
                won.add(e);
            }
        }
        final long deltaHorizon = delta == null ? 0L : delta.horizonMs;
        final ConnectionReplica newDelta = new ConnectionReplica(deltaMap, deltaHorizon, maxLifetimeMs, true, null);
        final ConnectionReplica next = new ConnectionReplica(map, horizonMs, maxLifetimeMs, false, newDelta);
        next.lineage = new Lineage(this, won.toArray(NO_ENTRIES));
        return next;
    }

    /**
     * Raises the horizon to {@code horizonMs} and frees what it makes unnecessary: dead versions are removed,
     * expired records shrink to tombstones. The new horizon travels in the delta.
     */
    public ConnectionReplica prune(final long newHorizonMs)
    {
        final long h = Math.max(horizonMs, newHorizonMs);
        HashMap<ByteKey, Entry> map = entries;
        for (final Iterator<Entry> it = entries.valuesIterator(); it.hasNext(); )
        {
            final Entry e = it.next();
            if (e.deadAt(h, maxLifetimeMs))
            {
                map = map.removed(e.key);
            }
            else if (!e.liveAt(h) && !e.tombstone())
            {
                map = map.updated(e.key, e.asTombstone());
            }
        }
        final HashMap<ByteKey, Entry> deltaMap = delta == null ? emptyMap() : delta.entries;
        final ConnectionReplica newDelta = new ConnectionReplica(deltaMap, h, maxLifetimeMs, true, null);
        final ConnectionReplica next = new ConnectionReplica(map, h, maxLifetimeMs, false, newDelta);
        next.lineage = new Lineage(this, NO_ENTRIES);
        return next;
    }

    @Override
    public ConnectionReplica mergeData(final ConnectionReplica that)
    {
        if (that == this || isAncestorOf(that, this))
        {
            return this;
        }
        if (isAncestorOf(this, that))
        {
            return that;
        }
        final long h = Math.max(horizonMs, that.horizonMs);
        final long lifetime = Math.max(maxLifetimeMs, that.maxLifetimeMs);
        // Fold the smaller into the larger; when the larger is this full state, remember what the other brought.
        final boolean intoThis = entries.size() >= that.entries.size();
        final ConnectionReplica big = intoThis ? this : that;
        final ConnectionReplica small = intoThis ? that : this;
        final boolean trackChanges = intoThis && !fragment;
        final ArrayList<Entry> won = trackChanges ? new ArrayList<>(small.entries.size()) : null;
        HashMap<ByteKey, Entry> map = big.entries;
        for (final Iterator<Entry> it = small.entries.valuesIterator(); it.hasNext(); )
        {
            final Entry e = it.next();
            if (e.deadAt(h, lifetime))
            {
                continue;
            }
            final Option<Entry> current = map.get(e.key);
            if (current.isEmpty() || e.supersedes(current.get()))
            {
                map = map.updated(e.key, e);
                if (won != null)
                {
                    won.add(e);
                }
            }
        }
        final ConnectionReplica merged =
            new ConnectionReplica(map, h, lifetime, fragment && that.fragment, null);
        if (won != null)
        {
            merged.lineage = new Lineage(this, won.toArray(NO_ENTRIES));
        }
        return merged;
    }

    private static boolean isAncestorOf(final ConnectionReplica ancestor, final ConnectionReplica state)
    {
        Lineage l = state.lineage;
        for (int hops = 0; l != null && hops < MAX_ANCESTOR_HOPS; hops++)
        {
            if (l.previous == ancestor)
            {
                return true;
            }
            l = l.previous.lineage;
        }
        return false;
    }

    @Override
    public ConnectionReplica mergeDeltaData(final ConnectionReplica d)
    {
        return mergeData(d);
    }

    @Override
    public Optional<ConnectionReplica> deltaData()
    {
        return Optional.ofNullable(delta);
    }

    @Override
    public ConnectionReplica resetDelta()
    {
        if (delta == null)
        {
            return this;
        }
        final ConnectionReplica next = new ConnectionReplica(entries, horizonMs, maxLifetimeMs, fragment, null);
        next.lineage = new Lineage(this, NO_ENTRIES);
        return next;
    }

    @Override
    public ConnectionReplica zero()
    {
        return empty(maxLifetimeMs);
    }

    // ------------------------------------------------------------------------------------------------ lineage

    /**
     * The entries that changed between {@code seen} and this state, newest version per key, or null when this
     * state does not descend from {@code seen} through recorded lineage (the caller then diffs). Cuts the lineage
     * behind this state so that superseded states can be collected: only one reader may call this per bucket.
     */
    public java.util.HashMap<ByteKey, Entry> changesSince(final ConnectionReplica seen)
    {
        final java.util.HashMap<ByteKey, Entry> changes = new java.util.HashMap<>();
        ConnectionReplica state = this;
        while (state != seen)
        {
            final Lineage l = state.lineage;
            if (l == null)
            {
                return null;
            }
            for (final Entry e : l.changes)
            {
                changes.putIfAbsent(e.key, e);
            }
            state = l.previous;
        }
        lineage = null;
        return changes;
    }

    /** Forgets the lineage behind this state (after a full diff), so that older states can be collected. */
    public void forgetLineage()
    {
        lineage = null;
    }

    private static final class Lineage
    {
        final ConnectionReplica previous;
        final Entry[] changes;

        Lineage(final ConnectionReplica previous, final Entry[] changes)
        {
            this.previous = previous;
            this.changes = changes;
        }
    }

    @Override
    public String toString()
    {
        return "ConnectionReplica{size=" + entries.size() + ", horizonMs=" + horizonMs + ", fragment=" + fragment + '}';
    }

    // -------------------------------------------------------------------------------------------------- entry

    /** One version of one connection: opaque record (null for a tombstone), clock, writer and absolute expiry. */
    public static final class Entry
    {
        private final ByteKey key;
        private final byte[] record;
        private final long hlc;
        private final int node;
        private final long expiryMs;

        public Entry(final ByteKey key, final byte[] record, final long hlc, final int node, final long expiryMs)
        {
            this.key = key;
            this.record = record;
            this.hlc = hlc;
            this.node = node;
            this.expiryMs = expiryMs;
        }

        public ByteKey key()
        {
            return key;
        }

        /** The director's record bytes, or null for a tombstone; callers must not modify them. */
        public byte[] record()
        {
            return record;
        }

        public long hlc()
        {
            return hlc;
        }

        /** Id of the node that wrote this version. */
        public int node()
        {
            return node;
        }

        public long expiryMs()
        {
            return expiryMs;
        }

        public boolean tombstone()
        {
            return record == null;
        }

        boolean liveAt(final long atMs)
        {
            return record != null && expiryMs > atMs;
        }

        boolean deadAt(final long horizonMs, final long maxLifetimeMs)
        {
            return HybridLogicalClock.physicalMs(hlc) + maxLifetimeMs <= horizonMs;
        }

        Entry asTombstone()
        {
            return record == null ? this : new Entry(key, null, hlc, node, expiryMs);
        }

        /** Version order: clock, then writer; ties (the same version seen twice) prefer the tombstone. */
        static int compareVersion(final Entry a, final Entry b)
        {
            int c = Long.compare(a.hlc, b.hlc);
            if (c == 0)
            {
                c = Integer.compare(a.node, b.node);
            }
            if (c == 0)
            {
                c = a.key.compareTo(b.key);
            }
            return c;
        }

        boolean supersedes(final Entry other)
        {
            if (hlc != other.hlc)
            {
                return hlc > other.hlc;
            }
            if (node != other.node)
            {
                return node > other.node;
            }
            // Same version: only pruning makes the copies differ; the tombstone carries less and means the same.
            if (tombstone() != other.tombstone())
            {
                return tombstone();
            }
            if (expiryMs != other.expiryMs)
            {
                return expiryMs > other.expiryMs;
            }
            return record != null && Arrays.compareUnsigned(record, other.record) > 0;
        }

        @Override
        public boolean equals(final Object o)
        {
            if (!(o instanceof Entry))
            {
                return false;
            }
            final Entry e = (Entry)o;
            return hlc == e.hlc && node == e.node && expiryMs == e.expiryMs && key.equals(e.key) &&
                Arrays.equals(record, e.record);
        }

        @Override
        public int hashCode()
        {
            return key.hashCode() * 31 + Long.hashCode(hlc);
        }

        @Override
        public String toString()
        {
            return "Entry{" + key + ", hlc=" + hlc + ", node=" + node + ", expiryMs=" + expiryMs +
                (record == null ? ", tombstone" : ", record=" + record.length + "B") + '}';
        }
    }
}
