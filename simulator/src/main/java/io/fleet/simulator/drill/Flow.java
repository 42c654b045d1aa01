package io.fleet.simulator.drill;

/**
 * One client flow: what the workload drew for it (protocol, VIP, client address and port, start, end) and what
 * happened to it. Touched only by the simulation thread.
 */
final class Flow
{
    static final int PENDING = 0;
    static final int OPENING = 1;
    static final int ESTABLISHED = 2;
    static final int CLOSING = 3;
    static final int DONE = 4;
    static final int BROKEN = 5;

    final int index;
    final boolean udp;
    final int vip;
    final int clientIp;
    final int clientPort;
    final long startMs;
    final long endMs;

    int state = PENDING;
    /** Sequence number of the segment in flight (0 = SYN / first datagram). */
    int seq;
    /** A segment is out and unanswered. */
    boolean awaiting;
    int retries;
    long sentNs;
    long firstSentNs;
    long nextNs;
    /** The timer value last acted on (the wheel may hold stale entries). */
    long firedNs = Long.MIN_VALUE;
    /** Real server that got the flow's first packet (ground truth, written by the server farm). */
    int rs = -1;
    /** Director that forwarded the flow's first packet. */
    int director = -1;
    /** Last verdict a director dropped one of this flow's packets with (ordinal), or -1. */
    int lastDrop = -1;
    /** The flow was in no other live director's table at the last director fault (sync on only). */
    boolean unsyncedAtFault;
    long establishedNs;
    Cause cause;
    long brokenNs;

    Flow(final int index, final boolean udp, final int vip, final int clientIp, final int clientPort, final long startMs,
        final long endMs)
    {
        this.index = index;
        this.udp = udp;
        this.vip = vip;
        this.clientIp = clientIp;
        this.clientPort = clientPort;
        this.startMs = startMs;
        this.endMs = endMs;
    }

    boolean active()
    {
        return state == OPENING || state == ESTABLISHED || state == CLOSING;
    }
}
