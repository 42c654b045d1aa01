package io.fleet.simulator.drill;

import java.util.Arrays;
import java.util.Comparator;
import java.util.SplittableRandom;

/**
 * The clients' flows for a seed: Poisson arrivals over the first 80% of the run, exponential durations (a share of
 * flows lasts to the end), UDP or TCP, spread over the VIPs. Client addresses come from 100.64.0.0/10, sixteen
 * flows per address, so a reply's address and port give the flow's index back without a map.
 */
public final class Workload
{
    static final int CLIENT_BASE = 0x6440_0001;
    static final int PORT_BASE = 20_000;
    private static final int FLOWS_PER_ADDRESS = 16;
    private static final int PORTS_PER_FLOW_SLOT = 2_048;

    private final Flow[] flows;
    private final long fingerprint;

    private Workload(final Flow[] flows, final long fingerprint)
    {
        this.flows = flows;
        this.fingerprint = fingerprint;
    }

    /** The workload of these knobs (directors, servers and scheduler do not change it). */
    public static Workload of(final Knobs k)
    {
        final SplittableRandom random = new SplittableRandom(k.seed);
        final Flow[] flows = new Flow[k.flows];
        final double spanMs = k.durationMs * 0.8;
        final double meanGapMs = spanMs / k.flows;
        double t = 0;
        long h = 1469598103934665603L;
        for (int i = 0; i < k.flows; i++)
        {
            t += -Math.log(1 - random.nextDouble()) * meanGapMs;
            final long start = Math.min((long)t, k.durationMs - 1);
            final boolean udp = random.nextDouble() < k.udpShare;
            final boolean longLived = random.nextDouble() < k.longLivedShare;
            final long length = longLived ? Long.MAX_VALUE / 4
                : Math.max(1, (long)(-Math.log(1 - random.nextDouble()) * k.flowDurationMs));
            final long end = Math.min(k.durationMs, start + length);
            final int vip = random.nextInt(k.vipCount());
            final int ip = CLIENT_BASE + i / FLOWS_PER_ADDRESS;
            final int port = PORT_BASE + (i % FLOWS_PER_ADDRESS) * PORTS_PER_FLOW_SLOT + random.nextInt(PORTS_PER_FLOW_SLOT);
            flows[i] = new Flow(i, udp, vip, ip, port, start, end);
            for (final long v : new long[] {start, end, udp ? 1 : 0, vip, ip, port})
            {
                h = (h ^ v) * 1099511628211L;
            }
        }
        Arrays.sort(flows, Comparator.comparingLong((Flow f) -> f.startMs));
        return new Workload(flows, h);
    }

    /** Index of the flow with this client address and port, or -1. */
    int indexOf(final int clientIp, final int clientPort)
    {
        final long slot = (clientIp - CLIENT_BASE) & 0xFFFF_FFFFL;
        final int port = clientPort - PORT_BASE;
        if (port < 0 || port >= FLOWS_PER_ADDRESS * PORTS_PER_FLOW_SLOT)
        {
            return -1;
        }
        final long index = slot * FLOWS_PER_ADDRESS + port / PORTS_PER_FLOW_SLOT;
        return index < byIndex().length ? (int)index : -1;
    }

    private Flow[] byIndex;

    /** Flows by index (the array is shared). */
    Flow[] byIndex()
    {
        if (byIndex == null)
        {
            byIndex = new Flow[flows.length];
            for (final Flow f : flows)
            {
                byIndex[f.index] = f;
            }
        }
        return byIndex;
    }

    /** Flows by start time (the array is shared). */
    Flow[] byStart()
    {
        return flows;
    }

    public int size()
    {
        return flows.length;
    }

    /** A hash of every flow's draws: equal for equal seeds and knobs. */
    public long fingerprint()
    {
        return fingerprint;
    }
}
