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

        final EntryRunHeader header = EntryRunHeader.of(entries, 0, entries.length);
        header.write(out);
        long previousPhysical = HybridLogicalClock.physicalMs(entries[0].hlc());
        out.writeVarLong(previousPhysical, true);
        for (final ConnectionReplica.Entry e : entries)
        {
            header.writeNode(out, e.node());
            final long physical = HybridLogicalClock.physicalMs(e.hlc());
            out.writeVarLong(physical - previousPhysical, true);
            out.writeVarInt(HybridLogicalClock.logical(e.hlc()), true);
            out.writeVarLong(e.expiryMs() - physical, false);
            previousPhysical = physical;
            header.writeKeyAndRecord(out, e);
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
        final EntryRunHeader header = EntryRunHeader.read(in, count);
        // Grow as entries really arrive: a forged count must not make us allocate.
        ConnectionReplica.Entry[] entries = new ConnectionReplica.Entry[Math.min(count, 1024)];
        long physical = in.readVarLong(true);
        for (int i = 0; i < count; i++)
        {
            final int node = header.readNode(in);
            physical += in.readVarLong(true);
            final int logical = in.readVarInt(true);
            final long expiryMs = physical + in.readVarLong(false);
            final ByteKey key = header.readKey(in);
            final byte[] record = header.readRecord(in);
            if (i == entries.length)
            {
                entries = java.util.Arrays.copyOf(entries, Math.min(count, entries.length * 2));
            }
            entries[i] = new ConnectionReplica.Entry(key, record, HybridLogicalClock.of(physical, logical), node, expiryMs);
        }
        return ConnectionReplica.decoded(entries, count, horizonMs, maxLifetimeMs, (flags & FRAGMENT) != 0);
    }
}
