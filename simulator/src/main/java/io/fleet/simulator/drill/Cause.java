package io.fleet.simulator.drill;

import java.util.Locale;

/** Why a flow broke: the client got a reset (or ICMP unreachable) or no answer until it gave up. */
public enum Cause
{
    /** A director without the flow's state got its packets: dropped (TCP, not a SYN) or sent to another server. */
    DIRECTOR_FAILOVER,
    /** As above, but the flow was not yet replicated to any other director when the fault happened (sync lag). */
    DIRECTOR_FAILOVER_UNSYNCED,
    /** The flow's real server died. */
    RS_FAILURE,
    /** The director's connection table was full when the flow started. */
    TABLE_FULL,
    /** Nobody forwarded the flow: no director answered for the VIP, no real server, a partition, loss. */
    NO_ROUTE;

    public String label()
    {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
