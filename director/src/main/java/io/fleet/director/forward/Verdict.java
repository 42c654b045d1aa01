package io.fleet.director.forward;

/**
 * What the forwarding core did with a frame: sent it on, answered it, or dropped it for a named reason. Each
 * verdict has a counter ({@link CoreCounters}); nothing is dropped without one (Katran's habit).
 */
public enum Verdict
{
    /** Forwarded to a real server (DR, NAT, TUN, FULLNAT) or, for NAT/FULLNAT replies, back to the client. */
    FORWARDED,
    /** Answered by the director itself: ARP reply or neighbour advertisement for a held VIP. */
    ANSWERED,
    /** An ARP or neighbour reply learned, or a frame consumed without output. */
    CONSUMED,

    DROP_MALFORMED,
    DROP_NOT_FOR_US,
    DROP_NO_SERVICE,
    DROP_NO_REAL_SERVER,
    DROP_TCP_NOT_SYN,
    DROP_TABLE_FULL,
    DROP_LOCAL_PORTS_EXHAUSTED,
    DROP_NEIGHBOUR_MISS,
    DROP_FRAGMENT_UNKNOWN,
    DROP_TOO_BIG,
    DROP_UNSUPPORTED;

    private static final Verdict[] VALUES = values();

    public static Verdict of(final int ordinal)
    {
        return VALUES[ordinal];
    }

    public boolean isDrop()
    {
        return ordinal() >= DROP_MALFORMED.ordinal();
    }
}
