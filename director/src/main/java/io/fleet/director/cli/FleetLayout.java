package io.fleet.director.cli;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The tables of Fleet's own {@code fleet adm} commands (cluster, vips, health, sync, ports, reload). */
final class FleetLayout
{
    private FleetLayout()
    {
    }

    static String cluster(final JsonNode c)
    {
        final StringBuilder sb = new StringBuilder();
        sb.append("Fleet cluster as seen by ").append(c.get("self").asText())
            .append(" (election transitions here: ").append(c.get("electionTransitions").asLong()).append(")\n");
        sb.append(String.format(Locale.ROOT, "%-28s %-10s %-9s %s%n", "Member", "Status", "Reachable", "Roles"));
        for (final JsonNode m : c.get("members"))
        {
            final List<String> roles = new ArrayList<>();
            m.get("roles").forEach(r -> roles.add(r.asText()));
            sb.append(String.format(Locale.ROOT, "%-28s %-10s %-9s %s%n", m.get("address").asText(), m.get("status").asText(),
                m.get("reachable").asBoolean() ? "yes" : "no", String.join(",", roles)));
        }
        return nl(sb);
    }

    static String vips(final JsonNode v)
    {
        final StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%-16s %-40s %-28s %s%n", "Group", "VIP", "Holder", "Role here"));
        for (final JsonNode g : v.get("groups"))
        {
            for (final JsonNode a : g.get("addresses"))
            {
                sb.append(String.format(Locale.ROOT, "%-16s %-40s %-28s %s%n", g.get("group").asText(), a.asText(),
                    g.get("holder").isNull() ? "-" : g.get("holder").asText(), g.get("role").asText()));
            }
        }
        final List<String> held = new ArrayList<>();
        v.get("held").forEach(h -> held.add(h.asText()));
        sb.append("Held here: ").append(held.isEmpty() ? "none" : String.join(" ", held)).append('\n');
        return nl(sb);
    }

    static String health(final JsonNode list)
    {
        final StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%-30s %-30s %-10s %-6s %-8s %-9s %s%n", "Service", "Real server", "Checker",
            "Here", "Votes up", "Quorum", "Verdict"));
        for (final JsonNode h : list)
        {
            int up = 0;
            int all = 0;
            for (final JsonNode vote : h.get("votes"))
            {
                all++;
                up += vote.asBoolean() ? 1 : 0;
            }
            sb.append(String.format(Locale.ROOT, "%-30s %-30s %-10s %-6s %-8s %-9s %s%n", h.get("service").asText(),
                h.get("realServer").asText(), h.get("checker").asText(), h.get("localUp").asBoolean() ? "up" : "down",
                up + "/" + all, h.get("quorum").asText(), h.get("verdict").asBoolean() ? "up" : "down"));
        }
        return nl(sb);
    }

    static String sync(final JsonNode s)
    {
        return String.format(Locale.ROOT, "Connection sync: backlog %d, sent %d, received %d, lag p50 %.1f ms, p99 %.1f ms%n",
            s.get("backlog").asLong(), s.get("recordsSent").asLong(), s.get("recordsReceived").asLong(),
            s.get("lagP50Ms").asDouble(), s.get("lagP99Ms").asDouble()).replace("\r\n", "\n");
    }

    static String ports(final JsonNode list)
    {
        final StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%-16s %-8s %12s %12s  %s%n", "Port", "Kind", "FramesIn", "FramesOut", "Drops"));
        for (final JsonNode p : list)
        {
            final List<String> drops = new ArrayList<>();
            p.get("drops").fields().forEachRemaining(e -> drops.add(e.getKey() + "=" + e.getValue().asLong()));
            sb.append(String.format(Locale.ROOT, "%-16s %-8s %12d %12d  %s%n", p.get("name").asText(), p.get("kind").asText(),
                p.get("framesIn").asLong(), p.get("framesOut").asLong(), drops.isEmpty() ? "-" : String.join(" ", drops)));
        }
        return nl(sb);
    }

    static String reload(final JsonNode r)
    {
        final StringBuilder sb = new StringBuilder("Reload applied:");
        r.get("changes").forEach(c -> sb.append(' ').append(c.asText()).append(';'));
        sb.setLength(sb.length() - (sb.charAt(sb.length() - 1) == ';' ? 1 : 0));
        return sb.append('\n').toString();
    }

    private static String nl(final StringBuilder sb)
    {
        return sb.toString().replace("\r\n", "\n");
    }
}
