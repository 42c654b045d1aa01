package io.fleet.simulator.fabric;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
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
 * <p>Single-threaded: everything runs on the simulation thread that calls {@link #deliver}.
 */
public final class Fabric
{
    private static final long BROADCAST_BIT = 0x0100_0000_0000L;

    private record InFlight(long dueNs, int from, int to, byte[] frame)
    {
    }

    private final List<String> names = new ArrayList<>();
    private final List<FabricHost> hosts = new ArrayList<>();
    private final List<Boolean> up = new ArrayList<>();
    private final List<Integer> side = new ArrayList<>();
    private final Map<Long, Integer> macTable = new HashMap<>();
    private final ArrayDeque<InFlight> wire = new ArrayDeque<>();
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
        names.add(name);
        hosts.add(host);
        up.add(Boolean.TRUE);
        side.add(0);
        return hosts.size() - 1;
    }

    /** Replaces the host behind a port (a director restarted with the same MAC). */
    public void replace(final int port, final FabricHost host)
    {
        hosts.set(port, host);
    }

    public String name(final int port)
    {
        return names.get(port);
    }

    /** Cable in or out. */
    public void up(final int port, final boolean isUp)
    {
        up.set(port, isUp);
    }

    public boolean isUp(final int port)
    {
        return up.get(port);
    }

    /**
     * Splits the segment: hosts on different sides no longer reach each other. Ports not named stay on side 0,
     * which reaches nobody on another side either.
     */
    public void partition(final Map<Integer, Integer> sideOfPort)
    {
        for (int p = 0; p < side.size(); p++)
        {
            side.set(p, sideOfPort.getOrDefault(p, 0));
        }
    }

    /** Ends every partition. */
    public void heal()
    {
        for (int p = 0; p < side.size(); p++)
        {
            side.set(p, 0);
        }
    }

    /** A host sends a frame: the switch learns its source MAC and puts it on the wire to its destination(s). */
    public void transmit(final int from, final byte[] frame, final long nowNs)
    {
        if (!up.get(from) || frame.length < 14)
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
        final Integer to = (destination & BROADCAST_BIT) == 0 ? macTable.get(destination) : null;
        if (to != null)
        {
            send(from, to, frame, nowNs);
            return;
        }
        framesFlooded++;
        for (int p = 0; p < hosts.size(); p++)
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
        wire.add(new InFlight(nowNs + latencyNs, from, to, frame));
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
        int budget = wire.size();
        while (budget-- > 0)
        {
            final InFlight f = wire.peek();
            if (f.dueNs - nowNs > 0)
            {
                break;
            }
            wire.poll();
            if (!up.get(f.to) || !up.get(f.from))
            {
                framesDark++;
                continue;
            }
            if (!side.get(f.from).equals(side.get(f.to)))
            {
                framesPartitioned++;
                continue;
            }
            framesDelivered++;
            n++;
            hosts.get(f.to).onFrame(f.frame, nowNs);
        }
        return n;
    }

    /** Frames on the wire now. */
    public int inFlight()
    {
        return wire.size();
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
