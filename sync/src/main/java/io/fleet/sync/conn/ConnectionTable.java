package io.fleet.sync.conn;

import java.util.Arrays;
import java.util.function.Consumer;

/**
 * One bucket of the {@link ConnectionReplica} CRDT as the stream replicator holds it: the same state (one version
 * per key, horizon, lifetime) and the same join, in primitive arrays with no object per record, because every
 * replicated record lives on every node for up to {@code max-record-lifetime}: as objects (entry, key, two
 * arrays, map node: ~160 B) they all survived young collections, which then copied live data for seconds at
 * 100k records/s.
 *
 * <p>Open addressing with linear probing over parallel slot arrays; a slot's key and record bytes sit one after
 * the other in a byte arena:
 * <pre>
 * longs[3 * slot]: hlc | expiryMs | node:i32 &lt;&lt; 32 | keyHash:i32
 * ints[3 * slot]:  arena offset | keyLen + 1 (0 = free slot) | recLen + 1 (0 = tombstone)
 * arena:           ... key bytes, record bytes ...
 * </pre>
 * A record rewritten with its length unchanged (the usual case: records are fixed-size) is overwritten in place;
 * otherwise the new bytes are appended and the old ones counted as garbage, which a compaction drops once they are
 * half the arena. Dead versions are removed by backward-shift deletion, so there are no deleted-slot markers.
 * The table grows by doubling up to {@code maxEntries}; beyond that a new key is refused ({@link #REFUSED}, the
 * replicator counts it) while versions of keys already held are still joined.
 *
 * <p>Joining a version is exactly merging the one-entry delta holding it into the immutable replica
 * ({@code ConnectionTableTest} checks the equivalence on random histories), so the CRDT laws carry over.
 * {@link #toReplica()} gives the immutable form. Single-threaded: only the replicator's thread touches it.
 */
final class ConnectionTable
{
    /** {@link #join}: the version is now the one held. */
    static final int WON = 1;
    /** {@link #join}: the version held supersedes it, or it is dead under the horizon. */
    static final int LOST = 0;
    /** {@link #join}: a new key, but the table holds {@code maxEntries} already. */
    static final int REFUSED = -1;

    private static final int INITIAL_SLOTS = 64;
    private static final int INITIAL_ARENA_BYTES = 1024;
    /** Slots are at most this full (percent); linear probing stays short below ~70 %. */
    private static final int LOAD_PERCENT = 65;
    /** Arena garbage is not worth a compaction below this. */
    private static final int MIN_GARBAGE_BYTES = 64 * 1024;

    private static final int HLC = 0;
    private static final int EXPIRY = 1;
    private static final int NODE_HASH = 2;
    private static final int LONGS = 3;
    private static final int OFFSET = 0;
    private static final int KEY_LEN = 1;
    private static final int REC_LEN = 2;
    private static final int INTS = 3;

    private final long maxLifetimeMs;
    private final int maxEntries;
    private long[] longs;
    private int[] ints;
    private int mask;
    private int shift;
    private int size;
    private int resizeAt;
    private byte[] arena;
    private int arenaEnd;
    private int garbage;
    private long horizonMs;

    ConnectionTable(final long maxLifetimeMs)
    {
        this(maxLifetimeMs, Integer.MAX_VALUE);
    }

    /**
     * @param maxLifetimeMs longest a record lives after its clock (the CRDT's clamp).
     * @param maxEntries    most versions (records and tombstones) held; a new key beyond is refused.
     */
    ConnectionTable(final long maxLifetimeMs, final int maxEntries)
    {
        if (maxLifetimeMs <= 0)
        {
            throw new IllegalArgumentException("maxLifetimeMs must be positive: " + maxLifetimeMs);
        }
        if (maxEntries <= 0)
        {
            throw new IllegalArgumentException("maxEntries must be positive: " + maxEntries);
        }
        this.maxLifetimeMs = maxLifetimeMs;
        this.maxEntries = maxEntries;
        allocateSlots(INITIAL_SLOTS);
        this.arena = new byte[INITIAL_ARENA_BYTES];
    }

    long horizonMs()
    {
        return horizonMs;
    }

