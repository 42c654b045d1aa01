package io.fleet.director.control;

/**
 * Connection replication: local changes waiting to be sent ({@code backlog}), records sent and received since
 * start, and the lag between a change on a peer and its arrival here (p50, p99, milliseconds, over the last
 * minute; 0 when nothing arrived), and received records that replaced the mapping of a connection held here
 * ({@code recordsRemapped}: a client reused a 5-tuple whose old entry lingered here while a peer scheduled it anew),
 * and received FULLNAT connections that took their reply tuple (real server, local address and port) over from an
 * entry here ({@code fullnatPairsTakenOver}: the entry outlived its connection here, or directors' FULLNAT port
 * ranges overlap).
 */
public record SyncStatus(long backlog, long recordsSent, long recordsReceived, double lagP50Ms, double lagP99Ms,
    long recordsRemapped, long fullnatPairsTakenOver)
{
    public static final SyncStatus NONE = new SyncStatus(0, 0, 0, 0, 0, 0, 0);
}
