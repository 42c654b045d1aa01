package io.fleet.director.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigOrigin;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigSyntax;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import io.fleet.director.conn.Timeouts;
import io.fleet.director.control.Endpoint;
import io.fleet.director.control.ServiceId;
import io.fleet.director.health.CheckSpec;
import io.fleet.director.health.CheckTarget;
import io.fleet.director.health.HealthPlan;
import io.fleet.director.forward.ForwardingConfig;
import io.fleet.director.sched.SchedulerFactory;
import io.fleet.director.sched.SchedulerOptions;
import io.fleet.director.service.ForwardingMethod;
import io.fleet.director.service.InvalidServiceException;
import io.fleet.director.service.IpAddress;
import io.fleet.director.service.Protocol;
import io.fleet.director.service.RealServer;
import io.fleet.director.service.SchedulerFlag;
import io.fleet.director.service.SchedulerKind;
import io.fleet.director.service.Service;
import io.fleet.director.service.VirtualService;
import io.fleet.sync.catalog.Quorum;

import java.io.File;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads a director's HOCON file (the part the forwarding core needs: the port, the services, the real servers)
 * and validates all of it before anything is built. Every problem is reported as {@code file:line: key: message},
 * all at once, and nothing is applied when there is one. The keys are documented in {@code docs/config.md}.
 */
public final class DirectorConfig
{
    private static final Set<String> TOP = Set.of("director", "services", "neighbours");
    /** A daemon's file also carries the cluster and election sections (validated by their modules) and Pekko's. */
    private static final Set<String> TOP_DAEMON = Set.of("director", "services", "neighbours", "fleet", "pekko");
    private static final Set<String> DIRECTOR = Set.of("mode", "interface", "vxlan", "mac", "ipv4", "ipv6", "mtu", "gateway-mac",
        "fullnat", "table", "timeouts");
    private static final Set<String> FULLNAT = Set.of("local-addresses", "min-port", "max-port");
    private static final Set<String> TABLE = Set.of("ipv4-capacity", "ipv6-capacity", "tick-ms", "wheel-slots");
    private static final Set<String> TIMEOUTS = Set.of("tcp", "tcpfin", "udp");
    private static final Set<String> SERVICE = Set.of("protocol", "vip", "port", "fwmark", "scheduler", "flags", "persistence",
        "netmask", "one-packet", "real-servers", HealthConfigReader.BLOCK, HealthConfigReader.QUORUM);
    private static final Set<String> REAL_SERVER = Set.of("address", "port", "method", "weight", "upper-threshold",
        "lower-threshold", "mac", HealthConfigReader.BLOCK);
    private static final Set<String> NEIGHBOUR = Set.of("address", "mac");

    /** Every key this class accepts, as {@code section.key} (for the test that keeps reference.conf complete). */
    static Set<String> knownKeys()
    {
        final Set<String> keys = new java.util.TreeSet<>();
        DIRECTOR.forEach(k -> keys.add("director." + k));
        FULLNAT.forEach(k -> keys.add("director.fullnat." + k));
        TABLE.forEach(k -> keys.add("director.table." + k));
        TIMEOUTS.forEach(k -> keys.add("director.timeouts." + k));
        Set.of("local", "remotes", "vni").forEach(k -> keys.add("director.vxlan." + k));
        SERVICE.forEach(k -> keys.add("services." + k));
        REAL_SERVER.forEach(k -> keys.add("real-servers." + k));
        HealthConfigReader.keys().forEach(k -> keys.add("health-check." + k));
        NEIGHBOUR.forEach(k -> keys.add("neighbours." + k));
        return keys;
    }

    private final List<String> problems = new ArrayList<>();
    private final String file;
    private final boolean daemon;
    private final HealthConfigReader healthReader = new HealthConfigReader(this::problem);
    private final List<CheckTarget> health = new ArrayList<>();

    private DirectorConfig(final String file, final boolean daemon)
    {
        this.file = file;
        this.daemon = daemon;
    }

    /**
     * Parses and validates a file.
     *
     * @throws ConfigException listing every problem; nothing is returned then.
     */
    public static ForwardingConfig load(final File path, final SchedulerOptions schedulerOptions)
    {
        return load(path, schedulerOptions, false);
    }