    long maxLifetimeMs()
    {
        return maxLifetimeMs;
    }

    /** Versions held, tombstones included. */
    int size()
    {
        return size;
    }

    int maxEntries()
    {
        return maxEntries;
    }

    /** Slots allocated (a power of two); for tests and footprint figures. */
    int capacity()
    {
        return mask + 1;
    }

    /** Bytes of the arena in use, garbage included; for tests and footprint figures. */
    int arenaBytes()
    {
        return arenaEnd;
    }

    // ------------------------------------------------------------------------------------------------- queries

    /** The version held for {@code key} (live, expired or tombstone), as a new entry, or null. */
    ConnectionReplica.Entry entry(final ByteKey key)
    {
        final int slot = find(key.bytes(), key.hashCode());
        return slot < 0 ? null : materialize(slot, false);
    }

    /** Every version held, tombstones included, as new entries. */
    void forEach(final Consumer<ConnectionReplica.Entry> action)
    {
        for (int s = 0; s <= mask; s++)
        {
            if (ints[s * INTS + KEY_LEN] != 0)
            {
                action.accept(materialize(s, false));
            }
        }
    }

    /** Every record live at {@code nowMs} (and above the horizon), as new entries. */
    void forEachLive(final long nowMs, final Consumer<ConnectionReplica.Entry> action)
    {
        final long at = Math.max(nowMs, horizonMs);
        for (int s = 0; s <= mask; s++)
        {
            if (ints[s * INTS + KEY_LEN] != 0 && liveAt(s, at))
            {
                action.accept(materialize(s, false));
            }
        }
    }

    /** The canonical versions (dead ones left out, expired ones as tombstones), sorted by version. */
    ConnectionReplica.Entry[] canonicalByVersion()
    {
        return versions(-1L, Long.MAX_VALUE, horizonMs);
    }

    /**
     * The versions of the key segments in {@code segmentMask} (bit {@code keyHash >>> 28}) older than
     * {@code cutHlc} and not dead under {@code atHorizonMs}, those expired at that horizon as tombstones, sorted by
     * version: what an anti-entropy repair sends.
     */
    ConnectionReplica.Entry[] versions(final long segmentMask, final long cutHlc, final long atHorizonMs)
    {
        int n = 0;
        ConnectionReplica.Entry[] out = new ConnectionReplica.Entry[Math.min(size, 1024)];
        for (int s = 0; s <= mask; s++)
        {
            if (ints[s * INTS + KEY_LEN] == 0)
            {
                continue;
            }
            final long hlc = longs[s * LONGS + HLC];
            if (hlc >= cutHlc || deadAt(hlc, atHorizonMs) || (segmentMask & (1L << segment(keyHash(s)))) == 0)
            {
                continue;
            }
            if (n == out.length)
            {
                out = Arrays.copyOf(out, Math.max(16, n * 2));
            }
            out[n++] = materialize(s, !liveAt(s, atHorizonMs));
        }
        Arrays.sort(out, 0, n, ConnectionReplica.Entry::compareVersion);
        return n == out.length ? out : Arrays.copyOf(out, n);
    }

    /**
     * Adds into {@code segments} (16 of them, by {@code keyHash >>> 28}) the hash of every version older than
     * {@code cutHlc} and not dead under {@code atHorizonMs}; {@code versionHash} identifies a version by key hash,
     * clock, writer and expiry, so pruning a record to a tombstone does not change it.
     */
    void digest(final long cutHlc, final long atHorizonMs, final long[] segments)
    {
        for (int s = 0; s <= mask; s++)
        {
            if (ints[s * INTS + KEY_LEN] == 0)
            {
                continue;
            }
            final long hlc = longs[s * LONGS + HLC];
            if (hlc < cutHlc && !deadAt(hlc, atHorizonMs))
            {
                final int hash = keyHash(s);
                segments[segment(hash)] += versionHash(hash, hlc, node(s), longs[s * LONGS + EXPIRY]);
            }
        }
    }

    /** The key segment of a key hash: 16 per bucket. */
    static int segment(final int keyHash)
    {
        return keyHash >>> 28;
    }

