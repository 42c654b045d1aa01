package io.fleet.simulator.report;

import io.fleet.simulator.drill.Cause;
import io.fleet.simulator.drill.DrillResult;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The figures of one or more runs as JSON (one object per run in {@code runs}); keys are documented in docs/simulator.md. */
public final class JsonReport
{
    private JsonReport()
    {
    }

    public static String of(final List<DrillResult> runs)
    {
        final StringBuilder sb = new StringBuilder(4096);
        sb.append("{\n  \"runs\": [");
        for (int i = 0; i < runs.size(); i++)
        {
            sb.append(i == 0 ? "\n" : ",\n");
            run(sb, runs.get(i));
        }
        sb.append("\n  ]\n}\n");
        return sb.toString();
    }

    private static void run(final StringBuilder sb, final DrillResult r)
    {
        sb.append("    {\n");
        field(sb, "scenario", r.scenario);
        field(sb, "sync", r.knobs.sync);
        sb.append("      \"knobs\": {");
        sb.append("\"directors\": ").append(r.knobs.directors).append(", \"servers\": ").append(r.knobs.servers)
            .append(", \"flows\": ").append(r.knobs.flows).append(", \"scheduler\": ").append(quote(r.knobs.scheduler))
            .append(", \"method\": ").append(quote(r.knobs.method)).append(", \"ipv6\": ").append(r.knobs.ipv6).append(", \"seed\": ").append(r.knobs.seed)
            .append(", \"duration_ms\": ").append(r.knobs.durationMs).append(", \"vips\": ").append(r.knobs.vipCount())
            .append(", \"udp_share\": ").append(num(r.knobs.udpShare)).append(", \"long_lived_share\": ")
            .append(num(r.knobs.longLivedShare)).append(", \"latency_us\": ").append(r.knobs.latencyUs)
            .append(", \"loss\": ").append(num(r.knobs.loss)).append("},\n");
        field(sb, "workload_fingerprint", Long.toHexString(r.workloadFingerprint));
        sb.append("      \"faults\": [");
        for (int i = 0; i < r.faults.size(); i++)
        {
            final DrillResult.FaultRecord f = r.faults.get(i);
            sb.append(i == 0 ? "" : ", ").append("{\"action\": ").append(quote(f.label())).append(", \"due_ms\": ").append(f.dueMs())
                .append(", \"at_ms\": ").append(f.atMs()).append(", \"detail\": ").append(quote(f.detail())).append('}');
        }
        sb.append("],\n");
        sb.append("      \"flows\": {\"opened\": ").append(r.opened).append(", \"completed\": ").append(r.completed)
            .append(", \"broken\": ").append(r.broken).append(", \"unfinished\": ").append(r.unfinished).append("},\n");
        sb.append("      \"broken_by_cause\": {");
        boolean first = true;
        for (final Cause c : Cause.values())
        {
            sb.append(first ? "" : ", ").append(quote(c.label())).append(": ").append(r.broken(c));
            first = false;
        }
        sb.append("},\n");
        sb.append("      \"takeovers\": [");
        for (int i = 0; i < r.takeovers.size(); i++)
        {
            final DrillResult.Takeover t = r.takeovers.get(i);
            sb.append(i == 0 ? "" : ", ").append("{\"fault\": ").append(quote(t.fault())).append(", \"vip\": ").append(quote(t.vip()))
                .append(", \"ms\": ").append(t.ms()).append('}');
        }
        sb.append("],\n");
        sb.append("      \"vip_moves\": [");
        for (int i = 0; i < r.vipMoves.size(); i++)
        {
            final DrillResult.VipMove m = r.vipMoves.get(i);
            sb.append(i == 0 ? "" : ", ").append("{\"t_ms\": ").append(m.tMs()).append(", \"vip\": ").append(quote(m.vip()))
                .append(", \"director\": ").append(quote(m.director())).append('}');
        }
        sb.append("],\n");
        field(sb, "replies_not_from_vip", r.repliesNotFromVip);
        field(sb, "server_next_hop_misses", r.serverNextHopMisses);
        field(sb, "dual_hold_max_ms", num(r.dualHoldMaxMs));
        field(sb, "dual_hold_after_heal_max_ms", num(r.dualHoldAfterHealMaxMs));
        sb.append("      \"sync_lag_ms\": {\"p50\": ").append(num(r.syncLagP50Ms)).append(", \"p99\": ").append(num(r.syncLagP99Ms))
            .append(", \"max\": ").append(num(r.syncLagMaxMs)).append(", \"samples\": ").append(r.syncLagSamples)
            .append(", \"missing\": ").append(r.syncLagMissing).append("},\n");
        sb.append("      \"rs_load\": {\"max_over_mean\": ").append(num(r.loadMaxOverMean)).append(", \"cv\": ").append(num(r.loadCv))
            .append(", \"new_flows\": [");
        for (int i = 0; i < r.newFlowsPerServer.length; i++)
        {
            sb.append(i == 0 ? "" : ", ").append(r.newFlowsPerServer[i]);
        }
        sb.append("]},\n");
        map(sb, "new_flows_per_director", r.newFlowsPerDirector);
        map(sb, "director_drops", r.drops);
        sb.append("      \"fabric\": {\"frames_sent\": ").append(r.framesSent).append(", \"frames_lost\": ").append(r.framesLost)
            .append(", \"frames_partitioned\": ").append(r.framesPartitioned).append(", \"frames_dark\": ").append(r.framesDark)
            .append("},\n");
        sb.append("      \"form_ms\": ").append(r.formMs).append(", \"stop_ms\": ").append(r.stopMs).append(",\n");
        sb.append("      \"sim_cpu_ms\": ").append(r.simCpuMs).append(", \"process_cpu_ms\": ").append(r.processCpuMs).append(",\n");
        sb.append("      \"series\": [");
        for (int i = 0; i < r.series.size(); i++)
        {
            final DrillResult.Sample s = r.series.get(i);
            sb.append(i == 0 ? "" : ", ").append('[').append(s.tMs()).append(", ").append(s.active()).append(", ").append(s.opened())
                .append(", ").append(s.completed()).append(", ").append(s.broken()).append(']');
        }
        sb.append("],\n");
        field(sb, "series_columns", "t_ms active opened completed broken");
        field(sb, "traffic_ms", r.trafficMs);
        sb.append("      \"wall_ms\": ").append(r.wallMs).append("\n    }");
    }

    private static void map(final StringBuilder sb, final String name, final Map<String, Long> m)
    {
        sb.append("      ").append(quote(name)).append(": {");
        boolean first = true;
        for (final Map.Entry<String, Long> e : m.entrySet())
        {
            sb.append(first ? "" : ", ").append(quote(e.getKey())).append(": ").append(e.getValue());
            first = false;
        }
        sb.append("},\n");
    }

    private static void field(final StringBuilder sb, final String name, final Object value)
    {
        sb.append("      ").append(quote(name)).append(": ")
            .append(value instanceof String s && !isNumber(s) ? quote(s) : String.valueOf(value)).append(",\n");
    }

    private static boolean isNumber(final String s)
    {
        return s.matches("-?[0-9]+(\\.[0-9]+)?");
    }

    static String num(final double v)
    {
        return String.format(Locale.ROOT, "%.2f", v);
    }

    static String quote(final String s)
    {
        final StringBuilder sb = new StringBuilder("\"");
        for (final char c : s.toCharArray())
        {
            switch (c)
            {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                default ->
                {
                    if (c < 0x20)
                    {
                        sb.append(String.format(Locale.ROOT, "\\u%04x", (int)c));
                    }
                    else
                    {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }
}
