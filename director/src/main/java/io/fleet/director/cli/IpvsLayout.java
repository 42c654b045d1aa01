package io.fleet.director.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.fleet.director.service.IpAddress;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * ipvsadm's listings, column for column, from the admin API's JSON: {@code -L} and its {@code --stats},
 * {@code --rate}, {@code --thresholds}, {@code --persistent-conn} and {@code --exact} variants, {@code -L -c}, and
 * {@code -S} (ipvsadm-save). Widths, truncation and the K/M/G/T abbreviation of large numbers follow ipvsadm's
 * printf formats, so scripts that cut columns keep working. Addresses are always numeric (docs/adm.md says why).
 */
final class IpvsLayout
{
    /** The IPVS version ipvsadm prints; Fleet implements IPVS 1.2.1's semantics. */
    static final String IPVS_VERSION = "1.2.1";
    /** ipvsadm prints the kernel's connection hash size here; Fleet's table is not a fixed-size hash, so IPVS's default. */
    static final int TABLE_SIZE = 4096;

    enum Format
    {
        PLAIN, STATS, RATE, THRESHOLDS, PERSISTENT_CONN
    }

    private final StringBuilder out = new StringBuilder();
    private final boolean exact;

    private IpvsLayout(final boolean exact)
    {
        this.exact = exact;
    }

    /** The version line {@code -L} starts with, with Fleet's name and version after ipvsadm's words. */
    static String versionLine(final String fleetVersion)
    {
        return "IP Virtual Server version " + IPVS_VERSION + " (size=" + TABLE_SIZE + ") Fleet " + fleetVersion + "\n";
    }

    /** {@code -L}: the header, then every service (sorted unless {@code nosort}) with its real servers. */
    static String list(final JsonNode services, final Format format, final boolean exact, final boolean nosort,
        final boolean versionLine, final String fleetVersion)
    {
        final IpvsLayout l = new IpvsLayout(exact);
        if (versionLine)
        {
            l.out.append(versionLine(fleetVersion));
        }
        l.title(format);
        for (final JsonNode s : nosort ? asList(services) : sortedServices(services))
        {
            l.service(s, format, nosort);
        }
        return l.out.toString();
    }

    /** {@code -S}: ipvsadm-save's rules, which {@code -R} reads back. */
    static String save(final JsonNode services, final boolean nosort)
    {
        final StringBuilder sb = new StringBuilder();
        for (final JsonNode s : nosort ? asList(services) : sortedServices(services))
        {
            final String name = ruleName(s);
            sb.append("-A ").append(name).append(" -s ").append(s.get("scheduler").asText());
            if (s.get("flags").size() > 0)
            {
                sb.append(" -b ").append(joinFlags(s));
            }
            final int persistent = s.get("persistent").asInt();
            if (persistent > 0)
            {
                sb.append(" -p ").append(persistent);
                final int netmask = s.get("netmask").asInt();
                if (s.get("ipv6").asBoolean())
                {
                    if (netmask != 128)
                    {
                        sb.append(" -M ").append(netmask);
                    }
                }
                else if (netmask != 32)
                {
                    sb.append(" -M ").append(dottedMask(netmask));
                }
            }
            if (s.get("onePacket").asBoolean())
            {
                sb.append(" -o");
            }
            sb.append('\n');
            // -a puts a server at the head of the scan order, so the rules list them last first: -R then rebuilds
            // the same order (ipvsadm-save sorts them by address, and a restore reverses them).
            final List<JsonNode> servers = reversed(asList(s.get("realServers")));
            for (final JsonNode r : servers)
            {
                sb.append("-a ").append(name).append(" -r ").append(endpoint(r.get("address").asText(), r.get("port").asInt()))
                    .append(' ').append(methodSwitch(r.get("method").asText()))
                    .append(" -w ").append(r.get("weight").asInt());
                if (r.get("upperThreshold").asInt() != 0)
                {
                    sb.append(" -x ").append(r.get("upperThreshold").asInt());
                }
                if (r.get("lowerThreshold").asInt() != 0)
                {
                    sb.append(" -y ").append(r.get("lowerThreshold").asInt());
                }
                sb.append('\n');
            }
        }
        return sb.toString();
    }