    /** Identifies a version (key, clock, writer, expiry); the same whether or not pruning made it a tombstone. */
    static long versionHash(final int keyHash, final long hlc, final int node, final long expiryMs)
    {
        long h = keyHash * 0x9E3779B97F4A7C15L;
        h ^= hlc * 0xC2B2AE3D27D4EB4FL;
        h ^= (node & 0xFFFFFFFFL) * 0x165667B19E3779F9L;
        h ^= expiryMs * 0xFF51AFD7ED558CCDL;
        h ^= h >>> 33;
        h *= 0xC4CEB9FE1A85EC53L;
        h ^= h >>> 33;
        return h;
    }

    /** The same state as an immutable replica. */
    ConnectionReplica toReplica()
    {
        final ConnectionReplica.Entry[] all = new ConnectionReplica.Entry[size];
        int n = 0;
        for (int s = 0; s <= mask; s++)
        {
            if (ints[s * INTS + KEY_LEN] != 0)
            {
                all[n++] = materialize(s, false);
            }
        }
        return ConnectionReplica.decoded(all, n, horizonMs, maxLifetimeMs, false);
    }

    // ------------------------------------------------------------------------------------------------- updates

    /**
     * Joins one version: kept when it is newer than the one held (last writer wins by clock, then node, as
     * {@link ConnectionReplica.Entry#supersedes}) and not dead under the horizon. The entry's bytes are copied.
     *
     * @return {@link #WON} when the state changed to it, {@link #LOST} when it did not, {@link #REFUSED} when it
     * is a new key and the table is full.
     */
    int join(final ConnectionReplica.Entry e)
    {
        if (deadAt(e.hlc(), horizonMs))
        {
            return LOST;
        }
        final byte[] key = e.key().bytes();
        final int hash = e.key().hashCode();
        int slot = find(key, hash);
        if (slot >= 0)
        {
            if (!supersedes(e, slot))
            {
                return LOST;
            }
            overwrite(slot, e);
            return WON;
        }
        if (size >= maxEntries)
        {
            return REFUSED;
        }
        if (size + 1 > resizeAt)
        {
            rehash(Math.multiplyExact(mask + 1, 2));
            slot = find(key, hash);
        }
        slot = -slot - 1;
        final int record = e.tombstone() ? 0 : e.record().length;
        final int offset = append(key, e.record(), record);
        longs[slot * LONGS + HLC] = e.hlc();
        longs[slot * LONGS + EXPIRY] = e.expiryMs();
        longs[slot * LONGS + NODE_HASH] = ((long)e.node() << 32) | (hash & 0xFFFFFFFFL);
        ints[slot * INTS + OFFSET] = offset;
        ints[slot * INTS + KEY_LEN] = key.length + 1;
        ints[slot * INTS + REC_LEN] = e.tombstone() ? 0 : record + 1;
        size++;
        return WON;
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
        int s = 0;
        while (s <= mask)
        {
            if (ints[s * INTS + KEY_LEN] == 0)
            {
                s++;
            }
            else if (deadAt(longs[s * LONGS + HLC], horizonMs))
            {
                // Backward shift may move a later (or wrapped, already seen) version into s: look at s again.
                remove(s);
            }
            else
            {
                if (!liveAt(s, horizonMs) && ints[s * INTS + REC_LEN] != 0)
                {
                    garbage += ints[s * INTS + REC_LEN] - 1;
                    ints[s * INTS + REC_LEN] = 0;
                }
                s++;
            }
        }
        if (garbage >= MIN_GARBAGE_BYTES && garbage * 2 >= arenaEnd)
        {
            compact(arena.length);
        }
    }

    // ----------------------------------------------------------------------------------------------- internals

    private boolean deadAt(final long hlc, final long atHorizonMs)
    {
        return HybridLogicalClock.physicalMs(hlc) + maxLifetimeMs <= atHorizonMs;
    }

    private boolean liveAt(final int slot, final long atMs)
    {
        return ints[slot * INTS + REC_LEN] != 0 && longs[slot * LONGS + EXPIRY] > atMs;
    }

