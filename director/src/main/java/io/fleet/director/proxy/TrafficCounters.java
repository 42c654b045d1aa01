package io.fleet.director.proxy;

import java.util.concurrent.atomic.LongAdder;

/**
 * What proxy mode counts for a virtual service or one of its real servers. Written by every event loop that
 * carries a connection of it, read by anyone (the admin API, tests); {@link LongAdder}s so that the event loops
 * do not contend on one cache line.
 *
 * <ul>
 *   <li>{@code connections}: for a service, client connections accepted (TCP) or sessions opened (UDP); for a
 *       real server, connections established to it (TCP) or sessions sent to it (UDP).</li>
 *   <li>{@code active}: of those, how many are open now.</li>
 *   <li>{@code bytesIn}: payload bytes from clients towards real servers; {@code bytesOut}: the other way.</li>
 *   <li>{@code connectFailures}: connects to a real server that failed (refused, timed out, unreachable).</li>
 *   <li>{@code refused} (service only): client connections closed, or datagrams dropped, because no real server
 *       was available, every attempt failed, or the UDP session limit was reached.</li>
 * </ul>
 */
public final class TrafficCounters
{
    final LongAdder connections = new LongAdder();
    final LongAdder active = new LongAdder();
    final LongAdder bytesIn = new LongAdder();
    final LongAdder bytesOut = new LongAdder();
    final LongAdder connectFailures = new LongAdder();
    final LongAdder refused = new LongAdder();

    /** {@code ipvsadm -Z}: totals back to zero; {@code active} is a gauge of what is open and stays. */
    public void zero()
    {
        connections.reset();
        bytesIn.reset();
        bytesOut.reset();
        connectFailures.reset();
        refused.reset();
    }

    public long connections()
    {
        return connections.sum();
    }

    public long active()
    {
        return active.sum();
    }

    public long bytesIn()
    {
        return bytesIn.sum();
    }

    public long bytesOut()
    {
        return bytesOut.sum();
    }

    public long connectFailures()
    {
        return connectFailures.sum();
    }

    public long refused()
    {
        return refused.sum();
    }

    @Override
    public String toString()
    {
        return "conns " + connections() + " active " + active() + " in " + bytesIn() + " B out " + bytesOut()
            + " B connect-failures " + connectFailures() + " refused " + refused();
    }
}
