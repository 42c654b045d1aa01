package io.fleet.sync.conn;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Field;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * One bucket of the {@link ConnectionReplica} CRDT as the stream replicator holds it: the same state (one version
 * per key, horizon, lifetime) and the same join, in off-heap memory with no object per record, because every
 * replicated record lives on every node for up to {@code max-record-lifetime}: as objects (entry, key, two
 * arrays, map node: ~170 B) they all survived young collections, which then copied live data for seconds at
 * 100k records/s; as growing primitive arrays on the heap they were still copied (1.4 s pauses in 30 s runs).
 *
 * <p>Open addressing with linear probing over a direct buffer of 32-byte slots (native byte order); a slot's key
 * and record bytes sit one after the other in a second direct buffer, the arena:
 * <pre>
 *   0                   8                   16        20        24        28        30        32
 *   +-------------------+-------------------+---------+---------+---------+---------+---------+
 *   | hlc               | expiryMs          | node    | keyHash | offset  | keyLen+1| recLen+1|
 *   +-------------------+-------------------+---------+---------+---------+---------+---------+
 *                                            keyLen+1 = 0: free slot; recLen+1 = 0: tombstone (u16 each)
 * </pre>
 * A record rewritten with its length unchanged (the usual case: records are fixed-size) is overwritten in place;
 * otherwise the new bytes are appended and the old ones counted as garbage, which a compaction drops once they are
 * half the arena. Dead versions are removed by backward-shift deletion, so there are no deleted-slot markers.
 * Slots are at most 50-75 % full and the arena's first size varies (the stagger), so that the buckets of a node
 * grow at different moments.
 * Buffers replaced by growth or compaction are freed at once rather than when a collection finds them. The table
 * grows by doubling up to {@code maxEntries}; beyond that a new key is refused ({@link #REFUSED}, the replicator
 * counts it) while versions of keys already held are still joined.
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
    /** Slots are at most 50-75 % full (the share depends on the stagger); linear probing stays short there. */
    private static final int MIN_LOAD_PERCENT = 50;
    private static final int LOAD_PERCENT_SPREAD = 25;
    /** Arena garbage is not worth a compaction below this. */
    private static final int MIN_GARBAGE_BYTES = 64 * 1024;

    /** Longest key, and longest record, a slot can describe (16-bit length + 1). */
    static final int MAX_FIELD_BYTES = 0xFFFF - 1;

    private static final int SLOT_BYTES = 32;
    private static final int HLC = 0;
    private static final int EXPIRY = 8;
    private static final int NODE = 16;
    private static final int KEY_HASH = 20;
    private static final int OFFSET = 24;
    private static final int KEY_LEN = 28;
    private static final int REC_LEN = 30;

    private static final MethodHandle FREE = freeHandle();

    private final long maxLifetimeMs;
    private final int maxEntries;
    private final int loadPercent;
    private ByteBuffer slots;
    private int mask;
    private int shift;
    private int size;
    private int resizeAt;
    private ByteBuffer arena;
    private int arenaEnd;
    private int garbage;
    private long horizonMs;

    ConnectionTable(final long maxLifetimeMs)
    {
        this(maxLifetimeMs, Integer.MAX_VALUE, 0.5);
    }

    /**
     * @param maxLifetimeMs longest a record lives after its clock (the CRDT's clamp).
     * @param maxEntries    most versions (records and tombstones) held; a new key beyond is refused.
     * @param stagger       in [0, 1): sets how full slots get before doubling (50-75 %) and the arena's first
     *                      size, so that the buckets of one node, which fill at the same pace (keys spread
     *                      evenly), grow at different moments instead of all in the same flush: a doubling is an
     *                      O(n) copy on the replicator's thread, and 64 at once stalled it for hundreds of ms.
     */
    ConnectionTable(final long maxLifetimeMs, final int maxEntries, final double stagger)
    {
        if (maxLifetimeMs <= 0)
        {
            throw new IllegalArgumentException("maxLifetimeMs must be positive: " + maxLifetimeMs);
        }
        if (maxEntries <= 0)
        {
            throw new IllegalArgumentException("maxEntries must be positive: " + maxEntries);
        }
        if (!(stagger >= 0 && stagger < 1))
        {
            throw new IllegalArgumentException("stagger must be in [0, 1): " + stagger);
        }
        this.maxLifetimeMs = maxLifetimeMs;
        this.maxEntries = maxEntries;
        this.loadPercent = MIN_LOAD_PERCENT + (int)(LOAD_PERCENT_SPREAD * stagger);
        allocateSlots(INITIAL_SLOTS);
        this.arena = allocate((int)(INITIAL_ARENA_BYTES * (1 + stagger)));
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

    /** Off-heap bytes this table holds (slots and arena). */
    long memoryBytes()
    {
        return (long)slots.capacity() + arena.capacity();
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
            if (keyLenPlusOne(s) != 0)
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
            if (keyLenPlusOne(s) != 0 && liveAt(s, at))
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
            if (keyLenPlusOne(s) == 0)
            {
                continue;
            }
            final long hlc = hlc(s);
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
            if (keyLenPlusOne(s) == 0)
            {
                continue;
            }
            final long hlc = hlc(s);
            if (hlc < cutHlc && !deadAt(hlc, atHorizonMs))
            {
                final int hash = keyHash(s);
                segments[segment(hash)] += versionHash(hash, hlc, node(s), expiryMs(s));
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
            if (keyLenPlusOne(s) != 0)
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
     * @throws IllegalArgumentException when key or record is longer than {@link #MAX_FIELD_BYTES}.
     */
    int join(final ConnectionReplica.Entry e)
    {
        final byte[] key = e.key().bytes();
        final int recordLength = e.tombstone() ? 0 : e.record().length;
        if (key.length > MAX_FIELD_BYTES || recordLength > MAX_FIELD_BYTES)
        {
            throw new IllegalArgumentException("connection version with a " + key.length + "-byte key and a " +
                recordLength + "-byte record: at most " + MAX_FIELD_BYTES + " bytes each");
        }
        if (deadAt(e.hlc(), horizonMs))
        {
            return LOST;
        }
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
        final int offset = append(key, e.record(), recordLength);
        final int base = slot * SLOT_BYTES;
        slots.putLong(base + HLC, e.hlc());
        slots.putLong(base + EXPIRY, e.expiryMs());
        slots.putInt(base + NODE, e.node());
        slots.putInt(base + KEY_HASH, hash);
        slots.putInt(base + OFFSET, offset);
        slots.putShort(base + KEY_LEN, (short)(key.length + 1));
        slots.putShort(base + REC_LEN, (short)(e.tombstone() ? 0 : recordLength + 1));
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
            if (keyLenPlusOne(s) == 0)
            {
                s++;
            }
            else if (deadAt(hlc(s), horizonMs))
            {
                // Backward shift may move a later (or wrapped, already seen) version into s: look at s again.
                remove(s);
            }
            else
            {
                if (!liveAt(s, horizonMs) && recLenPlusOne(s) != 0)
                {
                    garbage += recLenPlusOne(s) - 1;
                    slots.putShort(s * SLOT_BYTES + REC_LEN, (short)0);
                }
                s++;
            }
        }
        if (garbage >= MIN_GARBAGE_BYTES && garbage * 2 >= arenaEnd)
        {
            compact(arena.capacity());
        }
    }

    // ----------------------------------------------------------------------------------------------- internals

    private long hlc(final int slot)
    {
        return slots.getLong(slot * SLOT_BYTES + HLC);
    }

    private long expiryMs(final int slot)
    {
        return slots.getLong(slot * SLOT_BYTES + EXPIRY);
    }

    private int node(final int slot)
    {
        return slots.getInt(slot * SLOT_BYTES + NODE);
    }

    private int keyHash(final int slot)
    {
        return slots.getInt(slot * SLOT_BYTES + KEY_HASH);
    }

    private int offset(final int slot)
    {
        return slots.getInt(slot * SLOT_BYTES + OFFSET);
    }

    private int keyLenPlusOne(final int slot)
    {
        return slots.getShort(slot * SLOT_BYTES + KEY_LEN) & 0xFFFF;
    }

    private int recLenPlusOne(final int slot)
    {
        return slots.getShort(slot * SLOT_BYTES + REC_LEN) & 0xFFFF;
    }

    private boolean deadAt(final long hlc, final long atHorizonMs)
    {
        return HybridLogicalClock.physicalMs(hlc) + maxLifetimeMs <= atHorizonMs;
    }

    private boolean liveAt(final int slot, final long atMs)
    {
        return recLenPlusOne(slot) != 0 && expiryMs(slot) > atMs;
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
            final int keyLenPlusOne = keyLenPlusOne(s);
            if (keyLenPlusOne == 0)
            {
                return -s - 1;
            }
            if (keyLenPlusOne == key.length + 1 && keyHash(s) == hash && arenaEquals(offset(s), key))
            {
                return s;
            }
            s = (s + 1) & mask;
        }
    }

    private boolean arenaEquals(final int offset, final byte[] key)
    {
        for (int i = 0; i < key.length; i++)
        {
            if (arena.get(offset + i) != key[i])
            {
                return false;
            }
        }
        return true;
    }

    /** {@link ConnectionReplica.Entry#supersedes}, against the version in {@code slot}. */
    private boolean supersedes(final ConnectionReplica.Entry e, final int slot)
    {
        final long hlc = hlc(slot);
        if (e.hlc() != hlc)
        {
            return e.hlc() > hlc;
        }
        final int node = node(slot);
        if (e.node() != node)
        {
            return e.node() > node;
        }
        final boolean heldTombstone = recLenPlusOne(slot) == 0;
        if (e.tombstone() != heldTombstone)
        {
            return e.tombstone();
        }
        final long expiryMs = expiryMs(slot);
        if (e.expiryMs() != expiryMs)
        {
            return e.expiryMs() > expiryMs;
        }
        if (e.tombstone())
        {
            return false;
        }
        // Arrays.compareUnsigned on the record bytes: first differing byte, else the longer wins.
        final byte[] record = e.record();
        final int from = offset(slot) + keyLenPlusOne(slot) - 1;
        final int heldLength = recLenPlusOne(slot) - 1;
        for (int i = 0; i < Math.min(record.length, heldLength); i++)
        {
            final int c = Integer.compare(record[i] & 0xFF, arena.get(from + i) & 0xFF);
            if (c != 0)
            {
                return c > 0;
            }
        }
        return record.length > heldLength;
    }

    private void overwrite(final int slot, final ConnectionReplica.Entry e)
    {
        final int base = slot * SLOT_BYTES;
        slots.putLong(base + HLC, e.hlc());
        slots.putLong(base + EXPIRY, e.expiryMs());
        slots.putInt(base + NODE, e.node());
        final int keyLen = keyLenPlusOne(slot) - 1;
        final int heldRecord = recLenPlusOne(slot) - 1;
        if (e.tombstone())
        {
            if (heldRecord >= 0)
            {
                garbage += heldRecord;
            }
            slots.putShort(base + REC_LEN, (short)0);
            return;
        }
        final byte[] record = e.record();
        if (heldRecord == record.length)
        {
            arena.put(offset(slot) + keyLen, record, 0, record.length);
            return;
        }
        final byte[] key = new byte[keyLen];
        // The key is still in the arena: copy it out before an append may compact the arena under it.
        arena.get(offset(slot), key, 0, keyLen);
        final int offset = append(key, record, record.length);
        slots.putInt(base + OFFSET, offset);
        // Counted after the append: a compaction inside it still copied the old bytes as the slot's.
        garbage += keyLen + Math.max(0, heldRecord);
        slots.putShort(base + REC_LEN, (short)(record.length + 1));
    }

    /** Copies key and record to the end of the arena (compacting or growing it first if needed). */
    private int append(final byte[] key, final byte[] record, final int recordLength)
    {
        final int need = key.length + recordLength;
        if (arenaEnd + need > arena.capacity())
        {
            final int live = arenaEnd - garbage;
            final long wanted = Math.max((long)arena.capacity(), 2L * (live + need));
            if (wanted > Integer.MAX_VALUE - 8)
            {
                throw new IllegalStateException("connection table bucket arena above 2 GiB (" + size + " versions)");
            }
            compact((int)wanted);
        }
        final int offset = arenaEnd;
        arena.put(offset, key, 0, key.length);
        if (recordLength > 0)
        {
            arena.put(offset + key.length, record, 0, recordLength);
        }
        arenaEnd += need;
        return offset;
    }

    /** Copies the live bytes of every slot into a fresh arena of {@code bytes}, dropping the garbage. */
    private void compact(final int bytes)
    {
        final ByteBuffer fresh = allocate(bytes);
        int end = 0;
        for (int s = 0; s <= mask; s++)
        {
            final int keyLenPlusOne = keyLenPlusOne(s);
            if (keyLenPlusOne == 0)
            {
                continue;
            }
            final int length = keyLenPlusOne - 1 + Math.max(0, recLenPlusOne(s) - 1);
            fresh.put(end, arena, offset(s), length);
            slots.putInt(s * SLOT_BYTES + OFFSET, end);
            end += length;
        }
        free(arena);
        arena = fresh;
        arenaEnd = end;
        garbage = 0;
    }

    /** Empties {@code slot} and shifts back the versions after it whose probe sequence passed over it. */
    private void remove(final int slot)
    {
        garbage += keyLenPlusOne(slot) - 1 + Math.max(0, recLenPlusOne(slot) - 1);
        size--;
        int hole = slot;
        int s = (slot + 1) & mask;
        while (keyLenPlusOne(s) != 0)
        {
            final int home = home(keyHash(s));
            // s may fill the hole when its home is not cyclically inside (hole, s].
            final boolean stays = hole <= s ? hole < home && home <= s : hole < home || home <= s;
            if (!stays)
            {
                copySlot(slots, s, slots, hole);
                hole = s;
            }
            s = (s + 1) & mask;
        }
        for (int i = 0; i < SLOT_BYTES; i += 8)
        {
            slots.putLong(hole * SLOT_BYTES + i, 0L);
        }
    }

    private static void copySlot(final ByteBuffer from, final int fromSlot, final ByteBuffer to, final int toSlot)
    {
        for (int i = 0; i < SLOT_BYTES; i += 8)
        {
            to.putLong(toSlot * SLOT_BYTES + i, from.getLong(fromSlot * SLOT_BYTES + i));
        }
    }

    private void allocateSlots(final int count)
    {
        slots = allocate(Math.multiplyExact(count, SLOT_BYTES));
        mask = count - 1;
        shift = Integer.numberOfLeadingZeros(count) + 1;
        resizeAt = (int)((long)count * loadPercent / 100);
    }

    private void rehash(final int count)
    {
        final ByteBuffer old = slots;
        final int oldCount = mask + 1;
        allocateSlots(count);
        for (int s = 0; s < oldCount; s++)
        {
            if ((old.getShort(s * SLOT_BYTES + KEY_LEN) & 0xFFFF) == 0)
            {
                continue;
            }
            int t = home(old.getInt(s * SLOT_BYTES + KEY_HASH));
            while (keyLenPlusOne(t) != 0)
            {
                t = (t + 1) & mask;
            }
            copySlot(old, s, slots, t);
        }
        free(old);
    }

    /** A new entry holding a copy of the slot's bytes; a tombstone when the slot holds one or when asked. */
    private ConnectionReplica.Entry materialize(final int slot, final boolean asTombstone)
    {
        final int offset = offset(slot);
        final int keyLen = keyLenPlusOne(slot) - 1;
        final int recordLen = recLenPlusOne(slot) - 1;
        final byte[] key = new byte[keyLen];
        arena.get(offset, key, 0, keyLen);
        byte[] record = null;
        if (recordLen >= 0 && !asTombstone)
        {
            record = new byte[recordLen];
            arena.get(offset + keyLen, record, 0, recordLen);
        }
        return new ConnectionReplica.Entry(ByteKey.wrap(key), record, hlc(slot), node(slot), expiryMs(slot));
    }

    // ------------------------------------------------------------------------------------------- memory

    /** True when replaced buffers are freed at once (else the collector's cleaner frees them later). */
    static boolean freesAtOnce()
    {
        return FREE != null;
    }

    private static ByteBuffer allocate(final int bytes)
    {
        return ByteBuffer.allocateDirect(bytes).order(ByteOrder.nativeOrder());
    }

    /**
     * Frees a direct buffer now. Left to the garbage collector, replaced buffers would wait for a collection of
     * the old generation, which this table exists to make rare, and the JDK forces a full collection when direct
     * memory runs out.
     */
    private static void free(final ByteBuffer buffer)
    {
        if (FREE == null)
        {
            return;
        }
        try
        {
            FREE.invokeExact(buffer);
        }
        catch (final Throwable t)
        {
            // Not freed now: the collector's cleaner frees it later.
        }
    }

    /** {@code sun.misc.Unsafe.invokeCleaner} (module jdk.unsupported, open to everyone), or null when absent. */
    private static MethodHandle freeHandle()
    {
        try
        {
            final Class<?> unsafeClass = Class.forName("sun.misc.Unsafe");
            final Field field = unsafeClass.getDeclaredField("theUnsafe");
            field.setAccessible(true);
            return MethodHandles.lookup()
                .findVirtual(unsafeClass, "invokeCleaner", MethodType.methodType(void.class, ByteBuffer.class))
                .bindTo(field.get(null));
        }
        catch (final ReflectiveOperationException | RuntimeException e)
        {
            return null;
        }
    }
}
