package io.fleet.simulator.cli;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import io.fleet.simulator.drill.Drill;
import io.fleet.simulator.drill.DrillException;
import io.fleet.simulator.drill.DrillResult;
import io.fleet.simulator.drill.Knobs;
import io.fleet.simulator.drill.Scenario;
import io.fleet.simulator.report.HtmlReport;
import io.fleet.simulator.report.JsonReport;
import io.fleet.simulator.report.TextReport;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/**
 * {@code fleet sim drill}: a failover drill on a simulated fleet running Fleet's real forwarding core, sync and
 * election on a virtual L2 fabric; prints a table of the figures, optionally writes them as JSON and as a
 * self-contained HTML report with charts.
 */
@Command(
    name = "drill",
    mixinStandardHelpOptions = true,
    description = {
        "Run a failover drill on a simulated fleet (real forwarding core, sync and election; virtual L2 fabric).",
        "",
        "  ./fleet sim drill --scenario kill-holder",
        "  ./fleet sim drill --scenario partition-and-rs-change --compare --html report.html",
        "  ./fleet sim drill --scenario kill-holder --method fullnat --compare",
        "  ./fleet sim drill --scenario my-drill.conf --directors 7 --servers 500 --flows 200000 --duration 40s --json out.json",
        "",
        "Built-in scenarios: kill-holder, partition, join, rolling-restart, rs-fail, weight-change, partition-and-rs-change.",
        "The cluster runs in real time: a run takes its duration plus ~5-15 s to form and stop the fleet.",
        "Every knob and figure is explained in docs/simulator.md."},
    sortOptions = false)
final class DrillCommand implements Callable<Integer>
{
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--scenario", required = true, paramLabel = "NAME|FILE", description = "A built-in scenario or a scenario file (HOCON).")
    String scenario;

    @Option(names = "--directors", paramLabel = "N", description = "Directors at the start.")
    Integer directors;

    @Option(names = "--servers", paramLabel = "N", description = "Real servers.")
    Integer servers;

    @Option(names = "--flows", paramLabel = "N", description = "Flows opened over the run.")
    Integer flows;

    @Option(names = "--scheduler", paramLabel = "NAME", description = "ipvsadm scheduler (rr wrr lc wlc sed nq mh sh ...).")
    String scheduler;

    @Option(names = "--method", paramLabel = "dr|tun|nat|fullnat", description = {"Forwarding method. NAT: each VIP group's "
        + "gateway moves with its VIP; FULLNAT: one VIP group, its local address moves with the VIP."})
    String method;

    @Option(names = "--sync", paramLabel = "on|off", description = "Connection sync between directors.")
    String sync;

    @Option(names = "--seed", paramLabel = "S", description = "Seed of the workload and the fault moments.")
    Long seed;

    @Option(names = "--duration", paramLabel = "D", description = "Traffic time, e.g. 10s.")
    String duration;

    @Option(names = "--vips", paramLabel = "N", description = "VIPs (0: one per director).")
    Integer vips;

    @Option(names = "--udp-share", paramLabel = "X", description = "Share of UDP flows, 0..1.")
    Double udpShare;

    @Option(names = "--long-lived-share", paramLabel = "X", description = "Share of flows lasting the whole run, 0..1.")
    Double longLivedShare;

    @Option(names = "--flow-duration", paramLabel = "D", description = "Mean duration of the other flows, e.g. 2s.")
    String flowDuration;

    @Option(names = "--data-interval", paramLabel = "D", description = "A flow sends a segment this often, e.g. 500ms.")
    String dataInterval;

    @Option(names = "--latency", paramLabel = "D", description = "One-way fabric latency, e.g. 50us.")
    String latency;

    @Option(names = "--loss", paramLabel = "X", description = "Probability that the fabric loses a frame.")
    Double loss;

    @Option(names = "--client-timeout", paramLabel = "D", description = "A client gives a flow up after this long unanswered.")
    String clientTimeout;

    @Option(names = "--table-capacity", paramLabel = "N", description = "Connection table entries per director.")
    Integer tableCapacity;

    @Option(names = "--health-delay", paramLabel = "D", description = "Time until a dead real server is taken out.")
    String healthDelay;

    @Option(names = "--ipv6", description = "Every address IPv6 (clients, VIPs, servers; 2001:db8:f1ee::/96).")
    Boolean ipv6;

    @Option(names = "--compare", description = "Run with sync on and with sync off; both in one table and report.")
    boolean compare;

    @Option(names = "--json", paramLabel = "FILE", description = "Write the figures as JSON.")
    Path json;

