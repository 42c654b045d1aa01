package io.fleet.sync.conn;

/**
 * Where remote connection changes go: the forwarding worker's command queue implements it, so the worker stays
 * the only writer of its connection table. Called on the replicator's thread, one call per changed connection;
 * implementations must only enqueue (never block) and must not modify the arrays, which are shared with the
 * replica.
 */
@FunctionalInterface
public interface RemoteConnectionListener
{
    /**
     * A connection record written by another director, newer than anything this node held for the key.
     *
     * @param key      the director's key bytes.
     * @param record   the director's record bytes.
     * @param expiryMs absolute expiry, epoch milliseconds; the worker expires the entry itself.
     */
    void onRemoteRecord(byte[] key, byte[] record, long expiryMs);
}