    /** {@code -L -c}: the connection entries of one or more pages of {@code /v1/connections}. */
    static String connections(final List<JsonNode> entries)
    {
        final StringBuilder sb = new StringBuilder();
        sb.append("IPVS connection entries\n");
        sb.append(String.format(Locale.ROOT, "pro expire %-11s %-18s %-18s %s%n", "state", "source", "virtual", "destination"));
        for (final JsonNode c : entries)
        {
            final long expiresS = Math.max(0, c.get("expiresInMs").asLong()) / 1000;
            final String expire = String.format(Locale.ROOT, "%02d:%02d", expiresS / 60, expiresS % 60);
            sb.append(String.format(Locale.ROOT, "%-3s %-6s %-11s %-18s %-18s %s%n",
                c.get("protocol").asText().toUpperCase(Locale.ROOT), expire, c.get("state").asText(),
                endpoint(c.get("client").asText(), c.get("clientPort").asInt()),
                endpoint(c.get("vip").asText(), c.get("vport").asInt()),
                endpoint(c.get("realServer").asText(), c.get("realPort").asInt())));
        }
        return sb.toString().replace("\r\n", "\n");
    }

    // ---------------------------------------------------------------------------------------------- pieces

    private void title(final Format format)
    {
        switch (format)
        {
            case STATS:
                out.append(String.format(Locale.ROOT, "%-33s %8s %8s %8s %8s %8s%n  -> RemoteAddress:Port%n",
                    "Prot LocalAddress:Port", "Conns", "InPkts", "OutPkts", "InBytes", "OutBytes"));
                break;
            case RATE:
                out.append(String.format(Locale.ROOT, "%-33s %8s %8s %8s %8s %8s%n  -> RemoteAddress:Port%n",
                    "Prot LocalAddress:Port", "CPS", "InPPS", "OutPPS", "InBPS", "OutBPS"));
                break;
            case THRESHOLDS:
                out.append(String.format(Locale.ROOT, "%-33s %-10s %-10s %-10s %-10s%n  -> RemoteAddress:Port%n",
                    "Prot LocalAddress:Port", "Uthreshold", "Lthreshold", "ActiveConn", "InActConn"));
                break;
            case PERSISTENT_CONN:
                out.append(String.format(Locale.ROOT, "%-33s %-9s %-11s %-10s %-10s%n  -> RemoteAddress:Port%n",
                    "Prot LocalAddress:Port", "Weight", "PersistConn", "ActiveConn", "InActConn"));
                break;
            default:
                out.append("Prot LocalAddress:Port Scheduler Flags\n")
                    .append("  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n");
                break;
        }
        normalise();
    }

    private void service(final JsonNode s, final Format format, final boolean nosort)
    {
        String name = listName(s);
        final boolean ipv6 = s.get("ipv6").asBoolean();
        if (!ipv6 && !s.has("fwmark") && name.length() > 33)
        {
            name = name.substring(0, 33);
        }
        final JsonNode t = s.get("traffic");
        if (format == Format.STATS)
        {
            out.append(String.format(Locale.ROOT, "%-33s", name));
            largeNumbers(t, "connections", "packetsIn", "packetsOut", "bytesIn", "bytesOut");
        }
        else if (format == Format.RATE)
        {
            out.append(String.format(Locale.ROOT, "%-33s", name));
            largeNumbers(t, "connectionsPerSecond", "packetsInPerSecond", "packetsOutPerSecond", "bytesInPerSecond",
                "bytesOutPerSecond");
        }
        else
        {
            out.append(name).append(' ').append(s.get("scheduler").asText());
            if (s.get("flags").size() > 0)
            {
                out.append(" (").append(joinFlags(s)).append(')');
            }
            final int persistent = s.get("persistent").asInt();
            if (persistent > 0)
            {
                out.append(" persistent ").append(persistent);
                final int netmask = s.get("netmask").asInt();
                if (ipv6 && netmask != 128)
                {
                    out.append(" mask ").append(netmask);
                }
                else if (!ipv6 && netmask != 32)
                {
                    out.append(" mask ").append(dottedMask(netmask));
                }
            }
            if (s.get("onePacket").asBoolean())
            {
                out.append(" ops");
            }
        }
        out.append('\n');
        for (final JsonNode r : nosort ? asList(s.get("realServers")) : sortedServers(s.get("realServers")))
        {
            realServer(r, format, ipv6);
        }
    }