    /**
     * As {@link #load(File, SchedulerOptions)}; with {@code daemon} the file may also hold the {@code fleet} (sync,
     * vrrp) and {@code pekko} sections, and {@code director.mode} (only {@code proxy} so far) decides whether a port
     * MAC is needed.
     */
    public static ForwardingConfig load(final File path, final SchedulerOptions schedulerOptions, final boolean daemon)
    {
        return run(path, schedulerOptions, daemon).forwarding;
    }

    /**
     * The health checks of a file ({@code health-check} blocks and {@code quorum} of services and real servers),
     * after validating the whole file as {@link #load(File, SchedulerOptions, boolean)} does.
     *
     * @throws ConfigException listing every problem of the file; nothing is returned then.
     */
    public static HealthPlan loadHealth(final File path, final boolean daemon)
    {
        return new HealthPlan(run(path, SchedulerOptions.DEFAULTS, daemon).health);
    }

    private ForwardingConfig forwarding;

    private static DirectorConfig run(final File path, final SchedulerOptions schedulerOptions, final boolean daemon)
    {
        final DirectorConfig loader = new DirectorConfig(path.getPath(), daemon);
        final Config config;
        try
        {
            if (!path.isFile())
            {
                throw new ConfigException(List.of(path.getPath() + ": no such file"));
            }
            config = ConfigFactory.parseFile(path, ConfigParseOptions.defaults().setSyntax(ConfigSyntax.CONF)
                .setAllowMissing(false)).resolve();
        }
        catch (final com.typesafe.config.ConfigException ex)
        {
            final ConfigOrigin o = ex.origin();
            throw new ConfigException(List.of((o == null ? path.getPath() : where(path.getPath(), o)) + ": " + ex.getMessage()));
        }
        loader.forwarding = loader.read(config, schedulerOptions);
        if (!loader.problems.isEmpty())
        {
            throw new ConfigException(loader.problems);
        }
        return loader;
    }

    private ForwardingConfig read(final Config root, final SchedulerOptions schedulerOptions)
    {
        final ForwardingConfig fc = new ForwardingConfig();
        unknownKeys(root.root(), daemon ? TOP_DAEMON : TOP, "");
        if (!root.hasPath("director"))
        {
            problems.add(file + ": director: missing (the port's mac and addresses)");
        }
        else
        {
            readDirector(root.getObject("director"), fc);
        }
        if (!root.hasPath("services"))
        {
            // A wire-mode director (VRRP only) forwards nothing: no services to list.
            if (!(daemon && root.hasPath("director.mode") && "wire".equals(root.getValue("director.mode").unwrapped())))
            {
                problems.add(file + ": services: missing (a list of virtual services)");
            }
        }
        else
        {
            final ConfigValue services = root.getValue("services");
            if (services.valueType() != ConfigValueType.LIST)
            {
                problem(services, "services", "must be a list of services");
            }
            else
            {
                int i = 0;
                for (final ConfigValue v : (ConfigList)services)
                {
                    final String key = "services[" + i++ + "]";
                    if (v.valueType() != ConfigValueType.OBJECT)
                    {
                        problem(v, key, "must be an object");
                        continue;
                    }
                    final Service s = readService((ConfigObject)v, key, fc, schedulerOptions);
                    if (s != null)
                    {
                        fc.service(s);
                    }
                }
            }
        }
        if (root.hasPath("neighbours"))
        {
            int i = 0;
            for (final ConfigValue v : root.getList("neighbours"))
            {
                final String key = "neighbours[" + i++ + "]";
                if (v.valueType() != ConfigValueType.OBJECT)
                {
                    problem(v, key, "must be an object with address and mac");
                    continue;
                }
                final ConfigObject o = (ConfigObject)v;
                unknownKeys(o, NEIGHBOUR, key + ".");
                final IpAddress a = address(o, "address", key);
                final Long mac = mac(o, "mac", key);
                if (a != null && mac != null)
                {
                    fc.staticMac(a, mac);
                }
            }
        }
        return fc;
    }

