package io.fleet.simulator.drill;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import io.fleet.director.service.InvalidServiceException;
import io.fleet.director.service.SchedulerKind;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * What a drill is run with: the size of the fleet and of the workload, the scheduler and forwarding method, sync on
 * or off, the fabric's latency and loss, and the seed every random draw derives from. A scenario file sets any of
 * them under {@code knobs}; the command line overrides the file. Every key is documented in docs/simulator.md.
 */
public final class Knobs
{
    /** Directors running at the start (the join scenario adds more). */
    public int directors = 3;
    /** Real servers behind every virtual service. */
    public int servers = 20;
    /** Flows the clients open over the run. */
    public int flows = 2_000;
    /** ipvsadm scheduler name. */
    public String scheduler = "rr";
    /** Forwarding method: dr, tun, nat or fullnat (NAT and FULLNAT replies come back through the VIP's holder). */
    public String method = "dr";
    /** Every address IPv6 (2001:db8:f1ee::/96 plus the IPv4 drill's plan in the last word) instead of IPv4. */
    public boolean ipv6;
    /** Connection sync between directors on (Fleet) or off (Keepalived without sync, the stateless baseline). */
    public boolean sync = true;
    /** Seed of the workload and of the fault moments. */
    public long seed = 1;
    /** Traffic time of the run, after the fleet has formed. */
    public long durationMs = 10_000;
    /** VIPs (one election group each; 0 means one per director). */
    public int vips;
    /** Share of flows that are UDP (the rest TCP). */
    public double udpShare = 0.2;
    /** Share of flows that last until the end of the run. */
    public double longLivedShare = 0.3;
    /** Mean duration of the other flows (exponential). */
    public long flowDurationMs = 2_000;
    /** A flow sends one data segment (or datagram) this often. */
    public long dataIntervalMs = 500;
    /** One-way fabric latency. */
    public long latencyUs = 50;
    /** Probability that the fabric loses a frame. */
    public double loss;
    /** A client gives a flow up when a segment stays unanswered this long (retransmitting meanwhile). */
    public long clientTimeoutMs = 3_000;
    /** Connection table entries per director. */
    public int tableCapacity = 1 << 20;
    /** Time from a real server's death to every director taking it out (the health checks' quorum). */
    public long healthDelayMs = 1_000;

    public Knobs copy()
    {
        final Knobs k = new Knobs();
        k.directors = directors;
        k.servers = servers;
        k.flows = flows;
        k.scheduler = scheduler;
        k.method = method;
        k.ipv6 = ipv6;
        k.sync = sync;
        k.seed = seed;
        k.durationMs = durationMs;
        k.vips = vips;
        k.udpShare = udpShare;
        k.longLivedShare = longLivedShare;
        k.flowDurationMs = flowDurationMs;
        k.dataIntervalMs = dataIntervalMs;
        k.latencyUs = latencyUs;
        k.loss = loss;
        k.clientTimeoutMs = clientTimeoutMs;
        k.tableCapacity = tableCapacity;
        k.healthDelayMs = healthDelayMs;
        return k;
    }

    /** VIPs in use (FULLNAT: one, see {@link #validate}). */
    public int vipCount()
    {
        return vips > 0 ? vips : fullnat() ? 1 : directors;
    }

    /** The method as the core names it: dr, tun, nat or fullnat. */
    public String methodName()
    {
        return method.toLowerCase(Locale.ROOT);
    }

    boolean fullnat()
    {
        return methodName().equals("fullnat");
    }

