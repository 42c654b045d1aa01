package io.fleet.sync.conn;

import java.util.Arrays;

import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;

/**
 * What the two compact forms of a run of connection versions ({@link DeltaCodec} on the stream,
 * {@link ConnectionReplicaSerializer} for a whole replica) share: a table of the writers, indexed per entry only when
 * there are several, and key and record lengths written once when every entry shares them (the director's records
 * are fixed-size). Clocks and expiries are each form's own business.
 *
 * <pre>
 * nodeCount:varint | nodeId:i32 * nodeCount | keyLen:varint (0 = per entry) | recLen+1:varint (0 = per entry)
 * per entry: [nodeIndex:varint if nodeCount > 1] ... [keyLen:varint] key [recLen+1:varint, 0 = tombstone] record
 * </pre>
 */
final class EntryRunHeader
{
    /** Longest key or record accepted on reading. */
    static final int MAX_FIELD_BYTES = 1 << 16;
    /** Most writers in one run accepted on reading. */
    static final int MAX_NODES = 1 << 12;

    private final int[] nodes;
    private final int nodeCount;
    /** Shared key length, 0 when written per entry. */
    private final int keyLen;
    /** Shared record length + 1, 0 when written per entry (tombstones always are). */
    private final int recLenPlusOne;

    private EntryRunHeader(final int[] nodes, final int nodeCount, final int keyLen, final int recLenPlusOne)
    {
        this.nodes = nodes;
        this.nodeCount = nodeCount;
        this.keyLen = keyLen;
        this.recLenPlusOne = recLenPlusOne;
    }

    /** The header of {@code entries[from, to)}, a non-empty run. */
    static EntryRunHeader of(final ConnectionReplica.Entry[] entries, final int from, final int to)
    {
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
        return new EntryRunHeader(nodes, nodeCount, keyLen, recLen + 1);
    }

    void write(final Output out)
    {
        out.writeVarInt(nodeCount, true);
        for (int i = 0; i < nodeCount; i++)
        {
            out.writeInt(nodes[i]);
        }
        out.writeVarInt(keyLen, true);
        out.writeVarInt(recLenPlusOne, true);
    }

    /** Reads a header for a run of {@code count} (> 0) entries, checking every field before it is used. */
    static EntryRunHeader read(final Input in, final int count)
    {
        final int nodeCount = checked(in.readVarInt(true), 1, Math.min(count, MAX_NODES), "node count");
        final int[] nodes = new int[nodeCount];
        for (int i = 0; i < nodeCount; i++)
        {
            nodes[i] = in.readInt();
        }
        final int keyLen = checked(in.readVarInt(true), 0, MAX_FIELD_BYTES, "key length");
        final int recLenPlusOne = checked(in.readVarInt(true), 0, MAX_FIELD_BYTES, "record length");
        return new EntryRunHeader(nodes, nodeCount, keyLen, recLenPlusOne);
    }

    /** Writes the entry's writer index, when the run has several writers. */
    void writeNode(final Output out, final int node)
    {
        if (nodeCount > 1)
        {
            out.writeVarInt(indexOf(nodes, nodeCount, node), true);
        }
    }

    int readNode(final Input in)
    {
        return nodeCount == 1 ? nodes[0] : nodes[checked(in.readVarInt(true), 0, nodeCount - 1, "node index")];
    }

    /** Writes the entry's key and record (with their lengths when not shared). */
    void writeKeyAndRecord(final Output out, final ConnectionReplica.Entry e)
    {
        if (keyLen == 0)
        {
            out.writeVarInt(e.key().length(), true);
        }
        out.writeBytes(e.key().bytes());
        if (recLenPlusOne == 0)
        {
            out.writeVarInt(e.tombstone() ? 0 : e.record().length + 1, true);
        }
        if (!e.tombstone())
        {
            out.writeBytes(e.record());
        }
    }

    ByteKey readKey(final Input in)
    {
        final int length = keyLen != 0 ? keyLen : checked(in.readVarInt(true), 0, MAX_FIELD_BYTES, "key length");
        return ByteKey.wrap(in.readBytes(length));
    }

    /** The record bytes, or null for a tombstone. */
    byte[] readRecord(final Input in)
    {
        final int lengthPlusOne = recLenPlusOne != 0 ? recLenPlusOne :
            checked(in.readVarInt(true), 0, MAX_FIELD_BYTES, "record length");
        return lengthPlusOne == 0 ? null : in.readBytes(lengthPlusOne - 1);
    }

    /** Writers per run are few (usually one), so a scan beats a map. */
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

    static int checked(final int value, final int min, final int max, final String what)
    {
        if (value < min || value > max)
        {
            throw new KryoException(what + " " + value + " outside [" + min + ", " + max + "]");
        }
        return value;
    }
}