    private void readDirector(final ConfigObject d, final ForwardingConfig fc)
    {
        unknownKeys(d, DIRECTOR, "director.");
        final String mode = d.containsKey("mode") ? string(d, "mode", "director") : (daemon ? "proxy" : "packet");
        if (daemon && !Set.of("proxy", "pcap", "vxlan", "wire").contains(mode))
        {
            problem(d.get("mode"), "director.mode", "must be proxy, pcap, vxlan or wire (got '" + mode + "')");
        }
        else if (!daemon && (d.containsKey("mode") || d.containsKey("interface") || d.containsKey("vxlan")))
        {
            problem(d.get("mode") != null ? d.get("mode") : d, "director.mode", "only a daemon's file has a mode and ports");
        }
        if (daemon && ("pcap".equals(mode) || "wire".equals(mode)) && !d.containsKey("interface"))
        {
            problem(d, "director.interface", "missing: the NIC " + mode + " mode " +
                ("pcap".equals(mode) ? "captures on" : "speaks VRRP on") + ", e.g. eth1");
        }
        if (daemon && "vxlan".equals(mode))
        {
            final ConfigValue v = d.get("vxlan");
            if (v == null || v.valueType() != ConfigValueType.OBJECT)
            {
                problem(v == null ? d : v, "director.vxlan", "missing: { local = \"ip:port\", remotes = [\"ip:port\"], vni = N }");
            }
            else
            {
                final ConfigObject x = (ConfigObject)v;
                unknownKeys(x, Set.of("local", "remotes", "vni"), "director.vxlan.");
                string(x, "local", "director.vxlan");
                if (!x.containsKey("remotes") || x.get("remotes").valueType() != ConfigValueType.LIST)
                {
                    problem(x, "director.vxlan.remotes", "must be a list of \"ip:port\"");
                }
                if (integer(x, "vni", "director.vxlan", 0, 0xFF_FFFF) == null && !x.containsKey("vni"))
                {
                    problem(x, "director.vxlan.vni", "missing (0..16777215)");
                }
            }
        }
        final Long mac = mac(d, "mac", "director");
        // Wire mode (VRRP only, docs/vrrp.md) sends from the NIC's own MAC, read from sysfs.
        if (mac == null && !d.containsKey("mac") && !"proxy".equals(mode) && !"wire".equals(mode))
        {
            problems.add(where(d) + ": director.mac: missing (the port's MAC, e.g. 02:00:00:00:00:01)");
        }
        else if (mac != null)
        {
            fc.portMac(mac);
        }
        final IpAddress v4 = optionalAddress(d, "ipv4", "director");
        if (v4 != null)
        {
            check(!v4.isIpv6(), d.get("ipv4"), "director.ipv4", "must be an IPv4 address");
            fc.ipv4(v4);
        }
        final IpAddress v6 = optionalAddress(d, "ipv6", "director");
        if (v6 != null)
        {
            check(v6.isIpv6(), d.get("ipv6"), "director.ipv6", "must be an IPv6 address");
            fc.ipv6(v6);
        }
        final Integer mtu = integer(d, "mtu", "director", 1280, 65535);
        if (mtu != null)
        {
            fc.mtu(mtu);
        }
        if (d.containsKey("gateway-mac"))
        {
            final Long g = mac(d, "gateway-mac", "director");
            if (g != null)
            {
                fc.gatewayMac(g);
            }
        }
        if (d.containsKey("fullnat"))
        {
            final ConfigObject f = object(d, "fullnat", "director");
            if (f != null)
            {
                unknownKeys(f, FULLNAT, "director.fullnat.");
                final List<IpAddress> locals = new ArrayList<>();
                final ConfigValue list = f.get("local-addresses");
                if (list == null || list.valueType() != ConfigValueType.LIST)
                {
                    problem(list == null ? f : list, "director.fullnat.local-addresses", "must be a list of addresses");
                }
                else
                {
                    for (final ConfigValue v : (ConfigList)list)
                    {
                        try
                        {
                            locals.add(IpAddress.parse("director.fullnat.local-addresses", String.valueOf(v.unwrapped())));
                        }
                        catch (final InvalidServiceException ex)
                        {
                            problem(v, "director.fullnat.local-addresses", ex.getMessage());
                        }
                    }
                }
                final Integer min = integer(f, "min-port", "director.fullnat", 1, 65535);
                final Integer max = integer(f, "max-port", "director.fullnat", 1, 65535);
                final int lo = min == null ? 1024 : min;
                final int hi = max == null ? 65535 : max;
                check(lo <= hi, f, "director.fullnat", "min-port " + lo + " is above max-port " + hi);
                if (!locals.isEmpty() && lo <= hi)
                {
                    fc.fullnat(locals, lo, hi);
                }
            }
        }
        if (d.containsKey("table"))
        {
            final ConfigObject t = object(d, "table", "director");
            if (t != null)
            {
                unknownKeys(t, TABLE, "director.table.");
                final Integer c4 = integer(t, "ipv4-capacity", "director.table", 1, 100_000_000);
                final Integer c6 = integer(t, "ipv6-capacity", "director.table", 1, 50_000_000);
                fc.capacity(c4 == null ? 1 << 20 : c4, c6 == null ? 1 << 16 : c6);
                final Integer tick = integer(t, "tick-ms", "director.table", 1, 10_000);
                final Integer slots = integer(t, "wheel-slots", "director.table", 16, 1 << 22);
                if (slots != null && Integer.bitCount(slots) != 1)
                {
                    problem(t.get("wheel-slots"), "director.table.wheel-slots", "must be a power of two (got " + slots + ")");
                }
                else
                {
                    fc.wheel((tick == null ? 100 : tick) * 1_000_000L, slots == null ? 4096 : slots);
                }
            }
        }
        if (d.containsKey("timeouts"))
        {
            final ConfigObject t = object(d, "timeouts", "director");
            if (t != null)
            {
                unknownKeys(t, TIMEOUTS, "director.timeouts.");
                final Integer tcp = integer(t, "tcp", "director.timeouts", 1, 31_536_000);
                final Integer fin = integer(t, "tcpfin", "director.timeouts", 1, 31_536_000);
                final Integer udp = integer(t, "udp", "director.timeouts", 1, 31_536_000);
                fc.timeouts(new Timeouts().set(tcp == null ? 0 : tcp, fin == null ? 0 : fin, udp == null ? 0 : udp));
            }
        }
    }