    /** Sets every key present in {@code c} (a scenario's knobs block); errors name the key and its line. */
    public Knobs apply(final Config c, final String where)
    {
        try
        {
            directors = c.hasPath("directors") ? c.getInt("directors") : directors;
            servers = c.hasPath("servers") ? c.getInt("servers") : servers;
            flows = c.hasPath("flows") ? c.getInt("flows") : flows;
            scheduler = c.hasPath("scheduler") ? c.getString("scheduler") : scheduler;
            method = c.hasPath("method") ? c.getString("method") : method;
            ipv6 = c.hasPath("ipv6") ? c.getBoolean("ipv6") : ipv6;
            sync = c.hasPath("sync") ? c.getBoolean("sync") : sync;
            seed = c.hasPath("seed") ? c.getLong("seed") : seed;
            durationMs = c.hasPath("duration") ? c.getDuration("duration", TimeUnit.MILLISECONDS) : durationMs;
            vips = c.hasPath("vips") ? c.getInt("vips") : vips;
            udpShare = c.hasPath("udp-share") ? c.getDouble("udp-share") : udpShare;
            longLivedShare = c.hasPath("long-lived-share") ? c.getDouble("long-lived-share") : longLivedShare;
            flowDurationMs = c.hasPath("flow-duration") ? c.getDuration("flow-duration", TimeUnit.MILLISECONDS) : flowDurationMs;
            dataIntervalMs = c.hasPath("data-interval") ? c.getDuration("data-interval", TimeUnit.MILLISECONDS) : dataIntervalMs;
            latencyUs = c.hasPath("latency") ? c.getDuration("latency", TimeUnit.MICROSECONDS) : latencyUs;
            loss = c.hasPath("loss") ? c.getDouble("loss") : loss;
            clientTimeoutMs = c.hasPath("client-timeout") ? c.getDuration("client-timeout", TimeUnit.MILLISECONDS) : clientTimeoutMs;
            tableCapacity = c.hasPath("table-capacity") ? c.getInt("table-capacity") : tableCapacity;
            healthDelayMs = c.hasPath("health-delay") ? c.getDuration("health-delay", TimeUnit.MILLISECONDS) : healthDelayMs;
        }
        catch (final ConfigException ex)
        {
            throw new DrillException(where + ": " + ex.getMessage());
        }
        return this;
    }

    /**
     * Checks every knob.
     *
     * @throws DrillException listing every problem.
     */
    public Knobs validate()
    {
        final List<String> problems = new ArrayList<>();
        range(problems, "directors", directors, 1, 32);
        range(problems, "servers", servers, 1, 5_000);
        range(problems, "flows", flows, 1, 2_000_000);
        range(problems, "vips", vips, 0, 64);
        range(problems, "table-capacity", tableCapacity, 16, 1 << 24);
        try
        {
            SchedulerKind.parse("scheduler", scheduler);
        }
        catch (final InvalidServiceException ex)
        {
            problems.add(ex.getMessage());
        }
        final String m = methodName();
        if (!m.equals("dr") && !m.equals("tun") && !m.equals("nat") && !m.equals("fullnat"))
        {
            problems.add("method: '" + method + "' is not one of dr, tun, nat, fullnat");
        }
        if (m.equals("fullnat") && vips > 1)
        {
            // The core draws FULLNAT source addresses from one pool for all services: a flow of one VIP could get
            // the local address another director holds, and its replies would go there.
            problems.add("vips: " + vips + " with method fullnat; FULLNAT runs with one VIP group (the forwarding core's "
                + "local-address pool is shared by every service, so replies would reach another group's holder)");
        }
        share(problems, "udp-share", udpShare);
        share(problems, "long-lived-share", longLivedShare);
        if (loss < 0 || loss >= 0.5)
        {
            problems.add("loss: " + loss + " is not in [0, 0.5)");
        }
        positive(problems, "duration", durationMs);
        positive(problems, "flow-duration", flowDurationMs);
        positive(problems, "data-interval", dataIntervalMs);
        positive(problems, "client-timeout", clientTimeoutMs);
        if (latencyUs < 0 || latencyUs > 1_000_000)
        {
            problems.add("latency: " + latencyUs + " us is not in [0, 1 s]");
        }
        if (healthDelayMs < 0)
        {
            problems.add("health-delay: negative");
        }
        if (!problems.isEmpty())
        {
            throw new DrillException(String.join("; ", problems));
        }
        return this;
    }

    private static void range(final List<String> problems, final String name, final long v, final long min, final long max)
    {
        if (v < min || v > max)
        {
            problems.add(name + ": " + v + " is not in [" + min + ", " + max + "]");
        }
    }

    private static void share(final List<String> problems, final String name, final double v)
    {
        if (v < 0 || v > 1)
        {
            problems.add(name + ": " + v + " is not in [0, 1]");
        }
    }

    private static void positive(final List<String> problems, final String name, final long v)
    {
        if (v <= 0)
        {
            problems.add(name + ": must be positive, got " + v + " ms");
        }
    }

    @Override
    public String toString()
    {
        return "directors=" + directors + " servers=" + servers + " flows=" + flows + " scheduler=" + scheduler
            + " method=" + method + (ipv6 ? " ipv6" : "") + " sync=" + (sync ? "on" : "off") + " seed=" + seed + " duration=" + durationMs + "ms";
    }
}
