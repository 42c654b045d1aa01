package io.fleet.sync.conn;

/**
 * The coarse state class of a connection, as much of the director's TCP state machine as the sync policy needs.
 * UDP and other connectionless protocols report {@link #NEW} until the worker has seen a reply, then
 * {@link #ESTABLISHED}.
 */
public enum ConnectionState
{
    /** First packet seen (TCP: SYN, LISTEN/SYN_SENT in IPVS terms). */
    NEW,
    /** TCP SYN_RECV: the director forwarded the SYN, no handshake completion yet. */
    HALF_OPEN,
    /** TCP ESTABLISHED; UDP after a reply. */
    ESTABLISHED,
    /** TCP FIN_WAIT, CLOSE_WAIT, LAST_ACK, TIME_WAIT. */
    CLOSING,
    /** TCP CLOSE (after RST or the final ACK). */
    CLOSED;

    private static final ConnectionState[] VALUES = values();

    public static ConnectionState ofOrdinal(final int ordinal)
    {
        return VALUES[ordinal];
    }
}