    private Service readService(final ConfigObject o, final String key, final ForwardingConfig fc, final SchedulerOptions options)
    {
        unknownKeys(o, SERVICE, key + ".");
        final int before = problems.size();
        if (o.containsKey("fwmark"))
        {
            problem(o.get("fwmark"), key + ".fwmark",
                "firewall-mark services need the kernel's netfilter marks, which a user-space director does not see; "
                    + "use protocol, vip and port");
            return null;
        }
        VirtualService vs = null;
        try
        {
            final Protocol protocol = Protocol.parse(key + ".protocol", string(o, "protocol", key));
            final IpAddress vip = address(o, "vip", key);
            final Integer port = integer(o, "port", key, 0, 65535);
            final SchedulerKind kind = o.containsKey("scheduler")
                ? SchedulerKind.parse(key + ".scheduler", string(o, "scheduler", key)) : SchedulerKind.DEFAULT;
            final VirtualService.Builder b = VirtualService.builder().protocol(protocol).address(vip)
                .port(port == null ? -1 : port).scheduler(kind);
            if (o.containsKey("flags"))
            {
                b.schedulerFlags(SchedulerFlag.parse(key + ".flags", string(o, "flags", key), kind));
            }
            if (o.containsKey("persistence"))
            {
                final Integer p = integer(o, "persistence", key, 1, VirtualService.MAX_PERSISTENCE_TIMEOUT_S);
                b.persistence(p == null ? VirtualService.DEFAULT_PERSISTENCE_TIMEOUT_S : p);
            }
            if (o.containsKey("netmask"))
            {
                b.persistenceNetmask(VirtualService.Builder.netmask(String.valueOf(o.get("netmask").unwrapped())));
            }
            if (o.containsKey("one-packet"))
            {
                b.onePacket(bool(o, "one-packet", key));
            }
            if (problems.size() == before && vip != null)
            {
                vs = b.build();
            }
        }
        catch (final InvalidServiceException ex)
        {
            problem(o.get(fieldOf(ex, key)) != null ? o.get(fieldOf(ex, key)) : o, key + "." + fieldOf(ex, key), reason(ex));
        }
        final List<RealServer> servers = new ArrayList<>();
        final List<ConfigObject> serverObjects = new ArrayList<>();
        final List<String> serverKeys = new ArrayList<>();
        final List<RealServer> checked = new ArrayList<>();
        final ConfigValue list = o.get("real-servers");
        if (list == null || list.valueType() != ConfigValueType.LIST)
        {
            problem(list == null ? o : list, key + ".real-servers", "must be a list of real servers");
            return null;
        }
        int i = 0;
        for (final ConfigValue v : (ConfigList)list)
        {
            final String rkey = key + ".real-servers[" + i++ + "]";
            if (v.valueType() != ConfigValueType.OBJECT)
            {
                problem(v, rkey, "must be an object");
                continue;
            }
            final ConfigObject r = (ConfigObject)v;
            unknownKeys(r, REAL_SERVER, rkey + ".");
            serverObjects.add(r);
            serverKeys.add(rkey);
            checked.add(null);
            try
            {
                final IpAddress a = address(r, "address", rkey);
                final Integer port = r.containsKey("port") ? integer(r, "port", rkey, 0, 65535) : Integer.valueOf(0);
                final ForwardingMethod m = r.containsKey("method")
                    ? ForwardingMethod.parse(rkey + ".method", string(r, "method", rkey)) : ForwardingMethod.DR;
                final Integer w = r.containsKey("weight") ? integer(r, "weight", rkey, 0, RealServer.MAX_WEIGHT) : Integer.valueOf(1);
                final Integer u = r.containsKey("upper-threshold") ? integer(r, "upper-threshold", rkey, 0, Integer.MAX_VALUE) : Integer.valueOf(0);
                final Integer l = r.containsKey("lower-threshold") ? integer(r, "lower-threshold", rkey, 0, Integer.MAX_VALUE) : Integer.valueOf(0);
                if (a == null || port == null || w == null || u == null || l == null)
                {
                    continue;
                }
                servers.add(RealServer.of(a, port, m, w, u, l));
                checked.set(checked.size() - 1, servers.get(servers.size() - 1));
                if (r.containsKey("mac"))
                {
                    final Long mac = mac(r, "mac", rkey);
                    if (mac != null)
                    {
                        fc.staticMac(a, mac);
                    }
                }
            }
            catch (final InvalidServiceException ex)
            {
                problem(r.get(ex.field()) != null ? r.get(ex.field()) : r, rkey + "." + ex.field(), reason(ex));
            }
        }
        readHealth(o, key, vs, checked, serverObjects, serverKeys);
        if (vs == null)
        {
            return null;
        }
        try
        {
            return Service.of(vs, SchedulerFactory.create(vs, options), servers);
        }
        catch (final InvalidServiceException ex)
        {
            problem(list, key + ".real-servers", ex.getMessage());
            return null;
        }
    }

