package io.fleet.sync.conn;

import java.util.Arrays;

import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;

/**
 * The compact binary form of a run of connection versions, as the stream carries them: a batch of local writes,
 * a retransmission, a chunk of a state transfer or an anti-entropy repair. Clocks and expiries are deltas from the
 * previous entry, so consecutive local writes (clock +1, same lifetime) cost one byte each; writers are indexes
 * into a node table written once (none at all when one node wrote every entry, the hot path); key and record
 * lengths are written once when every entry shares them (the director's records are fixed-size).
 *
 * <pre>
 * count:varint | nodeCount:varint | nodeId:i32 * nodeCount | keyLen:varint (0 = per entry)
 * | recLen+1:varint (0 = per entry) | firstHlc:varlong | firstExpiryMs:varlong
 * per entry: [nodeIndex:varint if nodeCount > 1] hlcDelta:zigzag-varlong expiryDeltaMs:zigzag-varlong
 *            [keyLen:varint] key [recLen+1:varint, 0 = tombstone] record
 * </pre>
 *
 * For an IPv4 connection (13-byte key, 7-byte DR/NAT record) written at 100k/s an entry costs 13 + 7 + 1 (clock,
 * 3 once per millisecond) + 1 (expiry) = about 22 bytes.
 */
final class DeltaCodec
{
    private static final int MAX_FIELD_BYTES = 1 << 16;
    private static final int MAX_NODES = 1 << 12;
    private static final ConnectionReplica.Entry[] NONE = new ConnectionReplica.Entry[0];

    private DeltaCodec()
    {
    }

    /** Encodes {@code entries[from, to)} (tombstones allowed); best in version order. */
    static byte[] encode(final ConnectionReplica.Entry[] entries, final int from, final int to)
    {
        final int count = to - from;
        final Output out = new Output(32 + count * 24, -1);
        out.writeVarInt(count, true);
        if (count == 0)
        {
            return out.toBytes();
        }
        int[] nodes = new int[4];
        int nodeCount = 0;
        int keyLen = entries[from].key().length();
        int recLen = entries[from].tombstone() ? -1 : entries[from].record().length;
        for (int i = from; i < to; i++)
        {
            final ConnectionReplica.Entry e = entries[i];
            if (indexOf(nodes, nodeCount, e.node()) < 0)
            {
                if (nodeCount == nodes.length)
                {
                    nodes = Arrays.copyOf(nodes, nodeCount * 2);
                }
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
        long previousHlc = entries[from].hlc();
        long previousExpiryMs = entries[from].expiryMs();
        out.writeVarLong(previousHlc, true);
        out.writeVarLong(previousExpiryMs, false);
        for (int i = from; i < to; i++)
        {
            final ConnectionReplica.Entry e = entries[i];
            if (nodeCount > 1)
            {
                out.writeVarInt(indexOf(nodes, nodeCount, e.node()), true);
            }
            out.writeVarLong(e.hlc() - previousHlc, false);
            out.writeVarLong(e.expiryMs() - previousExpiryMs, false);
            previousHlc = e.hlc();
            previousExpiryMs = e.expiryMs();
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
        return out.toBytes();
    }

    /**
     * Decodes what {@link #encode} wrote.
     *
     * @throws IllegalArgumentException naming the field when the bytes are not a valid encoding.
     */
    static ConnectionReplica.Entry[] decode(final byte[] bytes)
    {
        try
        {
            return read(new Input(bytes));
        }
        catch (final KryoException e)
        {
            throw new IllegalArgumentException("corrupt connection delta (" + bytes.length + " bytes): " +
                e.getMessage(), e);
        }
    }

    private static ConnectionReplica.Entry[] read(final Input in)
    {
        final int count = in.readVarInt(true);
        if (count < 0)
        {
            throw new KryoException("entry count " + count);
        }
        if (count == 0)
        {
            return NONE;
        }
        final int nodeCount = checked(in.readVarInt(true), 1, MAX_NODES, "node count");
        final int[] nodes = new int[nodeCount];
        for (int i = 0; i < nodeCount; i++)
        {
            nodes[i] = in.readInt();
        }
        final int keyLen = checked(in.readVarInt(true), 0, MAX_FIELD_BYTES, "key length");
        final int recLenPlusOne = checked(in.readVarInt(true), 0, MAX_FIELD_BYTES, "record length");
        long hlc = in.readVarLong(true);
        long expiryMs = in.readVarLong(false);
        // Grow as entries really arrive: a forged count must not make us allocate.
        ConnectionReplica.Entry[] entries = new ConnectionReplica.Entry[Math.min(count, 1024)];
        for (int i = 0; i < count; i++)
        {
            final int node = nodeCount == 1 ? nodes[0] :
                nodes[checked(in.readVarInt(true), 0, nodeCount - 1, "node index")];
            hlc += in.readVarLong(false);
            expiryMs += in.readVarLong(false);
            final int kl = keyLen != 0 ? keyLen : checked(in.readVarInt(true), 1, MAX_FIELD_BYTES, "key length");
            final byte[] key = in.readBytes(kl);
            final int rl = recLenPlusOne != 0 ? recLenPlusOne :
                checked(in.readVarInt(true), 0, MAX_FIELD_BYTES, "record length");
            final byte[] record = rl == 0 ? null : in.readBytes(rl - 1);
            if (i == entries.length)
            {
                entries = Arrays.copyOf(entries, Math.min(count, entries.length * 2));
            }
            entries[i] = new ConnectionReplica.Entry(ByteKey.wrap(key), record, hlc, node, expiryMs);
        }
        if (in.position() != in.limit())
        {
            throw new KryoException((in.limit() - in.position()) + " trailing bytes");
        }
        return entries;
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

    private static int checked(final int value, final int min, final int max, final String what)
    {
        if (value < min || value > max)
        {
            throw new KryoException(what + " " + value + " outside [" + min + ", " + max + "]");
        }
        return value;
    }
}