    private int keyHash(final int slot)
    {
        return (int)longs[slot * LONGS + NODE_HASH];
    }

    private int node(final int slot)
    {
        return (int)(longs[slot * LONGS + NODE_HASH] >>> 32);
    }

    /**
     * Home slot of a key hash: Fibonacci hashing, because every key of a bucket shares the hash's low bits (they
     * chose the bucket) and the top four bits are the digest segment.
     */
    private int home(final int hash)
    {
        return (hash * 0x9E3779B9) >>> shift;
    }

    /** The slot holding {@code key}, or {@code -(free slot) - 1} where it would go. */
    private int find(final byte[] key, final int hash)
    {
        int s = home(hash);
        while (true)
        {
            final int keyLenPlusOne = ints[s * INTS + KEY_LEN];
            if (keyLenPlusOne == 0)
            {
                return -s - 1;
            }
            if (keyLenPlusOne == key.length + 1 && keyHash(s) == hash)
            {
                final int offset = ints[s * INTS + OFFSET];
                if (Arrays.equals(arena, offset, offset + key.length, key, 0, key.length))
                {
                    return s;
                }
            }
            s = (s + 1) & mask;
        }
    }

    /** {@link ConnectionReplica.Entry#supersedes}, against the version in {@code slot}. */
    private boolean supersedes(final ConnectionReplica.Entry e, final int slot)
    {
        final long hlc = longs[slot * LONGS + HLC];
        if (e.hlc() != hlc)
        {
            return e.hlc() > hlc;
        }
        final int node = node(slot);
        if (e.node() != node)
        {
            return e.node() > node;
        }
        final boolean heldTombstone = ints[slot * INTS + REC_LEN] == 0;
        if (e.tombstone() != heldTombstone)
        {
            return e.tombstone();
        }
        final long expiryMs = longs[slot * LONGS + EXPIRY];
        if (e.expiryMs() != expiryMs)
        {
            return e.expiryMs() > expiryMs;
        }
        if (e.tombstone())
        {
            return false;
        }
        final int from = ints[slot * INTS + OFFSET] + ints[slot * INTS + KEY_LEN] - 1;
        final int to = from + ints[slot * INTS + REC_LEN] - 1;
        return Arrays.compareUnsigned(e.record(), 0, e.record().length, arena, from, to) > 0;
    }

    private void overwrite(final int slot, final ConnectionReplica.Entry e)
    {
        longs[slot * LONGS + HLC] = e.hlc();
        longs[slot * LONGS + EXPIRY] = e.expiryMs();
        longs[slot * LONGS + NODE_HASH] = ((long)e.node() << 32) | (keyHash(slot) & 0xFFFFFFFFL);
        final int keyLen = ints[slot * INTS + KEY_LEN] - 1;
        final int heldRecord = ints[slot * INTS + REC_LEN] - 1;
        if (e.tombstone())
        {
            if (heldRecord >= 0)
            {
                garbage += heldRecord;
            }
            ints[slot * INTS + REC_LEN] = 0;
            return;
        }
        final byte[] record = e.record();
        if (heldRecord == record.length)
        {
            System.arraycopy(record, 0, arena, ints[slot * INTS + OFFSET] + keyLen, record.length);
            return;
        }
        final int offset = ints[slot * INTS + OFFSET];
        // The key is still in the arena: copy it out before an append may compact the arena under it.
        final byte[] key = Arrays.copyOfRange(arena, offset, offset + keyLen);
        ints[slot * INTS + OFFSET] = append(key, record, record.length);
        // Counted after the append: a compaction inside it still copied the old bytes as the slot's.
        garbage += keyLen + Math.max(0, heldRecord);
        ints[slot * INTS + REC_LEN] = record.length + 1;
    }

    /** Copies key and record to the end of the arena (compacting or growing it first if needed). */
    private int append(final byte[] key, final byte[] record, final int recordLength)
    {
        final int need = key.length + recordLength;
        if (arenaEnd + need > arena.length)
        {
            final int live = arenaEnd - garbage;
            final long wanted = Math.max((long)arena.length, 2L * (live + need));
            if (wanted > Integer.MAX_VALUE - 8)
            {
                throw new IllegalStateException("connection table bucket arena above 2 GiB (" + size + " versions)");
            }
            compact((int)wanted);
        }
        final int offset = arenaEnd;
        System.arraycopy(key, 0, arena, offset, key.length);
        if (recordLength > 0)
        {
            System.arraycopy(record, 0, arena, offset + key.length, recordLength);
        }
        arenaEnd += need;
        return offset;
    }