    /** The service's and its real servers' health-check blocks: validated always, built when the service is. */
    private void readHealth(final ConfigObject o, final String key, final VirtualService vs, final List<RealServer> servers,
        final List<ConfigObject> serverObjects, final List<String> serverKeys)
    {
        final Quorum quorum = healthReader.quorum(o, key);
        final HealthConfigReader.Block serviceBlock = healthReader.block(o, key);
        if (serviceBlock != null && serviceBlock.present.contains("type") && servers.isEmpty())
        {
            healthReader.spec(serviceBlock);
        }
        for (int i = 0; i < serverObjects.size(); i++)
        {
            final HealthConfigReader.Block own = healthReader.block(serverObjects.get(i), serverKeys.get(i));
            final HealthConfigReader.Block merged = own == null ? serviceBlock
                : serviceBlock == null || own.present.contains("type") ? own : serviceBlock.overlay(own);
            if (merged == null)
            {
                continue;
            }
            final CheckSpec spec = healthReader.spec(merged);
            final RealServer rs = servers.get(i);
            if (spec != null && vs != null && rs != null)
            {
                health.add(new CheckTarget(ServiceId.of(vs), new Endpoint(rs.address(), rs.port() != 0 ? rs.port() : vs.port()),
                    rs.weight(), quorum, spec));
            }
        }
    }

    /** The message without its leading "field: ", since the caller names the key itself. */
    private static String reason(final InvalidServiceException ex)
    {
        final String m = ex.getMessage();
        return m.startsWith(ex.field() + ": ") ? m.substring(ex.field().length() + 2) : m;
    }

    private static String fieldOf(final InvalidServiceException ex, final String key)
    {
        final String f = ex.field();
        return f.startsWith(key + ".") ? f.substring(key.length() + 1) : f;
    }

    // ---------------------------------------------------------------------------------------------- helpers

