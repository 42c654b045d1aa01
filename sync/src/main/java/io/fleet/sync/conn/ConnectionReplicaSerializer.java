package io.fleet.sync.conn;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;

/**
 * The compact wire form of a {@link ConnectionReplica} (full state or delta). Entries are written in version
 * order so that clocks are small deltas from the previous entry, writers are indexes into a node table written
 * once, expiries are offsets from the entry's own clock, and key and record lengths are written once when every
 * entry shares them (the usual case: the director's records are fixed-size). The output is canonical (equal
 * states give equal bytes), which Distributed Data's digest-based gossip relies on.
 *
 * <pre>
 * flags:u8 (bit 0 fragment) | horizonMs:varlong | maxLifetimeMs:varlong | count:varint
 * if count > 0:
 *   nodeCount:varint | nodeId:i32 * nodeCount | keyLen:varint (0 = per entry) | recLen+1:varint (0 = per entry)
 *   firstPhysicalMs:varlong
 *   per entry: [nodeIndex:varint if nodeCount > 1] physicalDeltaMs:varlong logical:varint
 *              ttlMs:zigzag-varlong [keyLen:varint] key [recLen+1:varint, 0 = tombstone] record
 * </pre>
 *
 * For an IPv4 connection (13-byte key, 7-byte DR/NAT record) an entry costs 13 + 7 + 1-2 (clock) + 3 (ttl)
 * = 24-25 bytes.
 */
public final class ConnectionReplicaSerializer extends Serializer<ConnectionReplica>
{
    private static final int FRAGMENT = 1;
    private static final int MAX_FIELD_BYTES = 1 << 16;

    public ConnectionReplicaSerializer()
    {
        setImmutable(true);
    }

    @Override
    public void write(final Kryo kryo, final Output out, final ConnectionReplica replica)
    {
        final ConnectionReplica.Entry[] entries = replica.canonicalByVersion();
        out.writeByte(replica.fragment() ? FRAGMENT : 0);
        out.writeVarLong(replica.horizonMs(), true);
        out.writeVarLong(replica.maxLifetimeMs(), true);
        out.writeVarInt(entries.length, true);
        if (entries.length == 0)
        {
            return;
        }

        final int[] nodes = new int[entries.length];
        int nodeCount = 0;
        int keyLen = entries[0].key().length();
        int recLen = entries[0].tombstone() ? -1 : entries[0].record().length;
        for (final ConnectionReplica.Entry e : entries)
        {
            if (indexOf(nodes, nodeCount, e.node()) < 0)
            {
                nodes[nodeCount++] = e.node();
            }
            if (e.key().length() != keyLen)
            {
                keyLen = 0;
            }
            if (e.tombstone() || e.record().length != recLen)
            {
                recLen = -1;
            }
        }
        out.writeVarInt(nodeCount, true);
        for (int i = 0; i < nodeCount; i++)
        {
            out.writeInt(nodes[i]);
        }
        out.writeVarInt(keyLen, true);
        out.writeVarInt(recLen + 1, true);

        long previousPhysical = HybridLogicalClock.physicalMs(entries[0].hlc());
        out.writeVarLong(previousPhysical, true);
        for (final ConnectionReplica.Entry e : entries)
        {
            if (nodeCount > 1)
            {
                out.writeVarInt(indexOf(nodes, nodeCount, e.node()), true);
            }
            final long physical = HybridLogicalClock.physicalMs(e.hlc());
            out.writeVarLong(physical - previousPhysical, true);
            out.writeVarInt(HybridLogicalClock.logical(e.hlc()), true);
            out.writeVarLong(e.expiryMs() - physical, false);
            previousPhysical = physical;
            if (keyLen == 0)
            {
                out.writeVarInt(e.key().length(), true);
            }
            out.writeBytes(e.key().bytes());
            if (recLen < 0)
            {
                out.writeVarInt(e.tombstone() ? 0 : e.record().length + 1, true);
            }
            if (!e.tombstone())
            {
                out.writeBytes(e.record());
            }
        }
    }

    @Override
    public ConnectionReplica read(final Kryo kryo, final Input in, final Class<? extends ConnectionReplica> type)
    {
        final int flags = in.readByte();
        final long horizonMs = in.readVarLong(true);
        final long maxLifetimeMs = in.readVarLong(true);
        final int count = in.readVarInt(true);
        if (maxLifetimeMs <= 0 || count < 0)
        {
            throw new KryoException("corrupt connection replica header");
        }
        if (count == 0)
        {
            return ConnectionReplica.decoded(new ConnectionReplica.Entry[0], 0, horizonMs, maxLifetimeMs,
                (flags & FRAGMENT) != 0);
        }
        final int nodeCount = checked(in.readVarInt(true), count, "node count");
        final int[] nodes = new int[nodeCount];
        for (int i = 0; i < nodeCount; i++)
        {
            nodes[i] = in.readInt();
        }
        final int keyLen = checked(in.readVarInt(true), MAX_FIELD_BYTES, "key length");
        final int recLenPlusOne = checked(in.readVarInt(true), MAX_FIELD_BYTES, "record length");

        // Grow as entries really arrive: a forged count must not make us allocate.
        ConnectionReplica.Entry[] entries = new ConnectionReplica.Entry[Math.min(count, 1024)];
        long physical = in.readVarLong(true);
        for (int i = 0; i < count; i++)
        {
            final int node = nodeCount > 1 ? nodes[checked(in.readVarInt(true), nodeCount - 1, "node index")] :
                nodes[0];
            physical += in.readVarLong(true);
            final int logical = in.readVarInt(true);
            final long expiryMs = physical + in.readVarLong(false);
            final int kl = keyLen != 0 ? keyLen : checked(in.readVarInt(true), MAX_FIELD_BYTES, "key length");
            final byte[] key = in.readBytes(kl);
            final int rl = recLenPlusOne != 0 ? recLenPlusOne :
                checked(in.readVarInt(true), MAX_FIELD_BYTES, "record length");
            final byte[] record = rl == 0 ? null : in.readBytes(rl - 1);
            if (i == entries.length)
            {
                entries = java.util.Arrays.copyOf(entries, Math.min(count, entries.length * 2));
            }
            entries[i] = new ConnectionReplica.Entry(
                ByteKey.wrap(key), record, HybridLogicalClock.of(physical, logical), node, expiryMs);
        }
        return ConnectionReplica.decoded(entries, count, horizonMs, maxLifetimeMs, (flags & FRAGMENT) != 0);
    }

    /** Writers per delta are few (usually one), so a scan beats a map. */
    private static int indexOf(final int[] nodes, final int count, final int node)
    {
        for (int i = 0; i < count; i++)
        {
            if (nodes[i] == node)
            {
                return i;
            }
        }
        return -1;
    }

    private static int checked(final int value, final int max, final String what)
    {
        if (value < 0 || value > max)
        {
            throw new KryoException("corrupt connection replica: " + what + " " + value);
        }
        return value;
    }
}
