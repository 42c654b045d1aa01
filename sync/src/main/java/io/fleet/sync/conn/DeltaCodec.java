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
        final EntryRunHeader header = EntryRunHeader.of(entries, from, to);
        header.write(out);
        long previousHlc = entries[from].hlc();
        long previousExpiryMs = entries[from].expiryMs();
        out.writeVarLong(previousHlc, true);
        out.writeVarLong(previousExpiryMs, false);
        for (int i = from; i < to; i++)
        {
            final ConnectionReplica.Entry e = entries[i];
            header.writeNode(out, e.node());
            out.writeVarLong(e.hlc() - previousHlc, false);
            out.writeVarLong(e.expiryMs() - previousExpiryMs, false);
            previousHlc = e.hlc();
            previousExpiryMs = e.expiryMs();
            header.writeKeyAndRecord(out, e);
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
        final EntryRunHeader header = EntryRunHeader.read(in, count);
        long hlc = in.readVarLong(true);
        long expiryMs = in.readVarLong(false);
        // Grow as entries really arrive: a forged count must not make us allocate.
        ConnectionReplica.Entry[] entries = new ConnectionReplica.Entry[Math.min(count, 1024)];
        for (int i = 0; i < count; i++)
        {
            final int node = header.readNode(in);
            hlc += in.readVarLong(false);
            expiryMs += in.readVarLong(false);
            final ByteKey key = header.readKey(in);
            final byte[] record = header.readRecord(in);
            if (i == entries.length)
            {
                entries = Arrays.copyOf(entries, Math.min(count, entries.length * 2));
            }
            entries[i] = new ConnectionReplica.Entry(key, record, hlc, node, expiryMs);
        }
        if (in.position() != in.limit())
        {
            throw new KryoException((in.limit() - in.position()) + " trailing bytes");
        }
        return entries;
    }
}
