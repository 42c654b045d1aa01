package io.fleet.sync.conn;

/**
 * One connection event as the forwarding worker's event-queue drainer offers it to {@link ConnectionSync}: the
 * opaque key and record, the absolute expiry, and the few primitive attributes the sync policy decides on.
 *
 * <p>A reusable, mutable holder (fill it, offer it, fill it again): nothing is allocated per event until the
 * policy decides to replicate, when key and record are copied. Not thread-safe; one per drainer.
 */
public final class ConnectionChange
{
    /** IANA protocol numbers the policy distinguishes. */
    public static final int TCP = 6;
    public static final int UDP = 17;

    private byte[] key;
    private byte[] record;
    private long expiryMs;
    private int protocol;
    private ConnectionState state = ConnectionState.NEW;
    private boolean stateChanged;
    private boolean keepsMapping;
    private long packetsIn;
    private long packetsOut;
    private long syncedExpiryMs;

    /** The connection's key bytes (read during {@code offer}, copied if replicated). */
    public ConnectionChange key(final byte[] key)
    {
        this.key = key;
        return this;
    }

    public byte[] key()
    {
        return key;
    }

    /** The record bytes (read during {@code offer}, copied if replicated). */
    public ConnectionChange record(final byte[] record)
    {
        this.record = record;
        return this;
    }

    public byte[] record()
    {
        return record;
    }

    /** Absolute expiry of the connection in the worker's table, epoch milliseconds. */
    public ConnectionChange expiryMs(final long expiryMs)
    {
        this.expiryMs = expiryMs;
        return this;
    }

    public long expiryMs()
    {
        return expiryMs;
    }

    /** IP protocol number (6 TCP, 17 UDP, ...). */
    public ConnectionChange protocol(final int protocol)
    {
        this.protocol = protocol;
        return this;
    }

    public int protocol()
    {
        return protocol;
    }

    public ConnectionChange state(final ConnectionState state)
    {
        this.state = state;
        return this;
    }

    public ConnectionState state()
    {
        return state;
    }

    /** True when this event is a state transition (not just a timer refresh by a packet). */
    public ConnectionChange stateChanged(final boolean stateChanged)
    {
        this.stateChanged = stateChanged;
        return this;
    }

    public boolean stateChanged()
    {
        return stateChanged;
    }

    /** True for NAT and FULLNAT, whose address/port mapping is state a peer cannot recompute. */
    public ConnectionChange keepsMapping(final boolean keepsMapping)
    {
        this.keepsMapping = keepsMapping;
        return this;
    }

    public boolean keepsMapping()
    {
        return keepsMapping;
    }

    /** Packets seen from the client so far. */
    public ConnectionChange packetsIn(final long packetsIn)
    {
        this.packetsIn = packetsIn;
        return this;
    }

    public long packetsIn()
    {
        return packetsIn;
    }

    /** Packets seen from the real server so far (replies). */
    public ConnectionChange packetsOut(final long packetsOut)
    {
        this.packetsOut = packetsOut;
        return this;
    }

    public long packetsOut()
    {
        return packetsOut;
    }

    /**
     * The expiry the peers hold for this connection (what the last accepted offer returned), or 0 when it was
     * never replicated. The worker keeps it in its entry, as IPVS keeps {@code sync_endtime}.
     */
    public ConnectionChange syncedExpiryMs(final long syncedExpiryMs)
    {
        this.syncedExpiryMs = syncedExpiryMs;
        return this;
    }

    public long syncedExpiryMs()
    {
        return syncedExpiryMs;
    }
}
