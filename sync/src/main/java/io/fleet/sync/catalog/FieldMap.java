package io.fleet.sync.catalog;

import java.util.Arrays;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

import org.apache.pekko.cluster.ddata.AbstractReplicatedData;

import io.fleet.sync.serial.KryoSerializable;

/**
 * A CRDT of string keys, each holding named fields with opaque values; every field is a last-writer-wins
 * register ordered by {@code (hybrid logical clock, node id)}, so concurrent edits of the same field resolve the
 * same way on every director and edits of different fields of one entry never overwrite each other. A removed
 * field stays as a tombstone (null value) so that an older write cannot bring it back; the catalog is small
 * (services and real servers), so tombstones are kept.
 *
 * <p>Used for the service catalog (durable) and for health votes. Immutable.
 */
public final class FieldMap extends AbstractReplicatedData<FieldMap> implements KryoSerializable
{
    public static final FieldMap EMPTY = new FieldMap(Collections.emptyNavigableMap());

    private final Map<String, Map<String, Versioned>> entries;

    FieldMap(final Map<String, Map<String, Versioned>> entries)
    {
        this.entries = entries;
    }

    /** One field's value with the version that wrote it; a null value is a removal. */
    public static final class Versioned
    {
        private final long hlc;
        private final int node;
        private final byte[] value;

        public Versioned(final long hlc, final int node, final byte[] value)
        {
            this.hlc = hlc;
            this.node = node;
            this.value = value;
        }

        public long hlc()
        {
            return hlc;
        }

        public int node()
        {
            return node;
        }

        /** The value; null when the field was removed. Callers must not modify it. */
        public byte[] value()
        {
            return value;
        }

        boolean supersedes(final Versioned other)
        {
            if (hlc != other.hlc)
            {
                return hlc > other.hlc;
            }
            if (node != other.node)
            {
                return node > other.node;
            }
            // The same version twice carries the same value; compare anyway so that merge stays deterministic.
            if (value == null || other.value == null)
            {
                return value == null && other.value != null;
            }
            return Arrays.compareUnsigned(value, other.value) > 0;
        }

        @Override
        public boolean equals(final Object o)
        {
            return o instanceof Versioned v && v.hlc == hlc && v.node == node && Arrays.equals(v.value, value);
        }

        @Override
        public int hashCode()
        {
            return Long.hashCode(hlc) * 31 + node;
        }
    }

    /** This map with {@code field} of {@code key} set to {@code value} (null removes) if that version wins. */
    public FieldMap set(final String key, final String field, final byte[] value, final long hlc, final int node)
    {
        final Versioned v = new Versioned(hlc, node, value == null ? null : value.clone());
        final Versioned current = get(key, field);
        if (current != null && !v.supersedes(current))
        {
            return this;
        }
        final TreeMap<String, Map<String, Versioned>> copy = new TreeMap<>(entries);
        final TreeMap<String, Versioned> fields = new TreeMap<>(entries.getOrDefault(key, Collections.emptyMap()));
        fields.put(field, v);
        copy.put(key, Collections.unmodifiableNavigableMap(fields));
        return new FieldMap(Collections.unmodifiableNavigableMap(copy));
    }

    @Override
    public FieldMap mergeData(final FieldMap that)
    {
        if (that == this || that.entries.isEmpty())
        {
            return this;
        }
        final TreeMap<String, Map<String, Versioned>> merged = new TreeMap<>(entries);
        boolean changed = false;
        for (final Map.Entry<String, Map<String, Versioned>> e : that.entries.entrySet())
        {
            final Map<String, Versioned> mine = entries.getOrDefault(e.getKey(), Collections.emptyMap());
            TreeMap<String, Versioned> fields = null;
            for (final Map.Entry<String, Versioned> f : e.getValue().entrySet())
            {
                final Versioned current = mine.get(f.getKey());
                if (current == null || f.getValue().supersedes(current))
                {
                    if (fields == null)
                    {
                        fields = new TreeMap<>(mine);
                    }
                    fields.put(f.getKey(), f.getValue());
                }
            }
            if (fields != null)
            {
                merged.put(e.getKey(), Collections.unmodifiableNavigableMap(fields));
                changed = true;
            }
        }
        return changed ? new FieldMap(Collections.unmodifiableNavigableMap(merged)) : this;
    }

    /** The field's current version (a removal included), or null. */
    public Versioned get(final String key, final String field)
    {
        final Map<String, Versioned> fields = entries.get(key);
        return fields == null ? null : fields.get(field);
    }

    /** The field's current value, or null when absent or removed. */
    public byte[] value(final String key, final String field)
    {
        final Versioned v = get(key, field);
        return v == null ? null : v.value;
    }

    /** Every version, removals included, sorted by key and field. */
    public Map<String, Map<String, Versioned>> entries()
    {
        return entries;
    }

    /** Live values only: removed fields and keys without live fields are left out. */
    public Map<String, Map<String, byte[]>> view()
    {
        final TreeMap<String, Map<String, byte[]>> out = new TreeMap<>();
        for (final Map.Entry<String, Map<String, Versioned>> e : entries.entrySet())
        {
            final TreeMap<String, byte[]> fields = new TreeMap<>();
            for (final Map.Entry<String, Versioned> f : e.getValue().entrySet())
            {
                if (f.getValue().value != null)
                {
                    fields.put(f.getKey(), f.getValue().value);
                }
            }
            if (!fields.isEmpty())
            {
                out.put(e.getKey(), Collections.unmodifiableMap(fields));
            }
        }
        return Collections.unmodifiableMap(out);
    }

    /** The highest clock in the map: a node's clock must move past it before it edits. */
    public long maxHlc()
    {
        long max = 0;
        for (final Map<String, Versioned> fields : entries.values())
        {
            for (final Versioned v : fields.values())
            {
                max = Math.max(max, v.hlc);
            }
        }
        return max;
    }

    @Override
    public boolean equals(final Object o)
    {
        return o instanceof FieldMap m && m.entries.equals(entries);
    }

    @Override
    public int hashCode()
    {
        return entries.hashCode();
    }

    @Override
    public String toString()
    {
        return "FieldMap" + view().keySet();
    }
}
