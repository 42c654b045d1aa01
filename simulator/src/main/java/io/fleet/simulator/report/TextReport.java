package io.fleet.simulator.report;

import io.fleet.simulator.drill.Cause;
import io.fleet.simulator.drill.DrillResult;

import java.util.List;
import java.util.Locale;

/** The end-of-run table: one column per run (sync on / off side by side with --compare). */
public final class TextReport
{
    private TextReport()
    {
    }

    public static String of(final List<DrillResult> runs)
    {
        final StringBuilder sb = new StringBuilder();
        final DrillResult first = runs.get(0);
        sb.append("scenario ").append(first.scenario).append(": ").append(first.description).append('\n');
        sb.append(first.knobs.toString().replaceAll(" sync=\\S+", "")).append(String.format(Locale.ROOT,
            ", workload %016x%n", first.workloadFingerprint));
        for (final DrillResult r : runs)
        {
            for (final DrillResult.FaultRecord f : r.faults)
            {
                sb.append(String.format(Locale.ROOT, "  [sync %s] %-16s due %6d ms, done %6d ms  %s%n", r.knobs.sync ? "on " : "off",
                    f.label(), f.dueMs(), f.atMs(), f.detail()));
            }
        }
        sb.append('\n');
        row(sb, "", runs, r -> "sync " + (r.knobs.sync ? "on" : "off"));
        row(sb, "flows opened", runs, r -> Long.toString(r.opened));
        row(sb, "flows completed", runs, r -> Long.toString(r.completed));
        row(sb, "flows broken", runs, r -> Long.toString(r.broken));
        for (final Cause c : Cause.values())
        {
            row(sb, "  by " + c.label(), runs, r -> Long.toString(r.broken(c)));
        }
        row(sb, "flows unfinished", runs, r -> Long.toString(r.unfinished));
        row(sb, "takeover max (ms)", runs, r -> r.takeovers.isEmpty() ? "-" : String.format(Locale.ROOT, "%.0f", r.takeoverMaxMs()));
        row(sb, "takeovers (ms)", runs, r ->
        {
            final StringBuilder t = new StringBuilder();
            r.takeovers.forEach(x -> t.append(t.length() == 0 ? "" : " ").append(x.ms()));
            return t.length() == 0 ? "-" : t.toString();
        });
        row(sb, "VIP moves", runs, r ->
        {
            final StringBuilder t = new StringBuilder();
            r.vipMoves.forEach(m -> t.append(t.length() == 0 ? "" : " ").append(m.director()).append('@').append(m.tMs()));
            return t.length() == 0 ? "-" : t.toString();
        });
        row(sb, "dual VIP hold max (ms)", runs, r -> String.format(Locale.ROOT, "%.0f", r.dualHoldMaxMs));
        row(sb, "  after heal (ms)", runs, r -> r.dualHoldAfterHealMaxMs < 0 ? "-" : String.format(Locale.ROOT, "%.0f", r.dualHoldAfterHealMaxMs));
        row(sb, "sync lag p50 (ms)", runs, r -> lag(r.syncLagP50Ms));
        row(sb, "sync lag p99 (ms)", runs, r -> lag(r.syncLagP99Ms));
        row(sb, "sync lag samples", runs, r -> r.syncLagSamples + (r.syncLagMissing > 0 ? " (" + r.syncLagMissing + " missing)" : ""));
        row(sb, "RS load max/mean", runs, r -> String.format(Locale.ROOT, "%.2f", r.loadMaxOverMean));
        row(sb, "RS load CV", runs, r -> String.format(Locale.ROOT, "%.3f", r.loadCv));
        row(sb, "new flows per director", runs, r ->
        {
            final StringBuilder t = new StringBuilder();
            r.newFlowsPerDirector.forEach((d, n) -> t.append(t.length() == 0 ? "" : " ").append(d).append('=').append(n));
            return t.toString();
        });
        row(sb, "director drops", runs, r ->
        {
            final StringBuilder t = new StringBuilder();
            r.drops.forEach((d, n) -> t.append(t.length() == 0 ? "" : " ").append(d.replace("drop_", "")).append('=').append(n));
            return t.length() == 0 ? "-" : t.toString();
        });
        row(sb, "replies not from the VIP", runs, r -> Long.toString(r.repliesNotFromVip));
        row(sb, "server next-hop misses", runs, r -> Long.toString(r.serverNextHopMisses));
        row(sb, "fabric frames", runs, r -> r.framesSent + " sent, " + r.framesLost + " lost, " + r.framesPartitioned + " cut, "
            + r.framesDark + " dark");
        row(sb, "CPU: sim thread / all (s)", runs, r -> String.format(Locale.ROOT, "%.1f / %.1f", r.simCpuMs / 1000.0,
            r.processCpuMs / 1000.0));
        row(sb, "wall time (s)", runs, r -> String.format(Locale.ROOT, "%.1f (form %.1f, stop %.1f)", r.wallMs / 1000.0,
            r.formMs / 1000.0, r.stopMs / 1000.0));
        return sb.toString();
    }

    private static String lag(final double ms)
    {
        return ms < 0 ? "-" : String.format(Locale.ROOT, "%.0f", ms);
    }

    private static void row(final StringBuilder sb, final String name, final List<DrillResult> runs,
        final java.util.function.Function<DrillResult, String> cell)
    {
        sb.append(String.format(Locale.ROOT, "%-32s", name));
        for (final DrillResult r : runs)
        {
            sb.append(String.format(Locale.ROOT, " %-28s", cell.apply(r)));
        }
        sb.append('\n');
    }
}
