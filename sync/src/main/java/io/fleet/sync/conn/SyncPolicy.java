package io.fleet.sync.conn;

/**
 * What is replicated and when. IPVS's sync daemon never sends half-open or one-packet flows; this policy follows
 * its useful rules and fixes those gaps:
 * <ul>
 *   <li>TCP through NAT or FULLNAT from {@link ConnectionState#HALF_OPEN} on: the port mapping is state another
 *       director cannot recompute, so a failover during the handshake would otherwise break the flow.</li>
 *   <li>TCP through DR or TUN from {@link ConnectionState#ESTABLISHED} on: before that a peer can schedule the
 *       retransmitted SYN itself.</li>
 *   <li>UDP and other protocols after the first reply or the second packet: one-packet flows (DNS queries) are
 *       not worth the traffic, any flow that goes on is.</li>
 *   <li>Once eligible: every state change, and a refresh when the expiry the peers hold has less than
 *       {@code refreshFraction} of the connection's remaining lifetime left, so long flows never expire on the
 *       peers while timer refreshes by each packet cost nothing.</li>
 * </ul>
 * Pure and allocation-free: the drainer calls it for every event.
 */
public final class SyncPolicy
{
    /** Outcome of {@link #decide}; the {@code SKIP_*} values name why nothing is sent. */
    public enum Verdict
    {
        SYNC_FIRST,
        SYNC_STATE_CHANGE,
        SYNC_REFRESH,
        SKIP_NOT_YET_ELIGIBLE,
        SKIP_UNCHANGED,
        SKIP_EXPIRED,
        /** Eligible, but the replicator's bounded queue was full: counted, the caller keeps its old synced expiry. */
        DROPPED_QUEUE_FULL;

        public boolean replicate()
        {
            return this == SYNC_FIRST || this == SYNC_STATE_CHANGE || this == SYNC_REFRESH;
        }
    }

    private final double refreshFraction;

    /** @param refreshFraction in (0, 1): refresh when the peers' copy has less than this share of the lifetime. */
    public SyncPolicy(final double refreshFraction)
    {
        if (!(refreshFraction > 0.0 && refreshFraction < 1.0))
        {
            throw new IllegalArgumentException("refreshFraction must be in (0, 1): " + refreshFraction);
        }
        this.refreshFraction = refreshFraction;
    }

    public double refreshFraction()
    {
        return refreshFraction;
    }

    public Verdict decide(final ConnectionChange change, final long nowMs)
    {
        if (change.expiryMs() - nowMs <= 0)
        {
            return Verdict.SKIP_EXPIRED;
        }
        if (!eligible(change))
        {
            return Verdict.SKIP_NOT_YET_ELIGIBLE;
        }
        if (change.syncedExpiryMs() == 0)
        {
            return Verdict.SYNC_FIRST;
        }
        if (change.stateChanged())
        {
            return Verdict.SYNC_STATE_CHANGE;
        }
        final long peersLeftMs = change.syncedExpiryMs() - nowMs;
        final long lifetimeMs = change.expiryMs() - nowMs;
        return peersLeftMs < lifetimeMs * refreshFraction ? Verdict.SYNC_REFRESH : Verdict.SKIP_UNCHANGED;
    }

    private static boolean eligible(final ConnectionChange change)
    {
        final ConnectionState state = change.state();
        if (change.protocol() == ConnectionChange.TCP)
        {
            final ConnectionState from = change.keepsMapping() ? ConnectionState.HALF_OPEN : ConnectionState.ESTABLISHED;
            return state.ordinal() >= from.ordinal();
        }
        return change.packetsOut() >= 1 || change.packetsIn() >= 2 || state.ordinal() >= ConnectionState.ESTABLISHED.ordinal();
    }
}