    /** Copies the live bytes of every slot into a fresh arena of {@code bytes}, dropping the garbage. */
    private void compact(final int bytes)
    {
        final byte[] fresh = new byte[bytes];
        int end = 0;
        for (int s = 0; s <= mask; s++)
        {
            final int keyLenPlusOne = ints[s * INTS + KEY_LEN];
            if (keyLenPlusOne == 0)
            {
                continue;
            }
            final int length = keyLenPlusOne - 1 + Math.max(0, ints[s * INTS + REC_LEN] - 1);
            System.arraycopy(arena, ints[s * INTS + OFFSET], fresh, end, length);
            ints[s * INTS + OFFSET] = end;
            end += length;
        }
        arena = fresh;
        arenaEnd = end;
        garbage = 0;
    }

    /** Empties {@code slot} and shifts back the versions after it whose probe sequence passed over it. */
    private void remove(final int slot)
    {
        garbage += ints[slot * INTS + KEY_LEN] - 1 + Math.max(0, ints[slot * INTS + REC_LEN] - 1);
        size--;
        int hole = slot;
        int s = (slot + 1) & mask;
        while (ints[s * INTS + KEY_LEN] != 0)
        {
            final int home = home(keyHash(s));
            // s may fill the hole when its home is not cyclically inside (hole, s].
            final boolean stays = hole <= s ? hole < home && home <= s : hole < home || home <= s;
            if (!stays)
            {
                System.arraycopy(longs, s * LONGS, longs, hole * LONGS, LONGS);
                System.arraycopy(ints, s * INTS, ints, hole * INTS, INTS);
                hole = s;
            }
            s = (s + 1) & mask;
        }
        Arrays.fill(longs, hole * LONGS, hole * LONGS + LONGS, 0L);
        Arrays.fill(ints, hole * INTS, hole * INTS + INTS, 0);
    }

    private void allocateSlots(final int slots)
    {
        longs = new long[slots * LONGS];
        ints = new int[slots * INTS];
        mask = slots - 1;
        shift = Integer.numberOfLeadingZeros(slots) + 1;
        resizeAt = (int)((long)slots * LOAD_PERCENT / 100);
    }

    private void rehash(final int slots)
    {
        final long[] oldLongs = longs;
        final int[] oldInts = ints;
        final int oldSlots = mask + 1;
        allocateSlots(slots);
        for (int s = 0; s < oldSlots; s++)
        {
            if (oldInts[s * INTS + KEY_LEN] == 0)
            {
                continue;
            }
            int t = home((int)oldLongs[s * LONGS + NODE_HASH]);
            while (ints[t * INTS + KEY_LEN] != 0)
            {
                t = (t + 1) & mask;
            }
            System.arraycopy(oldLongs, s * LONGS, longs, t * LONGS, LONGS);
            System.arraycopy(oldInts, s * INTS, ints, t * INTS, INTS);
        }
    }

    /** A new entry holding a copy of the slot's bytes; a tombstone when the slot holds one or when asked. */
    private ConnectionReplica.Entry materialize(final int slot, final boolean asTombstone)
    {
        final int offset = ints[slot * INTS + OFFSET];
        final int keyLen = ints[slot * INTS + KEY_LEN] - 1;
        final int recordLen = ints[slot * INTS + REC_LEN] - 1;
        final byte[] record = recordLen < 0 || asTombstone ? null :
            Arrays.copyOfRange(arena, offset + keyLen, offset + keyLen + recordLen);
        return new ConnectionReplica.Entry(ByteKey.wrap(Arrays.copyOfRange(arena, offset, offset + keyLen)), record,
            longs[slot * LONGS + HLC], node(slot), longs[slot * LONGS + EXPIRY]);
    }
}