    private void realServer(final JsonNode r, final Format format, final boolean ipv6)
    {
        String name = endpoint(r.get("address").asText(), r.get("port").asInt());
        if (!ipv6 && name.length() > 28)
        {
            name = name.substring(0, 28);
        }
        final JsonNode t = r.get("traffic");
        switch (format)
        {
            case STATS:
                out.append(String.format(Locale.ROOT, "  -> %-28s", name));
                largeNumbers(t, "connections", "packetsIn", "packetsOut", "bytesIn", "bytesOut");
                out.append('\n');
                break;
            case RATE:
                out.append(String.format(Locale.ROOT, "  -> %-28s %8d %8d %8d", name, (long)t.get("connectionsPerSecond").asDouble(),
                    (long)t.get("packetsInPerSecond").asDouble(), (long)t.get("packetsOutPerSecond").asDouble()));
                largeNumbers(t, "bytesInPerSecond", "bytesOutPerSecond");
                out.append('\n');
                break;
            case THRESHOLDS:
                out.append(String.format(Locale.ROOT, "  -> %-28s %-10d %-10d %-10d %-10d%n", name,
                    r.get("upperThreshold").asLong(), r.get("lowerThreshold").asLong(),
                    r.get("activeConnections").asLong(), r.get("inactiveConnections").asLong()));
                break;
            case PERSISTENT_CONN:
                out.append(String.format(Locale.ROOT, "  -> %-28s %-9d %-11d %-10d %-10d%n", name,
                    r.get("effectiveWeight").asLong(), r.get("persistentConnections").asLong(),
                    r.get("activeConnections").asLong(), r.get("inactiveConnections").asLong()));
                break;
            default:
                out.append(String.format(Locale.ROOT, "  -> %-28s %-7s %-6d %-10d %-10d%n", name,
                    methodName(r.get("method").asText()), r.get("effectiveWeight").asLong(),
                    r.get("activeConnections").asLong(), r.get("inactiveConnections").asLong()));
                break;
        }
        normalise();
    }

    private void largeNumbers(final JsonNode t, final String... fields)
    {
        for (final String f : fields)
        {
            out.append(largeNumber((long)t.get(f).asDouble(), exact));
        }
    }

    /** ipvsadm's print_largenum: 9 columns, abbreviated with K, M, G, T unless {@code --exact}. */
    static String largeNumber(final long i, final boolean exact)
    {
        if (exact)
        {
            final int len = Long.toString(i).length();
            return String.format(Locale.ROOT, "%" + (len <= 8 ? 9 : len + 1) + "d", i);
        }
        if (i < 100_000_000L)
        {
            return String.format(Locale.ROOT, "%9d", i);
        }
        if (i < 1_000_000_000L)
        {
            return String.format(Locale.ROOT, "%8dK", i / 1_000L);
        }
        if (i < 100_000_000_000L)
        {
            return String.format(Locale.ROOT, "%8dM", i / 1_000_000L);
        }
        if (i < 100_000_000_000_000L)
        {
            return String.format(Locale.ROOT, "%8dG", i / 1_000_000_000L);
        }
        return String.format(Locale.ROOT, "%8dT", i / 1_000_000_000_000L);
    }

