package io.fleet.sync.catalog;

import java.util.Map;

/**
 * The director's check of a catalog edit, run before the edit is replicated, against the latest state of the
 * catalog on this node (so an edit that would, for example, add a real server to a service another director
 * just deleted is refused). Runs on the replicator's thread: it must be fast and must not block.
 */
@FunctionalInterface
public interface CatalogValidator
{
    /** Accepts everything. */
    CatalogValidator ACCEPT_ALL = (key, field, value, current) -> null;

    /**
     * @param key     the entry key (for example a service id).
     * @param field   the field being set.
     * @param value   the new value, or null for a removal.
     * @param current the catalog's live entries as they are now.
     * @return null to accept, or the reason for refusing.
     */
    String validate(String key, String field, byte[] value, Map<String, Map<String, byte[]>> current);
}
