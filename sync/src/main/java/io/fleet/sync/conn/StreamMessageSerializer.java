package io.fleet.sync.conn;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;

/**
 * Wire form of every {@link StreamMessage} (one instance registered per record class): {@code from:i32 replyTo:string}
 * then the record's fields in order; entry runs as {@code length:varint bytes}.
 */
public final class StreamMessageSerializer extends Serializer<StreamMessage>
{
    private static final int MAX_ENTRIES_BYTES = 64 << 20;
    private static final int SEGMENTS_MAX = 64;

    public StreamMessageSerializer()
    {
        setImmutable(true);
    }

    @Override
    public void write(final Kryo kryo, final Output out, final StreamMessage m)
    {
        out.writeInt(m.from());
        out.writeString(m.replyTo());
        if (m instanceof StreamMessage.Batch b)
        {
            out.writeVarLong(b.seq(), true);
            bytes(out, b.entries());
        }
        else if (m instanceof StreamMessage.StateRequest r)
        {
            out.writeLong(r.token());
        }
        else if (m instanceof StreamMessage.Resync r)
        {
            out.writeVarLong(r.fromSeq(), true);
            out.writeLong(r.token());
        }
        else if (m instanceof StreamMessage.Chunk c)
        {
            out.writeLong(c.token());
            bytes(out, c.entries());
        }
        else if (m instanceof StreamMessage.StreamEnd e)
        {
            out.writeLong(e.token());
            out.writeVarLong(e.lastSeq(), true);
            out.writeVarInt(e.chunks(), true);
        }
        else if (m instanceof StreamMessage.Digest d)
        {
            out.writeVarLong(d.lastSeq(), true);
            out.writeVarInt(d.bucket(), true);
            out.writeLong(d.cutHlc());
            out.writeVarLong(d.horizonMs(), true);
            out.writeVarInt(d.segments().length, true);
            for (final long s : d.segments())
            {
                out.writeLong(s);
            }
        }
        else if (m instanceof StreamMessage.Repair r)
        {
            out.writeVarInt(r.bucket(), true);
            out.writeLong(r.cutHlc());
            out.writeVarLong(r.horizonMs(), true);
            out.writeLong(r.segmentMask());
            out.writeBoolean(r.answer());
            bytes(out, r.entries());
        }
        else
        {
            throw new KryoException("unknown stream message " + m.getClass().getName());
        }
    }

    @Override
    public StreamMessage read(final Kryo kryo, final Input in, final Class<? extends StreamMessage> type)
    {
        final int from = in.readInt();
        final String replyTo = in.readString();
        if (replyTo == null)
        {
            throw new KryoException("stream message without replyTo");
        }
        if (type == StreamMessage.Batch.class)
        {
            return new StreamMessage.Batch(from, replyTo, in.readVarLong(true), bytes(in));
        }
        if (type == StreamMessage.StateRequest.class)
        {
            return new StreamMessage.StateRequest(from, replyTo, in.readLong());
        }
        if (type == StreamMessage.Resync.class)
        {
            return new StreamMessage.Resync(from, replyTo, in.readVarLong(true), in.readLong());
        }
        if (type == StreamMessage.Chunk.class)
        {
            return new StreamMessage.Chunk(from, replyTo, in.readLong(), bytes(in));
        }
        if (type == StreamMessage.StreamEnd.class)
        {
            return new StreamMessage.StreamEnd(from, replyTo, in.readLong(), in.readVarLong(true), in.readVarInt(true));
        }
        if (type == StreamMessage.Digest.class)
        {
            final long lastSeq = in.readVarLong(true);
            final int bucket = in.readVarInt(true);
            final long cutHlc = in.readLong();
            final long horizonMs = in.readVarLong(true);
            final int n = in.readVarInt(true);
            if (n < 0 || n > SEGMENTS_MAX)
            {
                throw new KryoException("digest segment count " + n);
            }
            final long[] segments = new long[n];
            for (int i = 0; i < n; i++)
            {
                segments[i] = in.readLong();
            }
            return new StreamMessage.Digest(from, replyTo, lastSeq, bucket, cutHlc, horizonMs, segments);
        }
        if (type == StreamMessage.Repair.class)
        {
            return new StreamMessage.Repair(from, replyTo, in.readVarInt(true), in.readLong(), in.readVarLong(true),
                in.readLong(), in.readBoolean(), bytes(in));
        }
        throw new KryoException("unknown stream message type " + type.getName());
    }

    private static void bytes(final Output out, final byte[] bytes)
    {
        out.writeVarInt(bytes.length, true);
        out.writeBytes(bytes);
    }

    private static byte[] bytes(final Input in)
    {
        final int n = in.readVarInt(true);
        if (n < 0 || n > MAX_ENTRIES_BYTES)
        {
            throw new KryoException("entries length " + n);
        }
        return in.readBytes(n);
    }
}
