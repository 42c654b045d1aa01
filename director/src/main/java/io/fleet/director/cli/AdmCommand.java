package io.fleet.director.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleet.director.control.ControlException;
import io.fleet.director.control.Endpoint;
import io.fleet.director.control.ServiceId;
import io.fleet.director.service.Protocol;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * One {@code fleet adm} invocation: ipvsadm's command line checked as ipvsadm checks it (one command, the options
 * that command takes, values in range), then carried out through the admin API and printed in ipvsadm's layouts.
 * Errors are one line naming the flag, exit status 2 ({@value #EXIT_UNREACHABLE} when the director cannot be
 * reached or its token read).
 */
final class AdmCommand
{
    static final int EXIT_REFUSED = 2;
    static final int EXIT_UNREACHABLE = 1;
    static final String FLEET_VERSION = "0.1.0";
    static final long MAX_TIMEOUT_S = 86_400L * 31;

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Set<String> FLEET_COMMANDS = Set.of("cluster", "vips", "health", "sync", "ports", "reload");

    /** Options every command takes. */
    private static final Set<String> GLOBAL = Set.of("--node", "--token-file");
    private static final Set<String> SERVICE = Set.of("-t", "-u", "-f");
    private static final Set<String> METHODS = Set.of("-g", "-m", "-i", "--fullnat");

    private final PrintStream out;
    private final PrintStream err;
    private final InputStream in;
    private final Map<String, String> env;
    private AdminClient client;
    private String node;
    private String tokenFile;

    AdmCommand(final PrintStream out, final PrintStream err, final InputStream in, final Map<String, String> env)
    {
        this.out = out;
        this.err = err;
        this.in = in;
        this.env = env;
    }

    /** A refusal to print as {@code fleet adm: MESSAGE} and the exit status. */
    static final class AdmError extends Exception
    {
        private static final long serialVersionUID = 1L;

        final int exit;

        AdmError(final String message)
        {
            this(message, EXIT_REFUSED);
        }

        AdmError(final String message, final int exit)
        {
            super(message);
            this.exit = exit;
        }
    }

    int run(final String[] args)
    {
        try
        {
            if (args.length > 0 && FLEET_COMMANDS.contains(args[0]))
            {
                final Parsed p = parse(java.util.Arrays.copyOfRange(args, 1, args.length), true);
                connectTo(p.o());
                fleetCommand(args[0]);
                return 0;
            }
            final Parsed p = parse(args, false);
            connectTo(p.o());
            execute(p, false);
            return 0;
        }
        catch (final AdmError ex)
        {
            err.println("fleet adm: " + ex.getMessage());
            return ex.exit;
        }
        catch (final IOException ex)
        {
            err.println("fleet adm: " + ex.getMessage());
            return EXIT_UNREACHABLE;
        }
        catch (final RuntimeException ex)
        {
            // A director answering something this version does not understand; say so on one line.
            err.println("fleet adm: unexpected failure: " + ex);
            return EXIT_REFUSED;
        }
    }

    // ---------------------------------------------------------------------------------------------- parsing

    /** A command line that passed every check that needs no director. */
    record Parsed(String command, AdmOptions o, Set<String> given, String serviceFlag, ServiceId service)
    {
    }

    static Parsed parse(final String[] args) throws AdmError
    {
        return parse(args, false);
    }

    /** With {@code globalOnly} (after a Fleet command word) only --node and --token-file are taken. */
    static Parsed parse(final String[] args, final boolean globalOnly) throws AdmError
    {
        final AdmOptions o = new AdmOptions();
        final CommandLine cl = new CommandLine(o);
        cl.setPosixClusteredShortOptionsAllowed(true);
        cl.setCaseInsensitiveEnumValuesAllowed(false);
        final ParseResult pr;
        try
        {
            pr = cl.parseArgs(args);
        }
        catch (final CommandLine.ParameterException ex)
        {
            if (ex.getMessage().contains("'--set'"))
            {
                throw new AdmError("--set option requires 3 timeout values: tcp tcpfin udp (seconds, 0 keeps one)");
            }
            throw new AdmError(ex.getMessage().replace("Unknown option", "invalid option")
                + "\nTry `fleet adm -h' or 'fleet adm --help' for more information.");
        }
        if (o.unexpected != null && !o.unexpected.isEmpty())
        {
            throw new AdmError("unexpected argument " + o.unexpected.get(0)
                + "\nTry `fleet adm -h' or 'fleet adm --help' for more information.");
        }
        final Set<String> given = new LinkedHashSet<>();
        for (final OptionSpec spec : pr.matchedOptions())
        {
            given.add(spec.shortestName());
        }
        if (o.listLower)
        {
            given.remove("-l");
            given.add("-L");
        }
        final List<String> commands = new ArrayList<>();
        for (final String c : List.of("-A", "-E", "-D", "-C", "-R", "-S", "-a", "-e", "-d", "-L", "-Z", "--set",
            "--start-daemon", "--stop-daemon", "-h", "-v"))
        {
            if (given.contains(c))
            {
                commands.add(c);
            }
        }
        if (globalOnly)
        {
            for (final String g : given)
            {
                if (!GLOBAL.contains(g))
                {
                    throw new AdmError("illegal " + name(g) + " option with a Fleet command; it takes --node and --token-file");
                }
            }
            return new Parsed("fleet", o, given, null, null);
        }
        if (commands.isEmpty())
        {
            if (given.stream().allMatch(GLOBAL::contains))
            {
                commands.add("-L");   // ipvsadm without a command lists the table
                given.add("-L");
            }
            else
            {
                throw new AdmError("no command given; one of -A -E -D -C -R -S -a -e -d -L -Z --set"
                    + "\nTry `fleet adm -h' or 'fleet adm --help' for more information.");
            }
        }
        if (commands.size() > 1)
        {
            throw new AdmError("multiple commands specified: " + name(commands.get(0)) + " and " + name(commands.get(1)));
        }
        final String command = commands.get(0);
        checkOptions(command, given);

        String serviceFlag = null;
        ServiceId service = null;
        for (final String f : SERVICE)
        {
            if (given.contains(f))
            {
                if (serviceFlag != null)
                {
                    throw new AdmError("multiple service options specified: " + name(serviceFlag) + " and " + name(f));
                }
                serviceFlag = f;
            }
        }
        if (given.contains("-6") && !given.contains("-f"))
        {
            throw new AdmError("-6 (--ipv6) applies to a firewall-mark service only; give -f FWMARK");
        }
        if (serviceFlag != null)
        {
            service = service(serviceFlag, "-t".equals(serviceFlag) ? o.tcpService : "-u".equals(serviceFlag) ? o.udpService
                : o.fwmarkService);
        }
        int methods = 0;
        for (final String m : METHODS)
        {
            methods += given.contains(m) ? 1 : 0;
        }
        if (methods > 1)
        {
            throw new AdmError("more than one forwarding method: give one of -g (--gatewaying), -m (--masquerading), "
                + "-i (--ipip), --fullnat");
        }
        if (o.weight != null)
        {
            number("-w", "weight", o.weight, 0, 65535);
        }
        if (o.upperThreshold != null)
        {
            number("-x", "u_threshold", o.upperThreshold, 0, Integer.MAX_VALUE);
        }
        if (o.lowerThreshold != null)
        {
            number("-y", "l_threshold", o.lowerThreshold, 0, Integer.MAX_VALUE);
        }
        if (o.persistent != null && !o.persistent.isEmpty())
        {
            number("-p", "timeout", o.persistent, 1, MAX_TIMEOUT_S);
        }
        if (o.set != null)
        {
            for (final String t : o.set)
            {
                number("--set", "timeout", t, 0, MAX_TIMEOUT_S);
            }
        }
        if (o.realServer != null)
        {
            realServer(o.realServer);
        }
        for (final String state : new String[] {o.startDaemon, o.stopDaemon})
        {
            if (state != null && !"master".equals(state) && !"backup".equals(state))
            {
                throw new AdmError("illegal sync daemon state '" + state + "' specified; master or backup");
            }
        }
        final int layouts = (o.stats ? 1 : 0) + (o.rate ? 1 : 0) + (o.thresholds ? 1 : 0) + (o.persistentConn ? 1 : 0);
        if (layouts > 1)
        {
            throw new AdmError("options conflict in the list command: give one of --stats, --rate, --thresholds, --persistent-conn");
        }
        if (layouts > 0 && (o.connection || o.timeout || o.daemon))
        {
            throw new AdmError("options conflict in the list command: --stats, --rate, --thresholds and --persistent-conn "
                + "do not go with -c, --timeout or --daemon");
        }
        return new Parsed(command, o, given, serviceFlag, service);
    }

    /** ipvsadm's table of which options each command takes: required, allowed, and mutually exclusive ones. */
    private static void checkOptions(final String command, final Set<String> given) throws AdmError
    {
        final Set<String> allowed = new LinkedHashSet<>(GLOBAL);
        allowed.add(command);
        final List<String> required = new ArrayList<>();
        boolean needsService = false;
        switch (command)
        {
            case "-A":
            case "-E":
                needsService = true;
                allowed.addAll(List.of("-t", "-u", "-f", "-6", "-s", "-p", "-M", "-b", "-o"));
                break;
            case "-D":
                needsService = true;
                allowed.addAll(List.of("-t", "-u", "-f", "-6"));
                break;
            case "-a":
            case "-e":
                needsService = true;
                required.add("-r");
                allowed.addAll(List.of("-t", "-u", "-f", "-6", "-r", "-g", "-m", "-i", "--fullnat", "-w", "-x", "-y"));
                break;
            case "-d":
                needsService = true;
                required.add("-r");
                allowed.addAll(List.of("-t", "-u", "-f", "-6", "-r"));
                break;
            case "-L":
                allowed.addAll(List.of("-n", "-c", "-t", "-u", "-f", "-6", "--timeout", "--daemon", "--stats", "--rate",
                    "--thresholds", "--persistent-conn", "--nosort", "--sort", "-X"));
                break;
            case "-Z":
                allowed.addAll(List.of("-t", "-u", "-f", "-6"));
                break;
            case "-S":
                allowed.addAll(List.of("-n", "--nosort", "--sort"));
                break;
            case "--start-daemon":
                allowed.addAll(List.of("--mcast-interface", "--syncid"));
                break;
            case "--stop-daemon":
                allowed.add("--syncid");
                break;
            default:
                break;
        }
        for (final String g : given)
        {
            if (!allowed.contains(g))
            {
                throw new AdmError("illegal " + name(g) + " option with the " + name(command) + " command");
            }
        }
        if (needsService && given.stream().noneMatch(SERVICE::contains))
        {
            throw new AdmError("the " + name(command) + " command needs a service: -t|-u VIP:PORT or -f FWMARK");
        }
        for (final String r : required)
        {
            if (!given.contains(r))
            {
                throw new AdmError("the " + name(command) + " command needs the " + name(r) + " option");
            }
        }
        if ("-L".equals(command))
        {
            final List<String> exclusive = new ArrayList<>();
            for (final String x : List.of("-c", "-t", "-u", "-f", "--timeout", "--daemon"))
            {
                if (given.contains(x))
                {
                    exclusive.add(x);
                }
            }
            if (exclusive.size() > 1)
            {
                throw new AdmError("the " + name(exclusive.get(1)) + " option conflicts with the " + name(exclusive.get(0))
                    + " option in the -L (--list) command");
            }
        }
    }

    private static final Map<String, String> LONG_NAMES = Map.ofEntries(
        Map.entry("-A", "--add-service"), Map.entry("-E", "--edit-service"), Map.entry("-D", "--delete-service"),
        Map.entry("-C", "--clear"), Map.entry("-R", "--restore"), Map.entry("-S", "--save"),
        Map.entry("-a", "--add-server"), Map.entry("-e", "--edit-server"), Map.entry("-d", "--delete-server"),
        Map.entry("-L", "--list"), Map.entry("-Z", "--zero"), Map.entry("-h", "--help"), Map.entry("-v", "--version"),
        Map.entry("-t", "--tcp-service"), Map.entry("-u", "--udp-service"), Map.entry("-f", "--fwmark-service"),
        Map.entry("-6", "--ipv6"), Map.entry("-s", "--scheduler"), Map.entry("-p", "--persistent"),
        Map.entry("-M", "--netmask"), Map.entry("-b", "--sched-flags"), Map.entry("-o", "--ops"),
        Map.entry("-r", "--real-server"), Map.entry("-g", "--gatewaying"), Map.entry("-i", "--ipip"),
        Map.entry("-m", "--masquerading"), Map.entry("-w", "--weight"), Map.entry("-x", "--u-threshold"),
        Map.entry("-y", "--l-threshold"), Map.entry("-c", "--connection"), Map.entry("-X", "--exact"),
        Map.entry("-n", "--numeric"));

    /** {@code -w (--weight)}; long-only options as they are. */
    static String name(final String shortName)
    {
        final String l = LONG_NAMES.get(shortName);
        return l == null ? shortName : shortName + " (" + l + ")";
    }

    private static long number(final String flag, final String what, final String text, final long min, final long max)
        throws AdmError
    {
        try
        {
            final long v = Long.parseLong(text.trim());
            if (v >= min && v <= max)
            {
                return v;
            }
        }
        catch (final NumberFormatException ignored)
        {
            // answered below
        }
        throw new AdmError(name(flag) + ": illegal " + what + " '" + text + "' specified (" + min + ".." + max + ")");
    }

    /** ipvsadm's {@code host[:port]} (IPv6 in brackets with a port) or a firewall mark; never a name lookup. */
    private static ServiceId service(final String flag, final String text) throws AdmError
    {
        if ("-f".equals(flag))
        {
            return ServiceId.ofFwmark(number("-f", "fwmark", text, 1, 0xFFFF_FFFFL));
        }
        try
        {
            final Endpoint e = Endpoint.parse(flag, text, false);
            return new ServiceId("-t".equals(flag) ? Protocol.TCP : Protocol.UDP, e.address(), e.port());
        }
        catch (final ControlException ex)
        {
            throw new AdmError(name(flag) + ": illegal virtual server address[:port] '" + text + "' specified: "
                + reason(ex) + " (fleet adm takes IP literals and port numbers; it looks up no names)");
        }
    }

    private static Endpoint realServer(final String text) throws AdmError
    {
        try
        {
            return Endpoint.parse("-r", text, false);
        }
        catch (final ControlException ex)
        {
            throw new AdmError(name("-r") + ": illegal real server address[:port] '" + text + "' specified: " + reason(ex)
                + " (fleet adm takes IP literals and port numbers; it looks up no names)");
        }
    }

    private static String reason(final ControlException ex)
    {
        final String prefix = ex.field() + ": ";
        return ex.getMessage().startsWith(prefix) ? ex.getMessage().substring(prefix.length()) : ex.getMessage();
    }

    // ---------------------------------------------------------------------------------------------- doing

    private void connectTo(final AdmOptions o)
    {
        node = o.node != null ? o.node : env.getOrDefault("FLEET_ADMIN_URL",
            "http://" + io.fleet.director.admin.AdminSettings.DEFAULT_BIND + ":" + io.fleet.director.admin.AdminSettings.DEFAULT_PORT);
        tokenFile = o.tokenFile != null ? o.tokenFile : env.getOrDefault("FLEET_ADMIN_TOKEN_FILE",
            io.fleet.director.admin.AdminSettings.DEFAULT_TOKEN_FILE);
    }

    /** The client, made on first use: -h, -v and a bad command line need neither the director nor the token. */
    private AdminClient client() throws IOException
    {
        if (client == null)
        {
            final java.nio.file.Path path;
            try
            {
                path = java.nio.file.Path.of(tokenFile);
            }
            catch (final java.nio.file.InvalidPathException ex)
            {
                throw new IOException("--token-file: not a file name: '" + tokenFile + "'");
            }
            client = new AdminClient(node, AdminClient.readToken(path));
        }
        return client;
    }

    private void execute(final Parsed p, final boolean restoring) throws AdmError, IOException
    {
        final AdmOptions o = p.o();
        switch (p.command())
        {
            case "-h":
                out.print(usage());
                return;
            case "-v":
                out.println("fleet adm " + FLEET_VERSION + " (ipvsadm v1.31 syntax; Fleet's admin API v1)");
                return;
            case "-A":
                call(p, "POST", "/v1/services", serviceBody(p, true));
                return;
            case "-E":
                call(p, "PUT", servicePath(p), serviceBody(p, false));
                return;
            case "-D":
                call(p, "DELETE", servicePath(p), null);
                return;
            case "-C":
                call(p, "DELETE", "/v1/services", null);
                return;
            case "-a":
                call(p, "POST", servicePath(p) + "/real-servers", realServerBody(p, true));
                return;
            case "-e":
                call(p, "PUT", realServerPath(p), realServerBody(p, false));
                return;
            case "-d":
                call(p, "DELETE", realServerPath(p), null);
                return;
            case "-Z":
            {
                final ObjectNode body = MAPPER.createObjectNode();
                if (p.service() != null)
                {
                    body.put("service", p.service().toString());
                }
                call(p, "POST", "/v1/zero", body);
                return;
            }
            case "--set":
            {
                final ObjectNode body = MAPPER.createObjectNode();
                body.put("tcp", Long.parseLong(o.set.get(0).trim()));
                body.put("tcpFin", Long.parseLong(o.set.get(1).trim()));
                body.put("udp", Long.parseLong(o.set.get(2).trim()));
                call(p, "PUT", "/v1/timeouts", body);
                return;
            }
            case "--start-daemon":
            case "--stop-daemon":
                err.println("fleet adm: " + p.command() + " " + (o.startDaemon != null ? o.startDaemon : o.stopDaemon)
                    + ": nothing to do: every Fleet director replicates its connections to the others all the time "
                    + "(fleet adm sync shows it)");
                return;
            case "-S":
                out.print(IpvsLayout.save(call(p, "GET", "/v1/services", null), o.nosort));
                return;
            case "-R":
                if (restoring)
                {
                    throw new AdmError("-R (--restore) cannot be used inside a restore");
                }
                restore();
                return;
            case "-L":
                list(p);
                return;
            default:
                throw new AdmError("unknown command " + p.command());
        }
    }

    private void list(final Parsed p) throws AdmError, IOException
    {
        final AdmOptions o = p.o();
        if (o.connection)
        {
            final List<JsonNode> entries = new ArrayList<>();
            long offset = 0;
            while (true)
            {
                final JsonNode page = call(p, "GET", "/v1/connections?offset=" + offset + "&limit=10000", null);
                page.get("items").forEach(entries::add);
                offset += page.get("items").size();
                if (page.get("items").size() == 0 || offset >= page.get("total").asLong())
                {
                    break;
                }
            }
            out.print(IpvsLayout.connections(entries));
            return;
        }
        if (o.timeout)
        {
            final JsonNode t = call(p, "GET", "/v1/timeouts", null);
            out.println("Timeout (tcp tcpfin udp): " + t.get("tcp").asLong() + " " + t.get("tcpFin").asLong() + " "
                + t.get("udp").asLong());
            return;
        }
        if (o.daemon)
        {
            final JsonNode s = call(p, "GET", "/v1/sync", null);
            out.printf(Locale.ROOT, "fleet connection sync: always on (backlog %d, sent %d, received %d, lag p50 %.1f ms, p99 %.1f ms)%n",
                s.get("backlog").asLong(), s.get("recordsSent").asLong(), s.get("recordsReceived").asLong(),
                s.get("lagP50Ms").asDouble(), s.get("lagP99Ms").asDouble());
            return;
        }
        final IpvsLayout.Format format = o.stats ? IpvsLayout.Format.STATS : o.rate ? IpvsLayout.Format.RATE
            : o.thresholds ? IpvsLayout.Format.THRESHOLDS : o.persistentConn ? IpvsLayout.Format.PERSISTENT_CONN
            : IpvsLayout.Format.PLAIN;
        if (p.service() != null)
        {
            final ArrayNode one = MAPPER.createArrayNode().add(call(p, "GET", servicePath(p), null));
            out.print(IpvsLayout.list(one, format, o.exact, o.nosort, false, FLEET_VERSION));
            return;
        }
        out.print(IpvsLayout.list(call(p, "GET", "/v1/services", null), format, o.exact, o.nosort, true, FLEET_VERSION));
    }

    /**
     * {@code -R}: every line is checked first, so a typo on line 9 applies nothing; then the lines are applied in
     * order and the first refusal stops the restore (the lines before it stay applied, as with ipvsadm-restore).
     */
    private void restore() throws AdmError, IOException
    {
        final List<Parsed> lines = new ArrayList<>();
        final List<Integer> numbers = new ArrayList<>();
        final BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        String line;
        int n = 0;
        while ((line = reader.readLine()) != null)
        {
            n++;
            final String t = line.strip();
            if (t.isEmpty() || t.startsWith("#"))
            {
                continue;
            }
            final List<String> words = new ArrayList<>(List.of(t.split("\\s+")));
            if (words.get(0).equals("ipvsadm") || words.get(0).endsWith("/ipvsadm"))
            {
                words.remove(0);
            }
            final Parsed parsed;
            try
            {
                parsed = parse(words.toArray(new String[0]));
            }
            catch (final AdmError ex)
            {
                throw new AdmError("-R (--restore): line " + n + ": " + ex.getMessage().split("\n")[0] + "; nothing was applied");
            }
            if (!Set.of("-A", "-E", "-D", "-C", "-a", "-e", "-d", "-Z", "--set").contains(parsed.command()))
            {
                throw new AdmError("-R (--restore): line " + n + ": " + name(parsed.command())
                    + " is not a rule a restore applies; nothing was applied");
            }
            lines.add(parsed);
            numbers.add(n);
        }
        for (int i = 0; i < lines.size(); i++)
        {
            try
            {
                execute(lines.get(i), true);
            }
            catch (final AdmError ex)
            {
                throw new AdmError("-R (--restore): line " + numbers.get(i) + ": " + ex.getMessage()
                    + (i == 0 ? "; nothing was applied" : "; the " + i + " rule(s) before it were applied"), ex.exit);
            }
        }
    }

    private static String servicePath(final Parsed p)
    {
        return "/v1/services/" + AdminClient.segment(p.service().toString());
    }

    private static String realServerPath(final Parsed p) throws AdmError
    {
        return servicePath(p) + "/real-servers/" + AdminClient.segment(realServer(p.o().realServer).toString());
    }

    /**
     * {@code -A} and {@code -E}: ipvsadm sends the whole service, so an option left out of {@code -E} takes its
     * default (scheduler wlc, not persistent, no flags) - the way to make a service non-persistent again.
     */
    private static ObjectNode serviceBody(final Parsed p, final boolean add)
    {
        final AdmOptions o = p.o();
        final ObjectNode b = MAPPER.createObjectNode();
        if (add)
        {
            final ServiceId id = p.service();
            if (id.isFwmark())
            {
                b.put("fwmark", id.fwmark());
                b.put("ipv6", o.ipv6);
            }
            else
            {
                b.put("protocol", id.protocol().name().toLowerCase(Locale.ROOT));
                b.put("vip", id.address().toString());
                b.put("port", id.port());
            }
        }
        b.put("scheduler", o.scheduler == null ? "wlc" : o.scheduler);
        b.put("flags", o.schedFlags == null ? "" : o.schedFlags);
        if (o.persistent != null)
        {
            b.put("persistent", o.persistent.isEmpty() ? io.fleet.director.service.VirtualService.DEFAULT_PERSISTENCE_TIMEOUT_S
                : Integer.parseInt(o.persistent.trim()));
        }
        else
        {
            b.put("persistent", 0);
        }
        if (o.netmask != null)
        {
            b.put("netmask", o.netmask);
        }
        b.put("onePacket", o.ops);
        return b;
    }

    /**
     * {@code -a} sends ipvsadm's defaults (DR, weight 1); {@code -e} sends only what was given, so
     * {@code -e -w 0} keeps the server's forwarding method (ipvsadm would reset it to -g).
     */
    private static ObjectNode realServerBody(final Parsed p, final boolean add) throws AdmError
    {
        final AdmOptions o = p.o();
        final ObjectNode b = MAPPER.createObjectNode();
        if (add)
        {
            final Endpoint e = realServer(o.realServer);
            b.put("address", e.address().toString());
            b.put("port", e.port());
        }
        final String method = o.masquerading ? "nat" : o.ipip ? "tun" : o.fullnat ? "fullnat" : o.gatewaying || add ? "dr" : null;
        if (method != null)
        {
            b.put("method", method);
        }
        if (o.weight != null || add)
        {
            b.put("weight", o.weight == null ? 1 : Integer.parseInt(o.weight.trim()));
        }
        if (o.upperThreshold != null)
        {
            b.put("upperThreshold", Integer.parseInt(o.upperThreshold.trim()));
        }
        if (o.lowerThreshold != null)
        {
            b.put("lowerThreshold", Integer.parseInt(o.lowerThreshold.trim()));
        }
        return b;
    }

    /** One API call; a refusal is told with the flag the user typed. */
    private JsonNode call(final Parsed p, final String method, final String path, final JsonNode body)
        throws AdmError, IOException
    {
        try
        {
            return client().send(method, path, body);
        }
        catch (final AdminClient.ApiRefusal ex)
        {
            if (ex.status == 401)
            {
                throw new AdmError("the director refused the admin token (HTTP 401); check --token-file", EXIT_UNREACHABLE);
            }
            throw new AdmError(flagFor(p, ex.field) + ": " + ex.reason);
        }
    }

    private static String flagFor(final Parsed p, final String field)
    {
        final String service = p.serviceFlag() == null ? "service" : name(p.serviceFlag()) + " " + serviceText(p);
        if (field == null)
        {
            return p.command();
        }
        switch (field)
        {
            case "service":
            case "protocol":
            case "vip":
            case "fwmark":
                return service;
            case "port":
                return p.o().realServer != null && ("-a".equals(p.command()) || "-e".equals(p.command()))
                    ? name("-r") + " " + p.o().realServer : service;
            case "ipv6": return name("-6");
            case "scheduler": return name("-s") + " " + p.o().scheduler;
            case "flags": return name("-b");
            case "persistent": return name("-p");
            case "netmask": return name("-M") + " " + p.o().netmask;
            case "onePacket": return name("-o");
            case "address":
            case "realServer":
                return name("-r") + " " + p.o().realServer;
            case "method":
                return "forwarding method";
            case "weight": return name("-w") + " " + p.o().weight;
            case "upperThreshold": return name("-x") + " " + p.o().upperThreshold;
            case "lowerThreshold": return name("-y") + " " + p.o().lowerThreshold;
            case "tcp":
            case "tcpFin":
            case "udp":
                return "--set";
            default:
                return field;
        }
    }

    private static String serviceText(final Parsed p)
    {
        final AdmOptions o = p.o();
        return "-t".equals(p.serviceFlag()) ? o.tcpService : "-u".equals(p.serviceFlag()) ? o.udpService : o.fwmarkService;
    }

    // ------------------------------------------------------------------------------------------ Fleet's own

    private void fleetCommand(final String command) throws AdmError, IOException
    {
        final Parsed none = new Parsed(command, new AdmOptions(), Set.of(), null, null);
        switch (command)
        {
            case "cluster":
                out.print(FleetLayout.cluster(call(none, "GET", "/v1/cluster", null)));
                break;
            case "vips":
                out.print(FleetLayout.vips(call(none, "GET", "/v1/vips", null)));
                break;
            case "health":
                out.print(FleetLayout.health(call(none, "GET", "/v1/health", null)));
                break;
            case "sync":
                out.print(FleetLayout.sync(call(none, "GET", "/v1/sync", null)));
                break;
            case "ports":
                out.print(FleetLayout.ports(call(none, "GET", "/v1/ports", null)));
                break;
            case "reload":
                out.print(FleetLayout.reload(call(none, "POST", "/v1/reload", null)));
                break;
            default:
                throw new AdmError("unknown command " + command);
        }
    }

    static String usage()
    {
        return "fleet adm " + FLEET_VERSION + ": ipvsadm's commands for a Fleet director (docs/adm.md)\n"
            + "Usage:\n"
            + "  fleet adm -A|E -t|u|f service-address [-s scheduler] [-p [timeout]] [-M netmask] [-b sched-flags] [-o]\n"
            + "  fleet adm -D -t|u|f service-address\n"
            + "  fleet adm -C\n"
            + "  fleet adm -R\n"
            + "  fleet adm -S [-n]\n"
            + "  fleet adm -a|e -t|u|f service-address -r server-address [-g|-m|-i|--fullnat] [-w weight] [-x upper] [-y lower]\n"
            + "  fleet adm -d -t|u|f service-address -r server-address\n"
            + "  fleet adm -L|l [-n] [-c] [--stats|--rate|--thresholds|--persistent-conn] [--exact] [--nosort] [--timeout] [--daemon]\n"
            + "  fleet adm -Z [-t|u|f service-address]\n"
            + "  fleet adm --set tcp tcpfin udp\n"
            + "  fleet adm cluster | vips | health | sync | ports | reload\n"
            + "  fleet adm -h | -v\n"
            + "Fleet's options:\n"
            + "  --fullnat                  full NAT forwarding (source and destination rewritten; Fleet's own)\n"
            + "  --node URL                 the director's admin API (default http://127.0.0.1:9780, or $FLEET_ADMIN_URL)\n"
            + "  --token-file FILE          the admin token (default /etc/fleet/admin.token, or $FLEET_ADMIN_TOKEN_FILE)\n"
            + "Addresses are always printed numerically; names are never looked up.\n";
    }
}
