package io.fleet.simulator.cli;

import io.fleet.director.sched.SchedulerFactory;
import io.fleet.director.sched.SchedulerOptions;
import io.fleet.director.service.FlowKey;
import io.fleet.director.service.ForwardingMethod;
import io.fleet.director.service.IpAddress;
import io.fleet.director.service.InvalidServiceException;
import io.fleet.director.service.RealServer;
import io.fleet.director.service.Scheduler;
import io.fleet.director.service.SchedulerFlag;
import io.fleet.director.service.SchedulerKind;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;

/**
 * {@code fleet sim sched}: what a scheduler would do with a set of real servers, using the director's own
 * scheduler classes. Either the picks in order, or how N random flows spread and how many move when a server
 * is removed or added.
 */
@Command(
    name = "sched",
    mixinStandardHelpOptions = true,
    description = {
        "What-if for an IPVS scheduler, using Fleet's real scheduler code.",
        "",
        "Picks:  --scheduler wrr --servers A:4,B:3,C:2 --picks 9 [--compact]",
        "Flows:  --scheduler mh --servers A,B,C --flows 100000 [--remove B | --add D:1] [--seed 7]",
        "",
        "Each pick or flow counts as one established connection on the server chosen, so lc, wlc, sed, nq,",
        "ovf and twos see the load they create. Servers get stand-in addresses 198.18.0.1, 198.18.0.2, ... (port",
        "80) in the order given, which is also the scan order; flows come from random clients to 198.51.100.1:80."},
    sortOptions = false)
