package io.fleet.simulator.fabric;

import org.agrona.collections.Long2LongHashMap;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A virtual L2 segment: one learning switch with a port per host. The switch learns which port a source MAC was
 * last seen on, sends unicast frames to that port only and floods broadcast and unknown unicast, so a director
 * that takes a VIP over must announce itself (gratuitous ARP) before the clients' router sends to it, as on a
 * real switch. Every frame waits {@code latencyNs} on the wire, may be lost with probability {@code loss}, and is
 * dropped between hosts on different sides of a partition. A port that is down neither sends nor receives.
 *
 * <p>Single-threaded: everything runs on the simulation thread that calls {@link #deliver}. Frames on the wire sit
 * in a ring of primitive arrays and the MAC table is a primitive map, so that a frame costs the switch no
 * allocation: at 200,000 flows the simulation moves tens of millions of frames, and garbage made here is
 * collected in the same pauses that stall the directors' clusters.
 */
public final class Fabric
{
    private static final long BROADCAST_BIT = 0x0100_0000_0000L;

    private static final long UNKNOWN = -1;

    private final List<String> names = new ArrayList<>();
    private FabricHost[] hosts = new FabricHost[16];
    private boolean[] up = new boolean[16];
    private int[] side = new int[16];
    private int portCount;
    private final Long2LongHashMap macTable = new Long2LongHashMap(UNKNOWN);
    /** The wire: a ring of frames in send order (equal latency for all, so also in due order). */
    private long[] wireDueNs = new long[1024];
    private int[] wireFrom = new int[1024];
    private int[] wireTo = new int[1024];
    private byte[][] wireFrame = new byte[1024][];
    private int wireHead;
    private int wireSize;
    private final SplittableRandom random;
    private final long latencyNs;
    private final double loss;
    private long framesSent;
    private long framesDelivered;
    private long framesLost;
    private long framesPartitioned;
    private long framesFlooded;
    private long framesDark;

    /**
     * @param latencyNs one-way latency of every frame, in nanoseconds.
     * @param loss      probability that a frame is lost on the wire, in [0, 1).
     * @param seed      seed of the loss draws.
     */
    public Fabric(final long latencyNs, final double loss, final long seed)
    {
        if (latencyNs < 0 || loss < 0 || loss >= 1)
        {
            throw new IllegalArgumentException("fabric: latency must be >= 0 and loss in [0, 1), got " + latencyNs + " ns, " + loss);
        }
        this.latencyNs = latencyNs;
        this.loss = loss;
        this.random = new SplittableRandom(seed);
    }

    /** Plugs a host in; returns its port number. */
    public int attach(final String name, final FabricHost host)
    {
        if (portCount == hosts.length)
        {
            hosts = Arrays.copyOf(hosts, 2 * portCount);
            up = Arrays.copyOf(up, 2 * portCount);
            side = Arrays.copyOf(side, 2 * portCount);
        }
        names.add(name);
        hosts[portCount] = host;
        up[portCount] = true;
        side[portCount] = 0;
        return portCount++;
    }

    /** Replaces the host behind a port (a director restarted with the same MAC). */
    public void replace(final int port, final FabricHost host)
    {
        hosts[port] = host;
    }

    public String name(final int port)
    {
        return names.get(port);
    }

    /** Cable in or out. */
    public void up(final int port, final boolean isUp)
    {
        up[port] = isUp;
    }

    public boolean isUp(final int port)
    {
        return up[port];
    }

    /**
     * Splits the segment: hosts on different sides no longer reach each other. Ports not named stay on side 0,
     * which reaches nobody on another side either.
     */
    public void partition(final Map<Integer, Integer> sideOfPort)
    {
        for (int p = 0; p < portCount; p++)
        {
            side[p] = sideOfPort.getOrDefault(p, 0);
        }
    }

    /** Ends every partition. */
    public void heal()
    {
        Arrays.fill(side, 0);
    }

    /** A host sends a frame: the switch learns its source MAC and puts it on the wire to its destination(s). */
    public void transmit(final int from, final byte[] frame, final long nowNs)
    {
        if (!up[from] || frame.length < 14)
        {
            return;
        }
        framesSent++;
        final long destination = mac(frame, 0);
        final long source = mac(frame, 6);
        if ((source & BROADCAST_BIT) == 0)
        {
            macTable.put(source, from);
        }
        final long to = (destination & BROADCAST_BIT) == 0 ? macTable.get(destination) : UNKNOWN;
        if (to != UNKNOWN)
        {
            send(from, (int)to, frame, nowNs);
            return;
        }
        framesFlooded++;
        for (int p = 0; p < portCount; p++)
        {
            if (p != from)
            {
                // Each receiver gets its own copy: a director's core rewrites frames in place.
                send(from, p, frame.clone(), nowNs);
            }
        }
    }

    private void send(final int from, final int to, final byte[] frame, final long nowNs)
    {
        if (loss > 0 && random.nextDouble() < loss)
        {
            framesLost++;
            return;
        }
        if (wireSize == wireFrame.length)
        {
            growWire();
        }
        final int i = (wireHead + wireSize) & (wireFrame.length - 1);
        wireDueNs[i] = nowNs + latencyNs;
        wireFrom[i] = from;
        wireTo[i] = to;
        wireFrame[i] = frame;
        wireSize++;
    }

    private void growWire()
    {
        final int n = wireFrame.length;
        final long[] due = new long[2 * n];
        final int[] from = new int[2 * n];
        final int[] to = new int[2 * n];
        final byte[][] frames = new byte[2 * n][];
        for (int k = 0; k < wireSize; k++)
        {
            final int i = (wireHead + k) & (n - 1);
            due[k] = wireDueNs[i];
            from[k] = wireFrom[i];
            to[k] = wireTo[i];
            frames[k] = wireFrame[i];
        }
        wireDueNs = due;
        wireFrom = from;
        wireTo = to;
        wireFrame = frames;
        wireHead = 0;
    }

    /**
     * Hands every frame whose latency has passed to its host.
     *
     * @return frames delivered.
     */
    public int deliver(final long nowNs)
    {
        int n = 0;
        // Frames sent while delivering wait for the next call, so a chatty pair cannot starve the loop.
        int budget = wireSize;
        while (budget-- > 0)
        {
            final int i = wireHead;
            if (wireDueNs[i] - nowNs > 0)
            {
                break;
            }
            final int from = wireFrom[i];
            final int to = wireTo[i];
            final byte[] frame = wireFrame[i];
            wireFrame[i] = null;
            wireHead = (wireHead + 1) & (wireFrame.length - 1);
            wireSize--;
            if (!up[to] || !up[from])
            {
                framesDark++;
                continue;
            }
            if (side[from] != side[to])
            {
                framesPartitioned++;
                continue;
            }
            framesDelivered++;
            n++;
            hosts[to].onFrame(frame, nowNs);
        }
        return n;
    }

    /** Frames on the wire now. */
    public int inFlight()
    {
        return wireSize;
    }

    public long framesSent()
    {
        return framesSent;
    }

    public long framesDelivered()
    {
        return framesDelivered;
    }

    public long framesLost()
    {
        return framesLost;
    }

    public long framesPartitioned()
    {
        return framesPartitioned;
    }

    /** Frames sent to (or from) a port that is down: a crashed or stopped director's. */
    public long framesDark()
    {
        return framesDark;
    }

    public long framesFlooded()
    {
        return framesFlooded;
    }

    /** A MAC at {@code offset} of a frame, as a 48-bit value. */
    public static long mac(final byte[] frame, final int offset)
    {
        long m = 0;
        for (int i = 0; i < 6; i++)
        {
            m = (m << 8) | (frame[offset + i] & 0xFF);
        }
        return m;
    }
}