    private void unknownKeys(final ConfigObject o, final Set<String> known, final String prefix)
    {
        for (final Map.Entry<String, ConfigValue> e : o.entrySet())
        {
            if (!known.contains(e.getKey()))
            {
                problem(e.getValue(), prefix + e.getKey(), "unknown key; expected one of " + new java.util.TreeSet<>(known));
            }
        }
    }

    private String string(final ConfigObject o, final String k, final String key)
    {
        final ConfigValue v = o.get(k);
        if (v == null)
        {
            problem(o, key + "." + k, "missing");
            return null;
        }
        if (v.valueType() != ConfigValueType.STRING && v.valueType() != ConfigValueType.NUMBER)
        {
            problem(v, key + "." + k, "must be a string, not " + v.valueType().name().toLowerCase(Locale.ROOT));
            return null;
        }
        return String.valueOf(v.unwrapped());
    }

    private Integer integer(final ConfigObject o, final String k, final String key, final int min, final int max)
    {
        final ConfigValue v = o.get(k);
        if (v == null)
        {
            return null;
        }
        if (v.valueType() != ConfigValueType.NUMBER || !(v.unwrapped() instanceof Integer))
        {
            problem(v, key + "." + k, "must be a whole number " + min + ".." + max + " (got '" + v.unwrapped() + "')");
            return null;
        }
        final int value = (Integer)v.unwrapped();
        if (value < min || value > max)
        {
            problem(v, key + "." + k, "must be " + min + ".." + max + " (got " + value + ")");
            return null;
        }
        return value;
    }

    private boolean bool(final ConfigObject o, final String k, final String key)
    {
        final ConfigValue v = o.get(k);
        if (v.valueType() != ConfigValueType.BOOLEAN)
        {
            problem(v, key + "." + k, "must be true or false (got '" + v.unwrapped() + "')");
            return false;
        }
        return (Boolean)v.unwrapped();
    }

    private ConfigObject object(final ConfigObject o, final String k, final String key)
    {
        final ConfigValue v = o.get(k);
        if (v.valueType() != ConfigValueType.OBJECT)
        {
            problem(v, key + "." + k, "must be an object");
            return null;
        }
        return (ConfigObject)v;
    }

    private IpAddress address(final ConfigObject o, final String k, final String key)
    {
        final String s = string(o, k, key);
        if (s == null)
        {
            return null;
        }
        try
        {
            return IpAddress.parse(key + "." + k, s);
        }
        catch (final InvalidServiceException ex)
        {
            problem(o.get(k), key + "." + k, ex.getMessage().substring(ex.getMessage().indexOf(':') + 2));
            return null;
        }
    }

    private IpAddress optionalAddress(final ConfigObject o, final String k, final String key)
    {
        return o.containsKey(k) ? address(o, k, key) : null;
    }

    private Long mac(final ConfigObject o, final String k, final String key)
    {
        final String s = o.containsKey(k) ? string(o, k, key) : null;
        if (s == null)
        {
            return null;
        }
        final long mac = parseMac(s);
        if (mac < 0)
        {
            problem(o.get(k), key + "." + k, "not a MAC address such as 02:00:00:00:00:01 (got '" + s + "')");
            return null;
        }
        return mac;
    }

    /** Parses {@code aa:bb:cc:dd:ee:ff} (or with dashes); -1 when it is not one. */
    public static long parseMac(final String text)
    {
        final String[] parts = text.trim().split("[:-]");
        if (parts.length != 6)
        {
            return -1;
        }
        long mac = 0;
        for (final String p : parts)
        {
            if (p.length() != 2 || !p.matches("[0-9A-Fa-f]{2}"))
            {
                return -1;
            }
            mac = mac << 8 | Integer.parseInt(p, 16);
        }
        return mac;
    }

    private void check(final boolean ok, final ConfigValue at, final String key, final String message)
    {
        if (!ok)
        {
            problem(at, key, message);
        }
    }

    private void problem(final ConfigValue at, final String key, final String message)
    {
        problems.add((at == null ? file : where(file, at.origin())) + ": " + key + ": " + message);
    }

    private String where(final ConfigValue v)
    {
        return where(file, v.origin());
    }

    private static String where(final String file, final ConfigOrigin o)
    {
        return o.lineNumber() > 0 ? file + ":" + o.lineNumber() : file;
    }
}
