package io.fleet.sync.catalog;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;

/**
 * Wire and durable-store form of a {@link FieldMap}:
 * {@code keys:varint (key:string fields:varint (field:string hlc:i64 node:i32 valueLen+1:varint value)*)*},
 * value length 0 meaning a removal. Sorted maps make it canonical.
 */
public final class FieldMapSerializer extends Serializer<FieldMap>
{
    private static final int MAX_VALUE_BYTES = 1 << 20;

    public FieldMapSerializer()
    {
        setImmutable(true);
    }

    @Override
    public void write(final Kryo kryo, final Output out, final FieldMap map)
    {
        out.writeVarInt(map.entries().size(), true);
        for (final Map.Entry<String, Map<String, FieldMap.Versioned>> e : map.entries().entrySet())
        {
            out.writeString(e.getKey());
            out.writeVarInt(e.getValue().size(), true);
            for (final Map.Entry<String, FieldMap.Versioned> f : e.getValue().entrySet())
            {
                final FieldMap.Versioned v = f.getValue();
                out.writeString(f.getKey());
                out.writeLong(v.hlc());
                out.writeInt(v.node());
                out.writeVarInt(v.value() == null ? 0 : v.value().length + 1, true);
                if (v.value() != null)
                {
                    out.writeBytes(v.value());
                }
            }
        }
    }

    @Override
    public FieldMap read(final Kryo kryo, final Input in, final Class<? extends FieldMap> type)
    {
        final int keys = in.readVarInt(true);
        final TreeMap<String, Map<String, FieldMap.Versioned>> entries = new TreeMap<>();
        for (int i = 0; i < keys; i++)
        {
            final String key = in.readString();
            final int count = in.readVarInt(true);
            final TreeMap<String, FieldMap.Versioned> fields = new TreeMap<>();
            for (int j = 0; j < count; j++)
            {
                final String field = in.readString();
                final long hlc = in.readLong();
                final int node = in.readInt();
                final int len = in.readVarInt(true);
                if (len < 0 || len > MAX_VALUE_BYTES + 1)
                {
                    throw new KryoException("corrupt field map: value length " + len);
                }
                fields.put(field, new FieldMap.Versioned(hlc, node, len == 0 ? null : in.readBytes(len - 1)));
            }
            entries.put(key, Collections.unmodifiableNavigableMap(fields));
        }
        return new FieldMap(Collections.unmodifiableNavigableMap(entries));
    }
}