final class SchedCommand implements Callable<Integer>
{
    private static final IpAddress VIP = IpAddress.ofIpv4(0xC6336401);

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = {"-s", "--scheduler"}, required = true, paramLabel = "NAME",
        description = "rr wrr lc wlc sed nq lblc lblcr dh sh mh fo ovf twos")
    String scheduler;

    @Option(names = "--servers", required = true, paramLabel = "NAME[:WEIGHT],...",
        description = "Real servers in scan order, weight 0..65535 (default 1).")
    String servers;

    @Option(names = "--active", paramLabel = "NAME:COUNT,...", description = "Active connections each server already has.")
    String active;

    @Option(names = "--inactive", paramLabel = "NAME:COUNT,...", description = "Inactive connections each server already has.")
    String inactive;

    @Option(names = {"-b", "--sched-flags"}, paramLabel = "FLAGS",
        description = "Scheduler flags, as ipvsadm -b: sh-fallback, sh-port, mh-fallback, mh-port, flag-1..3.")
    String flags;

    @Option(names = "--mh-table-size", paramLabel = "PRIME", defaultValue = "65537",
        description = "Maglev table size, a prime (default ${DEFAULT-VALUE}; the kernel's default is 4093).")
    int mhTableSize;

    @Option(names = "--picks", paramLabel = "N", description = "Print the first N picks in order.")
    Integer picks;

    @Option(names = "--compact", description = "With --picks: one line such as AABABCABC ('-' = no server).")
    boolean compact;

    @Option(names = "--flows", paramLabel = "N", description = "Spread N random flows and print each server's share.")
    Integer flows;

    @Option(names = "--remove", paramLabel = "NAME", description = "With --flows: remove this server and count the flows that move.")
    String remove;

    @Option(names = "--add", paramLabel = "NAME[:WEIGHT]", description = "With --flows: add this server and count the flows that move.")
    String add;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "1",
        description = "Seed for random flows and for twos (default ${DEFAULT-VALUE}).")
    long seed;

    @Override
    public Integer call()
    {
        final PrintWriter out = spec.commandLine().getOut();
        try
        {
            final SchedulerKind kind = SchedulerKind.parse("--scheduler", scheduler);
            final Set<SchedulerFlag> flagSet = SchedulerFlag.parse("--sched-flags", flags, kind);
            final SchedulerOptions options;
            try
            {
                options = SchedulerOptions.DEFAULTS.withMhTableSize(mhTableSize).withRandomSeed(seed);
            }
            catch (final IllegalArgumentException ex)
            {
                throw new InvalidServiceException("--mh-table-size", mhTableSize, "must be a prime such as 4093 or 65537");
            }
            final List<Named> named = parseServers("--servers", servers, 0);
            applyCounters("--active", active, named, true);
            applyCounters("--inactive", inactive, named, false);
            if ((picks == null) == (flows == null))
            {
                throw new InvalidServiceException("--picks/--flows", picks == null ? "neither" : "both",
                    "give exactly one of --picks N or --flows N");
            }
            if (picks != null)
            {
                if (remove != null || add != null)
                {
                    throw new InvalidServiceException(remove != null ? "--remove" : "--add",
                        remove != null ? remove : add, "works only with --flows");
                }
                requirePositive("--picks", picks);
                printPicks(out, kind, flagSet, options, named);
            }
            else
            {
                requirePositive("--flows", flows);
                if (remove != null && add != null)
                {
                    throw new InvalidServiceException("--remove/--add", remove + "/" + add, "give one change at a time");
                }
                if (compact)
                {
                    throw new InvalidServiceException("--compact", "true", "works only with --picks");
                }
                printFlows(out, kind, flagSet, options, named);
            }
            out.flush();
            return 0;
        }
        catch (final InvalidServiceException ex)
        {
            spec.commandLine().getErr().println("fleet sim sched: " + ex.getMessage());
            return SimMain.EXIT_USAGE;
        }
    }

    private void printPicks(
        final PrintWriter out, final SchedulerKind kind, final Set<SchedulerFlag> flagSet,
        final SchedulerOptions options, final List<Named> named)
    {
        final Scheduler s = scheduler(kind, flagSet, options, named);
        final SplittableRandom random = new SplittableRandom(seed);
        final FlowKey flow = new FlowKey();
        final StringBuilder compactLine = new StringBuilder();
        for (int i = 0; i < picks; i++)
        {
            randomFlow(flow, random);
            final RealServer rs = s.pick(flow, 0);
            final String name = rs == null ? "-" : nameOf(named, rs);
            if (rs != null)
            {
                rs.connectionBound(true);
            }
            if (compact)
            {
                compactLine.append(name);
            }
            else
            {
                out.println(name);
            }
        }
        if (compact)
        {
            out.println(compactLine);
        }
    }

    private void printFlows(
        final PrintWriter out, final SchedulerKind kind, final Set<SchedulerFlag> flagSet,
        final SchedulerOptions options, final List<Named> named)
    {
        final List<Named> after = new ArrayList<>(fresh(named));
        String change = null;
        if (remove != null)
        {
            final Named gone = find(named, remove);
            if (gone == null)
            {
                throw new InvalidServiceException("--remove", remove, "is not one of --servers");
            }
            after.removeIf(n -> n.name.equals(remove));
            change = "remove " + remove;
        }
        else if (add != null)
        {
            final Named added = parseServers("--add", add, named.size()).get(0);
            if (find(named, added.name) != null)
            {
                throw new InvalidServiceException("--add", add, "is already one of --servers");
            }
            after.add(added);
            change = "add " + added.name + ":" + added.server.weight();
        }

        final String[] assigned = assign(scheduler(kind, flagSet, options, named), named);
        out.printf(Locale.ROOT, "scheduler %s, %d servers, %d flows, seed %d%n", kind, named.size(), flows, seed);
        printShares(out, named, assigned);
        if (change == null)
        {
            return;
        }
        final String[] reassigned = assign(scheduler(kind, flagSet, options.withRandomSeed(seed), after), after);
        out.printf(Locale.ROOT, "%nafter %s:%n", change);
        printShares(out, after, reassigned);
        int moved = 0;
        for (int i = 0; i < assigned.length; i++)
        {
            if (!assigned[i].equals(reassigned[i]))
            {
                moved++;
            }
        }
        // The least any scheduler could move: the removed server's flows, or the new server's share.
        final String minimumFrom = remove != null ? remove : after.get(after.size() - 1).name;
        final long minimum = count(remove != null ? assigned : reassigned, minimumFrom);
        out.printf(Locale.ROOT, "%nflows that changed server: %d of %d (%s); the least possible: %s%n",
            moved, flows, percent(moved, flows), percent(minimum, flows));
    }

    private String[] assign(final Scheduler s, final List<Named> named)
    {
        final SplittableRandom random = new SplittableRandom(seed);
        final FlowKey flow = new FlowKey();
        final String[] assigned = new String[flows];
        for (int i = 0; i < flows; i++)
        {
            randomFlow(flow, random);
            final RealServer rs = s.pick(flow, 0);
            if (rs != null)
            {
                rs.connectionBound(true);
            }
            assigned[i] = rs == null ? "-" : nameOf(named, rs);
        }
        return assigned;
    }

    private void printShares(final PrintWriter out, final List<Named> named, final String[] assigned)
    {
        final int width = Math.max(6, named.stream().mapToInt(n -> n.name.length()).max().orElse(6));
        out.printf(Locale.ROOT, "%-" + width + "s %7s %10s %8s%n", "server", "weight", "flows", "share");
        final Map<String, Long> counts = new LinkedHashMap<>();
        named.forEach(n -> counts.put(n.name, 0L));
        for (final String a : assigned)
        {
            counts.merge(a, 1L, Long::sum);
        }
        for (final Named n : named)
        {
            final long c = counts.get(n.name);
            out.printf(Locale.ROOT, "%-" + width + "s %7d %10d %8s%n", n.name, n.server.weight(), c, percent(c, assigned.length));
        }
        final Long none = counts.get("-");
        if (none != null && none > 0)
        {
            out.printf(Locale.ROOT, "%-" + width + "s %7s %10d %8s%n", "(none)", "", none, percent(none, assigned.length));
        }
    }

    private static Scheduler scheduler(
        final SchedulerKind kind, final Set<SchedulerFlag> flagSet, final SchedulerOptions options, final List<Named> named)
    {
        final Scheduler s = SchedulerFactory.create(kind, flagSet.contains(SchedulerFlag.FLAG_1),
            flagSet.contains(SchedulerFlag.FLAG_2), options);
        final RealServer[] list = new RealServer[named.size()];
        for (int i = 0; i < list.length; i++)
        {
            list[i] = named.get(i).server;
        }
        s.update(list);
        return s;
    }

    private static void randomFlow(final FlowKey flow, final SplittableRandom random)
    {
        flow.ipv4(6, random.nextInt(), 1024 + random.nextInt(65536 - 1024), VIP.ipv4(), 80);
    }

    private static List<Named> parseServers(final String option, final String text, final int firstIndex)
    {
        final List<Named> out = new ArrayList<>();
        if (text == null || text.isBlank())
        {
            throw new InvalidServiceException(option, text, "list servers as NAME[:WEIGHT],...");
        }
        for (final String raw : text.split(","))
        {
            final String item = raw.trim();
            final String[] parts = item.split(":", -1);
            if (parts.length > 2 || !parts[0].matches("[A-Za-z0-9_.-]+"))
            {
                throw new InvalidServiceException(option, item, "expected NAME[:WEIGHT] with a name of letters, digits, . _ -");
            }
            final int weight;
            try
            {
                weight = parts.length == 2 ? Integer.parseInt(parts[1]) : RealServer.DEFAULT_WEIGHT;
            }
            catch (final NumberFormatException ex)
            {
                throw new InvalidServiceException(option, item, "weight must be a whole number 0..65535");
            }
            if (weight < 0 || weight > RealServer.MAX_WEIGHT)
            {
                throw new InvalidServiceException(option, item, "weight must be 0..65535");
            }
            if (find(out, parts[0]) != null)
            {
                throw new InvalidServiceException(option, parts[0], "names a server twice");
            }
            final IpAddress address = IpAddress.ofIpv4(0xC6120000 + firstIndex + out.size() + 1);
            out.add(new Named(parts[0], RealServer.of(address, 80, ForwardingMethod.DR, weight, 0, 0)));
        }
        return out;
    }

    private static void applyCounters(final String option, final String text, final List<Named> named, final boolean isActive)
    {
        if (text == null)
        {
            return;
        }
        for (final String raw : text.split(","))
        {
            final String item = raw.trim();
            final String[] parts = item.split(":", -1);
            final Named n = parts.length == 2 ? find(named, parts[0]) : null;
            if (n == null)
            {
                throw new InvalidServiceException(option, item, "expected NAME:COUNT with a NAME from --servers");
            }
            final int count;
            try
            {
                count = Integer.parseInt(parts[1]);
            }
            catch (final NumberFormatException ex)
            {
                throw new InvalidServiceException(option, item, "count must be a whole number >= 0");
            }
            if (count < 0)
            {
                throw new InvalidServiceException(option, item, "count must be >= 0");
            }
            final RealServer rs = n.server;
            rs.counters(isActive ? count : rs.activeConnections(), isActive ? rs.inactiveConnections() : count);
        }
    }

    /** Copies with the counters as they are now, for the second run of a before/after comparison. */
    private static List<Named> fresh(final List<Named> named)
    {
        final List<Named> copy = new ArrayList<>();
        for (final Named n : named)
        {
            final RealServer rs = RealServer.of(n.server.address(), n.server.port(), n.server.method(), n.server.weight(), 0, 0);
            rs.counters(n.server.activeConnections(), n.server.inactiveConnections());
            copy.add(new Named(n.name, rs));
        }
        return copy;
    }

    private static Named find(final List<Named> named, final String name)
    {
        for (final Named n : named)
        {
            if (n.name.equals(name))
            {
                return n;
            }
        }
        return null;
    }

    private static String nameOf(final List<Named> named, final RealServer rs)
    {
        for (final Named n : named)
        {
            if (n.server == rs)
            {
                return n.name;
            }
        }
        throw new IllegalStateException("scheduler returned a server it was not given: " + rs);
    }

    private static long count(final String[] assigned, final String name)
    {
        long c = 0;
        for (final String a : assigned)
        {
            if (a.equals(name))
            {
                c++;
            }
        }
        return c;
    }

    private static String percent(final long part, final long whole)
    {
        return String.format(Locale.ROOT, "%.2f%%", 100.0 * part / whole);
    }

    private static void requirePositive(final String option, final int value)
    {
        if (value < 1 || value > 50_000_000)
        {
            throw new InvalidServiceException(option, value, "must be 1..50000000");
        }
    }

    /** A server and the name the operator gave it. */
    private static final class Named
    {
        final String name;
        final RealServer server;

        Named(final String name, final RealServer server)
        {
            this.name = name;
            this.server = server;
        }
    }
}