    private void normalise()
    {
        // String.format's %n is the platform's; ipvsadm writes \n.
        int i;
        while ((i = out.indexOf("\r\n")) >= 0)
        {
            out.replace(i, i + 2, "\n");
        }
    }

    /** {@code TCP  192.0.2.1:80}, {@code UDP  [2001:db8::1]:53}, {@code FWM  7}, {@code FWM  7 IPv6}. */
    static String listName(final JsonNode s)
    {
        if (s.has("fwmark"))
        {
            return "FWM  " + s.get("fwmark").asLong() + (s.get("ipv6").asBoolean() ? " IPv6" : "");
        }
        return s.get("protocol").asText().toUpperCase(Locale.ROOT) + "  " + endpoint(s.get("vip").asText(), s.get("port").asInt());
    }

    /** {@code -t 192.0.2.1:80}, {@code -u [2001:db8::1]:53}, {@code -f 7}, {@code -f 7 -6}. */
    static String ruleName(final JsonNode s)
    {
        if (s.has("fwmark"))
        {
            return "-f " + s.get("fwmark").asLong() + (s.get("ipv6").asBoolean() ? " -6" : "");
        }
        return ("tcp".equals(s.get("protocol").asText()) ? "-t " : "-u ") + endpoint(s.get("vip").asText(), s.get("port").asInt());
    }

    static String endpoint(final String address, final int port)
    {
        return (address.indexOf(':') >= 0 ? "[" + address + "]" : address) + ":" + port;
    }

    static String methodName(final String method)
    {
        switch (method)
        {
            case "nat": return "Masq";
            case "tun": return "Tunnel";
            case "fullnat": return "FullNat";
            default: return "Route";
        }
    }

    static String methodSwitch(final String method)
    {
        switch (method)
        {
            case "nat": return "-m";
            case "tun": return "-i";
            case "fullnat": return "--fullnat";
            default: return "-g";
        }
    }

    private static String joinFlags(final JsonNode s)
    {
        final List<String> flags = new ArrayList<>();
        s.get("flags").forEach(f -> flags.add(f.asText()));
        return String.join(",", flags);
    }

    static String dottedMask(final int prefix)
    {
        final long mask = prefix == 0 ? 0 : (0xFFFF_FFFFL << (32 - prefix)) & 0xFFFF_FFFFL;
        return ((mask >> 24) & 255) + "." + ((mask >> 16) & 255) + "." + ((mask >> 8) & 255) + "." + (mask & 255);
    }

    private static List<JsonNode> asList(final JsonNode array)
    {
        final List<JsonNode> list = new ArrayList<>();
        array.forEach(list::add);
        return list;
    }

    private static List<JsonNode> reversed(final List<JsonNode> list)
    {
        final List<JsonNode> r = new ArrayList<>(list);
        java.util.Collections.reverse(r);
        return r;
    }

    /** libipvs's order: address-port services before firewall marks, then IPv4 before IPv6, TCP before UDP, address, port. */
    static List<JsonNode> sortedServices(final JsonNode services)
    {
        final List<JsonNode> list = asList(services);
        list.sort(Comparator.<JsonNode>comparingLong(s -> s.path("fwmark").asLong(0))
            .thenComparing(s -> s.get("ipv6").asBoolean())
            .thenComparing(s -> s.path("protocol").asText(""))
            .thenComparing(s -> s.has("vip") ? IpAddress.parse("vip", s.get("vip").asText()) : null,
                Comparator.nullsFirst(Comparator.naturalOrder()))
            .thenComparingInt(s -> s.path("port").asInt(0)));
        return list;
    }

    static List<JsonNode> sortedServers(final JsonNode servers)
    {
        final List<JsonNode> list = asList(servers);
        list.sort(Comparator.<JsonNode, IpAddress>comparing(r -> IpAddress.parse("address", r.get("address").asText()))
            .thenComparingInt(r -> r.get("port").asInt()));
        return list;
    }
}
