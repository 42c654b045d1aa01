package io.fleet.director.forward;

import io.fleet.director.packet.ParseError;

/**
 * The forwarding core's counters: one per verdict, one per parse error, and the sync queue's. Plain longs written
 * by the worker; readers on other threads see them eventually (a snapshot for /metrics may be a few frames old).
 */
public final class CoreCounters
{
    private final long[] verdicts = new long[Verdict.values().length];
    private final long[] parseErrors = new long[ParseError.COUNT];
    private long framesIn;
    private long framesOut;
    private long syncEventsDropped;
    private long remoteRecordsApplied;
    private long remoteRecordsRejected;
    private long remoteRecordsRemapped;
    private long fullnatPairsTakenOver;
    private long connectionsReused;
    private long neighbourRequests;

    void count(final Verdict v)
    {
        verdicts[v.ordinal()]++;
    }

    void parseError(final int code)
    {
        parseErrors[code]++;
    }

    void frameIn()
    {
        framesIn++;
    }

    void frameOut()
    {
        framesOut++;
    }

    void syncEventDropped()
    {
        syncEventsDropped++;
    }

    void remoteApplied()
    {
        remoteRecordsApplied++;
    }

    void remoteRejected()
    {
        remoteRecordsRejected++;
    }

    void remoteRemapped()
    {
        remoteRecordsRemapped++;
    }

    void fullnatPairTakenOver()
    {
        fullnatPairsTakenOver++;
    }

    void connectionReused()
    {
        connectionsReused++;
    }

    void neighbourRequest()
    {
        neighbourRequests++;
    }

    public long verdict(final Verdict v)
    {
        return verdicts[v.ordinal()];
    }

    public long parseErrors(final ParseError e)
    {
        return parseErrors[e.ordinal()];
    }

    public long framesIn()
    {
        return framesIn;
    }

    public long framesOut()
    {
        return framesOut;
    }

    public long syncEventsDropped()
    {
        return syncEventsDropped;
    }

    public long remoteRecordsApplied()
    {
        return remoteRecordsApplied;
    }

    public long remoteRecordsRejected()
    {
        return remoteRecordsRejected;
    }

    /** Records that replaced a connection's mapping here (another server or FULLNAT pair): see the core's onRemote. */
    public long remoteRecordsRemapped()
    {
        return remoteRecordsRemapped;
    }

    /** Replicated FULLNAT connections whose local pair a live connection here already held (overlapping ranges). */
    public long fullnatPairsTakenOver()
    {
        return fullnatPairsTakenOver;
    }

    /** SYNs on the 5-tuple of a closing connection, scheduled afresh (IPVS's conn_reuse_mode 1). */
    public long connectionsReused()
    {
        return connectionsReused;
    }

    public long neighbourRequests()
    {
        return neighbourRequests;
    }

    /** Every non-zero counter, one "name value" per line, for reports. */
    public String report()
    {
        final StringBuilder sb = new StringBuilder();
        sb.append(String.format("%-34s %12d%n", "frames_in", framesIn));
        sb.append(String.format("%-34s %12d%n", "frames_out", framesOut));
        for (final Verdict v : Verdict.values())
        {
            if (verdicts[v.ordinal()] != 0)
            {
                sb.append(String.format("%-34s %12d%n", v.name().toLowerCase(java.util.Locale.ROOT), verdicts[v.ordinal()]));
            }
        }
        for (final ParseError e : ParseError.values())
        {
            if (parseErrors[e.ordinal()] != 0)
            {
                sb.append(String.format("%-34s %12d%n", "malformed_" + e.name().toLowerCase(java.util.Locale.ROOT),
                    parseErrors[e.ordinal()]));
            }
        }
        if (neighbourRequests != 0)
        {
            sb.append(String.format("%-34s %12d%n", "neighbour_requests_sent", neighbourRequests));
        }
        if (syncEventsDropped != 0)
        {
            sb.append(String.format("%-34s %12d%n", "sync_events_dropped", syncEventsDropped));
        }
        return sb.toString();
    }
}
