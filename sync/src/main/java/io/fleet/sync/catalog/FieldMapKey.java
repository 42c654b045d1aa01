package io.fleet.sync.catalog;

import org.apache.pekko.cluster.ddata.Key;

/** A Distributed Data key holding a {@link FieldMap}. */
final class FieldMapKey extends Key<FieldMap>
{
    private FieldMapKey(final String id)
    {
        super(id);
    }

    static FieldMapKey of(final String id)
    {
        return new FieldMapKey(id);
    }
}
