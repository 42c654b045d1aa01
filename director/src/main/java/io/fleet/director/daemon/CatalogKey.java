package io.fleet.director.daemon;

import io.fleet.sync.catalog.FieldMap;
import org.apache.pekko.cluster.ddata.Key;

/**
 * The Distributed Data key of the service catalog, for the one read the catalog's own API does not offer: a
 * majority read at start, to tell a fleet whose catalog exists (a director joining it must not seed) from a fleet
 * starting for the first time. The replicator knows keys by their id only.
 */
final class CatalogKey extends Key<FieldMap>
{
    CatalogKey(final String id)
    {
        super(id);
    }
}