    @Option(names = "--html", paramLabel = "FILE", description = "Write a self-contained HTML report with charts.")
    Path html;

    @Option(names = "--quiet", description = "No progress bar.")
    boolean quiet;

    @Override
    public Integer call()
    {
        final PrintWriter out = spec.commandLine().getOut();
        final PrintWriter err = spec.commandLine().getErr();
        final Scenario s;
        final Knobs knobs;
        try
        {
            s = Scenario.load(scenario);
            knobs = s.knobs(new Knobs()).apply(overrides(), "command line").validate();
        }
        catch (final DrillException ex)
        {
            err.println("fleet sim drill: " + ex.getMessage());
            return SimMain.EXIT_USAGE;
        }
        Quiet.logs();
        final List<DrillResult> runs = new ArrayList<>();
        final List<Knobs> plan = new ArrayList<>();
        plan.add(knobs);
        if (compare)
        {
            final Knobs other = knobs.copy();
            other.sync = !knobs.sync;
            plan.add(other);
        }
        Path work = null;
        try
        {
            work = Files.createTempDirectory("fleet-sim-");
            for (int i = 0; i < plan.size(); i++)
            {
                final Knobs k = plan.get(i);
                final String run = plan.size() > 1 ? "[" + (i + 1) + "/" + plan.size() + " sync " + (k.sync ? "on" : "off") + "] " : "";
                runs.add(Drill.run(s, k, work.resolve("run" + i), progress(err, run)));
                if (!quiet)
                {
                    err.print("\r\033[K");
                    err.flush();
                }
            }
        }
        catch (final DrillException ex)
        {
            err.println();
            err.println("fleet sim drill: " + ex.getMessage());
            return 1;
        }
        catch (final IOException ex)
        {
            err.println("fleet sim drill: " + ex.getMessage());
            return 1;
        }
        finally
        {
            delete(work);
        }
        out.print(TextReport.of(runs));
        out.flush();
        try
        {
            if (json != null)
            {
                Files.writeString(json, JsonReport.of(runs), StandardCharsets.UTF_8);
                out.println("JSON: " + json);
            }
            if (html != null)
            {
                Files.writeString(html, HtmlReport.of(runs), StandardCharsets.UTF_8);
                out.println("HTML report: " + html);
            }
        }
        catch (final IOException ex)
        {
            err.println("fleet sim drill: writing the report: " + ex.getMessage());
            return 1;
        }
        return 0;
    }

    private Config overrides()
    {
        final Map<String, Object> m = new LinkedHashMap<>();
        put(m, "directors", directors);
        put(m, "servers", servers);
        put(m, "flows", flows);
        put(m, "scheduler", scheduler);
        put(m, "method", method);
        put(m, "ipv6", ipv6);
        if (sync != null)
        {
            final String v = sync.toLowerCase(Locale.ROOT);
            if (!v.equals("on") && !v.equals("off"))
            {
                throw new DrillException("--sync: '" + sync + "' is not on or off");
            }
            m.put("sync", v.equals("on"));
        }
        put(m, "seed", seed);
        put(m, "duration", duration);
        put(m, "vips", vips);
        put(m, "udp-share", udpShare);
        put(m, "long-lived-share", longLivedShare);
        put(m, "flow-duration", flowDuration);
        put(m, "data-interval", dataInterval);
        put(m, "latency", latency);
        put(m, "loss", loss);
        put(m, "client-timeout", clientTimeout);
        put(m, "table-capacity", tableCapacity);
        put(m, "health-delay", healthDelay);
        Config c = ConfigFactory.empty();
        for (final Map.Entry<String, Object> e : m.entrySet())
        {
            c = c.withValue(e.getKey(), ConfigValueFactory.fromAnyRef(e.getValue(), "--" + e.getKey()));
        }
        return c;
    }

    private static void put(final Map<String, Object> m, final String key, final Object value)
    {
        if (value != null)
        {
            m.put(key, value);
        }
    }

    private Drill.Progress progress(final PrintWriter err, final String run)
    {
        if (quiet)
        {
            return (phase, fraction, detail) -> { };
        }
        return (phase, fraction, detail) ->
        {
            final int width = 30;
            final int filled = (int)Math.round(fraction * width);
            err.print("\r\033[K" + run + "[" + "#".repeat(filled) + ".".repeat(width - filled) + "] "
                + String.format(Locale.ROOT, "%3.0f%% %-9s %s", fraction * 100, phase, detail));
            err.flush();
        };
    }

    private static void delete(final Path dir)
    {
        if (dir == null)
        {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir))
        {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
        catch (final IOException ex)
        {
            // a temp directory left behind is not worth failing the drill for
        }
    }
}
