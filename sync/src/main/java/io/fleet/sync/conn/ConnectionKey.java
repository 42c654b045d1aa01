package io.fleet.sync.conn;

import org.apache.pekko.cluster.ddata.Key;

/** The Distributed Data key of one bucket of the connection table: {@code fleet-conn-<index>}. */
public final class ConnectionKey extends Key<ConnectionReplica>
{
    private static final String PREFIX = "fleet-conn-";

    private final int bucket;

    private ConnectionKey(final int bucket)
    {
        super(PREFIX + bucket);
        this.bucket = bucket;
    }

    public static ConnectionKey of(final int bucket)
    {
        return new ConnectionKey(bucket);
    }

    public int bucket()
    {
        return bucket;
    }
}
