package io.fleet.simulator.drill;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Every figure of one drill run, as the table, the JSON and the HTML report show them. */
public final class DrillResult
{
    /** A fault as it happened: what, when it was due and when it was carried out (ms from the start of traffic). */
    public record FaultRecord(String label, long dueMs, long atMs, String detail)
    {
    }

    /** Time from a fault to the clients' router sending a VIP's traffic to another director. */
    public record Takeover(String fault, String vip, long ms)
    {
    }

    /** The clients' router moved a VIP's traffic to a director (ARP reply or gratuitous ARP), ms from the start of traffic. */
    public record VipMove(long tMs, String vip, String director)
    {
    }

    /** One sample of the time series (ms from the start of traffic). */
    public record Sample(long tMs, int active, long opened, long completed, long broken)
    {
    }

    /** One sync-lag sample: when the flow was established, and how long until a peer director's table held it. */
    public record LagSample(long tMs, double lagMs)
    {
    }

    public String scenario;
    public String description;
    public Knobs knobs;
    public long workloadFingerprint;
    public final List<FaultRecord> faults = new ArrayList<>();
    public long opened;
    public long completed;
    public long broken;
    public long unfinished;
    public final Map<Cause, Long> brokenByCause = new EnumMap<>(Cause.class);
    /** Real servers (0-based) of the flows that broke, with how many broke on each. */
    public final Map<Integer, Long> brokenByServer = new LinkedHashMap<>();
    /** Real servers that a fault killed (0-based). */
    public final List<Integer> deadServers = new ArrayList<>();
    public final List<Takeover> takeovers = new ArrayList<>();
    public final List<VipMove> vipMoves = new ArrayList<>();
    /** Longest time any VIP was held by two directors at once, over the run and after the last heal (-1: no heal). */
    public double dualHoldMaxMs;
    public double dualHoldAfterHealMaxMs = -1;
    public double syncLagP50Ms = -1;
    public double syncLagP99Ms = -1;
    public double syncLagMaxMs = -1;
    public long syncLagSamples;
    /** Sampled flows that never showed up at a peer within 5 s. */
    public long syncLagMissing;
    /** New flows per real server (0-based), over the servers that were in service. */
    public long[] newFlowsPerServer = new long[0];
    public double loadMaxOverMean;
    public double loadCv;
    public final Map<String, Long> newFlowsPerDirector = new LinkedHashMap<>();
    public final Map<String, Long> drops = new LinkedHashMap<>();
    public final List<Sample> series = new ArrayList<>();
    public final List<LagSample> lagSeries = new ArrayList<>();
    /**
     * Answers the clients got from another source than their flow's VIP and service port: a NAT or FULLNAT reply
     * that reached the client without passing a director that translated it back. 0 when the return path works.
     */
    public long repliesNotFromVip;
    /** Replies the real servers dropped because they had no MAC yet for their next hop (NAT gateway, FULLNAT local address). */
    public long serverNextHopMisses;
    public long framesSent;
    public long framesLost;
    public long framesPartitioned;
    public long framesDark;
    public long wallMs;
    /** Time to start the fleet and settle the election, and to stop it, in ms (real time; not traffic). */
    public long formMs;
    /** CPU time of the simulation thread (fabric, cores, clients, servers) and of the whole process, in ms. */
    public long simCpuMs;
    public long processCpuMs;
    public long stopMs;
    public long trafficMs;

    public long broken(final Cause cause)
    {
        return brokenByCause.getOrDefault(cause, 0L);
    }

    /** The longest takeover, or -1 when nothing was taken over. */
    public double takeoverMaxMs()
    {
        long max = -1;
        for (final Takeover t : takeovers)
        {
            max = Math.max(max, t.ms());
        }
        return max;
    }

    public String label()
    {
        return scenario + " (sync " + (knobs.sync ? "on" : "off") + ", " + knobs.scheduler + ")";
    }
}
