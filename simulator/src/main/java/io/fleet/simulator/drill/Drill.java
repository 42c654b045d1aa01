package io.fleet.simulator.drill;

import io.fleet.director.demo.FreePorts;
import io.fleet.director.forward.ForwardingConfig;
import io.fleet.director.forward.Verdict;
import io.fleet.director.sched.SchedulerFactory;
import io.fleet.director.sched.SchedulerOptions;
import io.fleet.director.service.FlowKey;
import io.fleet.director.service.ForwardingMethod;
import io.fleet.director.service.IpAddress;
import io.fleet.director.service.RealServer;
import io.fleet.director.service.SchedulerFlag;
import io.fleet.director.service.SchedulerKind;
import io.fleet.director.service.Service;
import io.fleet.director.service.VirtualService;
import io.fleet.simulator.fabric.Fabric;
import io.fleet.vrrp.election.VipAddress;
import io.fleet.vrrp.election.VipGroup;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Runs one scenario on a simulated fleet: directors that are the real forwarding core, sync and election (each its
 * own Pekko ActorSystem on loopback), clients and real servers on one {@link Fabric}, all frames real. One
 * simulation thread drives the fabric, every director's core and the clients; the calling thread starts directors
 * and carries out the scenario's events at their (seeded) moments. The cluster runs on real time, so a run takes
 * its duration plus the time the fleet needs to form and stop.
 */
public final class Drill implements SimDirector.Observer, Clients.Observer
{
    /** Told about progress, on the calling thread, every 250 ms. */
    public interface Progress
    {
        void update(String phase, double fraction, String detail);
    }

    private static final long FORM_TIMEOUT_NS = 90_000_000_000L;
    private static final long SAMPLE_NS = 100_000_000L;
    private static final long LAG_CHECK_NS = 5_000_000L;
    private static final long LAG_GIVE_UP_NS = 5_000_000_000L;
    private static final int LAG_SAMPLE_EVERY = 8;

    private record RoleEvent(long atNs, int director, int group, boolean master)
    {
    }

    /** A sampled flow whose record is awaited at the other directors; looked at again after {@code nextCheckNs}. */
    private static final class LagProbe
    {
        final FlowKey key;
        final long sinceNs;
        final Set<Integer> pending;
        long nextCheckNs;

        LagProbe(final FlowKey key, final long sinceNs, final Set<Integer> pending)
        {
            this.key = key;
            this.sinceNs = sinceNs;
            this.pending = pending;
            this.nextCheckNs = sinceNs;
        }
    }

    private final Scenario scenario;
    private final Knobs knobs;
    private final Progress progress;
    private final Path workDir;
    private final Workload workload;
    private final Fabric fabric;
    private final int[] vips;
    private final int activeServers;
    private final int totalServers;
    private final int maxDirectors;
    private final int[] clusterPorts;
    private final int[] fabricPorts;
    private final SimDirector[] slots;
    private final ServerFarm farm;
    private final Clients clients;
    private final SplittableRandom picks;
    private final ConcurrentLinkedQueue<Runnable> simCommands = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<RoleEvent> roleEvents = new ConcurrentLinkedQueue<>();
    private final List<RoleEvent> roleLog = new ArrayList<>();
    private final List<SimDirector> directors = new CopyOnWriteArrayList<>();
    private final List<SimDirector> everStarted = new CopyOnWriteArrayList<>();
    private final List<LagProbe> probes = new ArrayList<>();
    private final List<double[]> lags = new ArrayList<>();
    private final DrillResult result = new DrillResult();
    private final Map<String, long[]> dropCounts = new HashMap<>();
    private final List<long[]> pendingTakeovers = new ArrayList<>();
    private final List<String> pendingTakeoverLabels = new ArrayList<>();
    private final int[] nextServer;
    private final ForwardingMethod method;
    private final Family family;
    private final Set<Integer> spares = new HashSet<>();
    private volatile boolean running = true;
    private volatile boolean traffic;
    private volatile long trafficStartNs;
    private long lastHealNs = Long.MIN_VALUE;
    private Thread simThread;
    private volatile Throwable simFailure;
    private long lagMissing;
    private long stoppingNs;

    private Drill(final Scenario scenario, final Knobs knobs, final Path workDir, final Progress progress)
    {
        this.scenario = scenario;
        this.knobs = knobs;
        this.progress = progress;
        this.workDir = workDir;
        this.workload = Workload.of(knobs);
        this.fabric = new Fabric(knobs.latencyUs * 1_000L, knobs.loss, knobs.seed);
        this.method = method(knobs);
        this.family = new Family(knobs.ipv6);
        this.picks = new SplittableRandom(knobs.seed * 31 + 7);
        this.vips = new int[knobs.vipCount()];
        for (int v = 0; v < vips.length; v++)
        {
            vips[v] = 0xC633_6400 + 10 + v; // 198.51.100.10 and up
        }
        int joins = 0;
        double addShare = 0;
        for (final Scenario.Event e : scenario.events())
        {
            joins += e.action() == Scenario.Action.JOIN ? e.count() : 0;
            addShare += e.action() == Scenario.Action.RS_ADD ? e.share() : 0;
        }
        this.activeServers = knobs.servers;
        this.totalServers = knobs.servers + (int)Math.ceil(addShare * knobs.servers);
        this.nextServer = new int[] {activeServers};
        for (int s = activeServers; s < totalServers; s++)
        {
            spares.add(s);
        }
        this.maxDirectors = knobs.directors + joins;
        this.clusterPorts = new int[maxDirectors + 1];
        this.fabricPorts = new int[maxDirectors + 1];
        this.slots = new SimDirector[maxDirectors + 1];
        this.farm = new ServerFarm(fabric, workload, totalServers, vips, Clients.ROUTER_MAC, maxDirectors, this::directorOfMac, family);
        this.clients = new Clients(fabric, workload, vips, farm, knobs, this, family);
        for (int d = 1; d <= maxDirectors; d++)
        {
            clusterPorts[d] = FreePorts.next();
            final int id = d;
            fabricPorts[d] = fabric.attach("d" + d, (frame, now) ->
            {
                final SimDirector current = slots[id];
                if (current != null)
                {
                    current.onFrame(frame, now);
                }
            });
        }
    }

    /**
     * Runs the scenario with these knobs.
     *
     * @param workDir where the directors keep their (durable catalog) data; deleted afterwards by the caller.
     * @throws DrillException when the knobs are bad or the fleet does not form.
     */
    public static DrillResult run(final Scenario scenario, final Knobs knobs, final Path workDir, final Progress progress)
    {
        knobs.validate();
        final Drill drill = new Drill(scenario, knobs, workDir, progress);
        return drill.execute();
    }

    /** The workload and fault moments a seed gives, without running anything (for checks and --dry-run). */
    public static long fingerprint(final Scenario scenario, final Knobs knobs)
    {
        long h = Workload.of(knobs).fingerprint();
        for (final Scenario.Fault f : scenario.faults(knobs.seed))
        {
            h = (h ^ f.atMs()) * 1099511628211L;
        }
        return h;
    }

    private DrillResult execute()
    {
        final long wallStart = System.nanoTime();
        final long cpuStartNs = processCpuNs();
        long formedNs = wallStart;
        result.scenario = scenario.name();
        result.description = scenario.description();
        result.knobs = knobs;
        result.workloadFingerprint = workload.fingerprint();
        simThread = new Thread(this::loop, "sim-fabric");
        simThread.setDaemon(true);
        simThread.start();
        try
        {
            formFleet();
            formedNs = System.nanoTime();
            result.formMs = (formedNs - wallStart) / 1_000_000L;
            runTraffic();
        }
        finally
        {
            stoppingNs = System.nanoTime();
            running = false;
            try
            {
                simThread.join(10_000);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
            progress.update("stopping", 1.0, "stopping " + everStarted.size() + " directors");
            for (final SimDirector d : everStarted)
            {
                d.shutdown();
            }
            for (final SimDirector d : everStarted)
            {
                d.awaitTerminated(15_000);
            }
        }
        if (simFailure != null)
        {
            throw new DrillException("the simulation thread failed: " + simFailure, simFailure);
        }
        collect();
        result.stopMs = (System.nanoTime() - stoppingNs) / 1_000_000L;
        result.wallMs = (System.nanoTime() - wallStart) / 1_000_000L;
        result.processCpuMs = (processCpuNs() - cpuStartNs) / 1_000_000L;
        return result;
    }

    // ============================================================================================ control thread

    /**
     * What each VIP group moves between directors: its VIP, and the return path that must follow the VIP's holder
     * (as in the lab): NAT's gateway for the group's servers, FULLNAT's local address.
     */
    private List<List<IpAddress>> groupAddresses()
    {
        final List<List<IpAddress>> groups = new ArrayList<>();
        for (int v = 0; v < vips.length; v++)
        {
            final List<IpAddress> addresses = new ArrayList<>();
            addresses.add(family.address(vips[v]));
            if (method == ForwardingMethod.NAT)
            {
                addresses.add(family.address(ServerFarm.gateway(v)));
            }
            else if (method == ForwardingMethod.FULLNAT)
            {
                addresses.add(family.address(ServerFarm.local(v)));
            }
            groups.add(List.copyOf(addresses));
        }
        return groups;
    }

    private List<VipGroup> groups()
    {
        final List<VipGroup> groups = new ArrayList<>();
        final List<List<IpAddress>> addresses = groupAddresses();
        for (int v = 0; v < vips.length; v++)
        {
            final List<VipAddress> list = new ArrayList<>();
            addresses.get(v).forEach(a -> list.add(VipAddress.parse(a.toString())));
            groups.add(new VipGroup("vip" + v, list, Map.of(), 100, true, 0));
        }
        return groups;
    }

    private static ForwardingMethod method(final Knobs knobs)
    {
        return switch (knobs.methodName())
        {
            case "tun" -> ForwardingMethod.TUN;
            case "nat" -> ForwardingMethod.NAT;
            case "fullnat" -> ForwardingMethod.FULLNAT;
            default -> ForwardingMethod.DR;
        };
    }

    private ForwardingConfig forwarding(final int id)
    {
        final SchedulerKind kind = SchedulerKind.parse("scheduler", knobs.scheduler);
        final ForwardingConfig fc = new ForwardingConfig().portMac(directorMac(id))
            .capacity(knobs.ipv6 ? 1024 : knobs.tableCapacity, knobs.ipv6 ? knobs.tableCapacity : 1024);
        if (knobs.ipv6)
        {
            fc.ipv6(family.address(0xC000_0200 + 10 + id));
        }
        else
        {
            fc.ipv4(IpAddress.ofIpv4(0xC000_0200 + 10 + id));
        }
        final SchedulerOptions options = SchedulerOptions.DEFAULTS.withRandomSeed(knobs.seed + id);
        for (int v = 0; v < vips.length; v++)
        {
            for (final boolean udp : new boolean[] {false, true})
            {
                final IpAddress vip = family.address(vips[v]);
                final VirtualService.Builder b = udp ? VirtualService.udp(vip, Clients.UDP_PORT) : VirtualService.tcp(vip, Clients.TCP_PORT);
                b.scheduler(kind);
                if (kind == SchedulerKind.MH || kind == SchedulerKind.SH)
                {
                    // Hash the client's port too: many flows share an address behind the router.
                    b.schedulerFlags(Set.of(SchedulerFlag.FLAG_2));
                }
                final VirtualService vs = b.build();
                final List<RealServer> servers = new ArrayList<>();
                for (int s = 0; s < totalServers; s++)
                {
                    final int weight = spares.contains(s) ? 0 : 1;
                    servers.add(RealServer.of(family.address(ServerFarm.address4(v, s)), 0, method, weight, 0, 0));
                }
                fc.service(Service.of(vs, SchedulerFactory.create(vs, options), servers));
            }
        }
        for (int v = 0; v < vips.length; v++)
        {
            for (int s = 0; s < totalServers; s++)
            {
                fc.staticMac(family.address(ServerFarm.address4(v, s)), ServerFarm.mac(s));
            }
        }
        fc.neighbours(Math.max(4096, Integer.highestOneBit(2 * vips.length * totalServers) << 1));
        final List<IpAddress> elected = new ArrayList<>();
        groupAddresses().forEach(elected::addAll);
        fc.electedAddresses(elected);
        if (method == ForwardingMethod.NAT || method == ForwardingMethod.FULLNAT)
        {
            // Replies to a client whose MAC this director never saw (a flow it took over): the router's.
            fc.gatewayMac(Clients.ROUTER_MAC);
        }
        if (method == ForwardingMethod.FULLNAT)
        {
            final List<IpAddress> locals = new ArrayList<>();
            for (int v = 0; v < vips.length; v++)
            {
                locals.add(family.address(ServerFarm.local(v)));
            }
            fc.fullnat(locals, 1024, 65535);
        }
        return fc;
    }

    static long directorMac(final int id)
    {
        return 0x02_00_00_00_0D_00L + id;
    }

    private int directorOfMac(final long mac)
    {
        final long id = mac - 0x02_00_00_00_0D_00L;
        return id >= 1 && id <= maxDirectors ? (int)id : -1;
    }

    private SimDirector startDirector(final int id, final List<Integer> seeds)
    {
        return SimDirector.start(id, clusterPorts[id], fabricPorts[id], seeds, workDir, forwarding(id), groupAddresses(), groups(),
            knobs.sync, fabric, this, d ->
            {
                everStarted.add(d);
                onSimAndWait(() ->
                {
                    slots[id] = d;
                    directors.add(d);
                    fabric.up(fabricPorts[id], true);
                });
            });
    }

    private void formFleet()
    {
        progress.update("forming", 0, "starting " + knobs.directors + " directors");
        final List<Integer> seeds = new ArrayList<>();
        for (int d = 1; d <= knobs.directors; d++)
        {
            seeds.add(clusterPorts[d]);
        }
        for (int d = knobs.directors + 1; d <= maxDirectors; d++)
        {
            fabric.up(fabricPorts[d], false);
        }
        // The first director forms the cluster at once (its only seed is itself); the others join it in parallel.
        startDirector(1, List.of(clusterPorts[1]));
        final List<CompletableFuture<SimDirector>> rest = new ArrayList<>();
        for (int d = 2; d <= knobs.directors; d++)
        {
            final int id = d;
            rest.add(CompletableFuture.supplyAsync(() -> startDirector(id, seeds)));
        }
        for (final CompletableFuture<SimDirector> f : rest)
        {
            try
            {
                f.get(60, TimeUnit.SECONDS);
            }
            catch (final Exception ex)
            {
                throw new DrillException("the fleet did not form: " + (ex.getCause() != null ? ex.getCause().getMessage() : ex), ex);
            }
        }
        // Every VIP held by exactly one director, the router knowing its MAC, and the election quiet for 1.5 s.
        final long deadline = System.nanoTime() + FORM_TIMEOUT_NS;
        onSimAndWait(() -> clients.resolveAll(System.nanoTime()));
        while (true)
        {
            final boolean[] ready = new boolean[1];
            onSimAndWait(() ->
            {
                drainRoles();
                final long now = System.nanoTime();
                final boolean quiet = roleLog.isEmpty() || now - roleLog.get(roleLog.size() - 1).atNs() > 1_500_000_000L;
                ready[0] = quiet && singleHolders() && clients.allResolved();
                if (!clients.allResolved())
                {
                    clients.resolveAll(now);
                }
            });
            if (ready[0])
            {
                break;
            }
            if (System.nanoTime() - deadline > 0)
            {
                throw new DrillException("the fleet of " + knobs.directors + " directors did not elect a holder for every VIP "
                    + "within " + FORM_TIMEOUT_NS / 1_000_000_000L + " s");
            }
            sleepMs(100);
            progress.update("forming", 0, "waiting for the election");
        }
    }

    private boolean singleHolders()
    {
        final int[] holders = holderCounts();
        for (final int h : holders)
        {
            if (h != 1)
            {
                return false;
            }
        }
        return true;
    }

    /** Masters per group from the role log (simulation thread). */
    private int[] holderCounts()
    {
        final Map<Integer, Set<Integer>> masters = masters();
        final int[] counts = new int[vips.length];
        for (int g = 0; g < vips.length; g++)
        {
            counts[g] = masters.getOrDefault(g, Set.of()).size();
        }
        return counts;
    }

    private Map<Integer, Set<Integer>> masters()
    {
        final Map<Integer, Set<Integer>> masters = new HashMap<>();
        for (final RoleEvent e : roleLog)
        {
            final Set<Integer> set = masters.computeIfAbsent(e.group(), g -> new HashSet<>());
            if (e.master())
            {
                set.add(e.director());
            }
            else
            {
                set.remove(e.director());
            }
        }
        return masters;
    }

    private void runTraffic()
    {
        onSimAndWait(() ->
        {
            trafficStartNs = System.nanoTime();
            clients.start(trafficStartNs);
            traffic = true;
        });
        for (final Scenario.Fault f : scenario.faults(knobs.seed))
        {
            if (f.atMs() >= knobs.durationMs)
            {
                result.faults.add(new DrillResult.FaultRecord(f.label(), f.atMs(), -1, "skipped: after the end of traffic"));
                continue;
            }
            waitUntil(f.atMs());
            execute(f);
        }
        waitUntil(knobs.durationMs);
        // Let every flow finish (or break: a client gives up after client-timeout).
        final long deadline = System.nanoTime() + knobs.clientTimeoutMs * 1_000_000L + 2_000_000_000L;
        while (System.nanoTime() - deadline < 0)
        {
            final boolean[] quiet = new boolean[1];
            onSimAndWait(() -> quiet[0] = clients.quiet());
            if (quiet[0])
            {
                break;
            }
            report("draining");
            sleepMs(50);
        }
        result.trafficMs = (System.nanoTime() - trafficStartNs) / 1_000_000L;
    }

    private void waitUntil(final long atMs)
    {
        while (true)
        {
            final long elapsedMs = (System.nanoTime() - trafficStartNs) / 1_000_000L;
            if (elapsedMs >= atMs)
            {
                return;
            }
            if (simFailure != null)
            {
                throw new DrillException("the simulation thread failed: " + simFailure, simFailure);
            }
            report("traffic");
            sleepMs(Math.min(100, atMs - elapsedMs));
        }
    }

    private long lastReportNs;

    private void report(final String phase)
    {
        final long now = System.nanoTime();
        if (now - lastReportNs < 250_000_000L)
        {
            return;
        }
        lastReportNs = now;
        final double elapsed = (now - trafficStartNs) / 1e6;
        progress.update(phase, Math.min(1.0, elapsed / knobs.durationMs), String.format(Locale.ROOT,
            "t=%.1fs/%.1fs flows %d/%d active %d broken %d", elapsed / 1000, knobs.durationMs / 1000.0, clients.started(),
            workload.size(), clients.active, clients.broken));
    }

    private long elapsedMs()
    {
        return (System.nanoTime() - trafficStartNs) / 1_000_000L;
    }

    private void execute(final Scenario.Fault fault)
    {
        final Scenario.Event e = fault.event();
        final long at = elapsedMs();
        final String detail;
        switch (e.action())
        {
            case KILL_HOLDER ->
            {
                final int group = Math.floorMod(e.group(), vips.length);
                final SimDirector victim = holderOf(group);
                if (victim == null)
                {
                    detail = "no live holder of group " + group;
                    break;
                }
                crash(List.of(victim), fault.label());
                detail = victim.name + " (held vip" + group + ")";
            }
            case KILL ->
            {
                final SimDirector victim = e.director() >= 1 && e.director() <= maxDirectors ? slots[e.director()] : null;
                if (victim == null || !victim.alive())
                {
                    detail = "director " + e.director() + " is not running";
                    break;
                }
                crash(List.of(victim), fault.label());
                detail = victim.name;
            }
            case PARTITION ->
            {
                final List<SimDirector> live = new ArrayList<>();
                for (final SimDirector d : directors)
                {
                    if (d.alive())
                    {
                        live.add(d);
                    }
                }
                live.sort(Comparator.comparingInt(d -> d.id));
                final List<SimDirector> minority = new ArrayList<>();
                final int size = Math.min(e.minority(), Math.max(0, (live.size() - 1) / 2));
                // The minority always has the director carrying VIP group 0, so that the partition moves traffic.
                final SimDirector carrier = holderOf(0);
                if (size > 0 && carrier != null && live.remove(carrier))
                {
                    minority.add(carrier);
                }
                while (minority.size() < size)
                {
                    minority.add(live.remove(picks.nextInt(live.size())));
                }
                partition(minority, live, fault.label());
                detail = "cut off: " + names(minority);
            }
            case HEAL ->
            {
                heal();
                detail = "all links restored";
            }
            case JOIN ->
            {
                final List<String> joined = new ArrayList<>();
                for (int i = 0; i < e.count(); i++)
                {
                    int id = -1;
                    for (int d = 1; d <= maxDirectors; d++)
                    {
                        if (slots[d] == null)
                        {
                            id = d;
                            break;
                        }
                    }
                    if (id < 0)
                    {
                        break;
                    }
                    final List<Integer> seeds = new ArrayList<>();
                    for (final SimDirector d : directors)
                    {
                        if (d.alive())
                        {
                            seeds.add(d.clusterPort);
                        }
                    }
                    startDirector(id, seeds);
                    joined.add("d" + id);
                }
                detail = "joined: " + String.join(", ", joined);
            }
            case ROLLING_RESTART ->
            {
                final List<String> done = new ArrayList<>();
                final List<SimDirector> order = new ArrayList<>(directors);
                order.sort(Comparator.comparingInt(d -> d.id));
                for (final SimDirector d : order)
                {
                    if (!d.alive())
                    {
                        continue;
                    }
                    restart(d, fault.label());
                    done.add(d.name + "@" + elapsedMs() + "ms");
                    final long until = elapsedMs() + e.gapMs();
                    waitUntil(until);
                }
                detail = "restarted " + String.join(", ", done);
            }
            case RS_FAIL ->
            {
                final List<Integer> candidates = new ArrayList<>();
                for (int s = 0; s < nextServer[0]; s++)
                {
                    if (!farm.dead(s))
                    {
                        candidates.add(s);
                    }
                }
                final List<Integer> victims = new ArrayList<>();
                for (int i = 0; i < e.count() && !candidates.isEmpty(); i++)
                {
                    victims.add(candidates.remove(picks.nextInt(candidates.size())));
                }
                onSimAndWait(() -> victims.forEach(farm::kill));
                result.deadServers.addAll(victims);
                final List<Integer> out = List.copyOf(victims);
                final Thread health = new Thread(() ->
                {
                    sleepMs(knobs.healthDelayMs);
                    onSimAndWait(() -> out.forEach(s -> setWeight(s, 0)));
                }, "sim-health");
                health.setDaemon(true);
                health.start();
                detail = "dead: " + serverNames(victims) + "; out of service after " + knobs.healthDelayMs + " ms";
            }
            case RS_ADD ->
            {
                final int add = (int)Math.ceil(e.share() * knobs.servers);
                final List<Integer> added = new ArrayList<>();
                for (int i = 0; i < add && nextServer[0] < totalServers; i++)
                {
                    added.add(nextServer[0]++);
                }
                onSimAndWait(() -> added.forEach(s -> setWeight(s, 1)));
                detail = "added: " + serverNames(added);
            }
            case WEIGHT ->
            {
                final List<Integer> candidates = new ArrayList<>();
                for (int s = 0; s < nextServer[0]; s++)
                {
                    candidates.add(s);
                }
                final int n = Math.max(1, (int)Math.round(e.share() * candidates.size()));
                final List<Integer> chosen = new ArrayList<>();
                for (int i = 0; i < n && !candidates.isEmpty(); i++)
                {
                    chosen.add(candidates.remove(picks.nextInt(candidates.size())));
                }
                onSimAndWait(() -> chosen.forEach(s -> setWeight(s, e.weight())));
                detail = serverNames(chosen) + " -> weight " + e.weight();
            }
            default -> throw new IllegalStateException("unhandled action " + e.action());
        }
        result.faults.add(new DrillResult.FaultRecord(fault.label(), fault.atMs(), at, detail));
    }

    private static String names(final List<SimDirector> list)
    {
        final List<String> names = new ArrayList<>();
        list.forEach(d -> names.add(d.name));
        return String.join(", ", names);
    }

    private static String serverNames(final List<Integer> servers)
    {
        final List<String> names = new ArrayList<>();
        servers.forEach(s -> names.add("rs" + (s + 1)));
        return String.join(", ", names);
    }

    /** Simulation thread: a server's weight on every running director, in every service. */
    private void setWeight(final int server, final int weight)
    {
        for (final SimDirector d : directors)
        {
            if (!d.alive())
            {
                continue;
            }
            for (final Service s : d.services)
            {
                final int group = vipIndex(s.virtualService().address());
                final RealServer rs = s.find(family.address(ServerFarm.address4(group, server)), s.virtualService().port());
                if (rs != null)
                {
                    s.edit(rs.address(), rs.port(), rs.method(), weight, 0, 0);
                }
            }
        }
    }

    private int vipIndex(final IpAddress vip)
    {
        for (int v = 0; v < vips.length; v++)
        {
            if (family.address(vips[v]).equals(vip))
            {
                return v;
            }
        }
        throw new IllegalStateException("not a VIP of the drill: " + vip);
    }

    private SimDirector holderOf(final int group)
    {
        final SimDirector[] holder = new SimDirector[1];
        onSimAndWait(() ->
        {
            // The holder that matters is the one the clients' router sends the VIP's traffic to; the election's own
            // view is the fallback (the router has not followed an announcement yet).
            final int routed = directorOfMac(clients.macOf(group));
            holder[0] = routed > 0 && slots[routed] != null && slots[routed].alive() ? slots[routed] : null;
            drainRoles();
            for (final int id : masters().getOrDefault(group, Set.of()))
            {
                if (holder[0] == null && slots[id] != null && slots[id].alive())
                {
                    holder[0] = slots[id];
                }
            }
        });
        return holder[0];
    }

    /** Remembers which VIPs the router sends to these directors now: their takeover is timed from this moment. */
    private void noteTakeoverCandidates(final List<SimDirector> leaving, final String label)
    {
        onSimAndWait(() ->
        {
            final long now = System.nanoTime();
            for (int v = 0; v < vips.length; v++)
            {
                final int id = directorOfMac(clients.macOf(v));
                for (final SimDirector d : leaving)
                {
                    if (d.id == id)
                    {
                        pendingTakeovers.add(new long[] {now, v, clients.macOf(v)});
                        pendingTakeoverLabels.add(label);
                    }
                }
            }
        });
    }

    private void crash(final List<SimDirector> victims, final String label)
    {
        noteTakeoverCandidates(victims, label);
        for (final SimDirector v : victims)
        {
            for (final SimDirector other : directors)
            {
                if (other != v && other.alive())
                {
                    v.blackhole(other, true);
                }
            }
        }
        onSimAndWait(() -> victims.forEach(SimDirector::crash));
    }

    private final List<SimDirector[]> cut = new ArrayList<>();

    private void partition(final List<SimDirector> minority, final List<SimDirector> majority, final String label)
    {
        noteTakeoverCandidates(minority, label);
        for (final SimDirector a : minority)
        {
            for (final SimDirector b : majority)
            {
                a.blackhole(b, true);
                cut.add(new SimDirector[] {a, b});
            }
        }
        onSimAndWait(() ->
        {
            final Map<Integer, Integer> sides = new HashMap<>();
            for (final SimDirector d : minority)
            {
                sides.put(d.fabricPort, 1);
            }
            fabric.partition(sides);
        });
    }

    private void heal()
    {
        for (final SimDirector[] pair : cut)
        {
            if (pair[0].alive() && pair[1].alive())
            {
                pair[0].blackhole(pair[1], false);
            }
        }
        cut.clear();
        onSimAndWait(() ->
        {
            fabric.heal();
            lastHealNs = System.nanoTime();
        });
    }

    private void restart(final SimDirector d, final String label)
    {
        noteTakeoverCandidates(List.of(d), label + " " + d.name);
        d.stop();
        onSimAndWait(() ->
        {
            directors.remove(d);
            slots[d.id] = null;
            fabric.up(d.fabricPort, false);
        });
        final List<Integer> seeds = new ArrayList<>();
        for (final SimDirector other : directors)
        {
            if (other.alive())
            {
                seeds.add(other.clusterPort);
            }
        }
        // The same address, port and MAC: a new incarnation of the same director.
        SimDirector again = null;
        for (int attempt = 0; attempt < 3 && again == null; attempt++)
        {
            try
            {
                again = startDirector(d.id, seeds);
            }
            catch (final RuntimeException ex)
            {
                if (attempt == 2)
                {
                    throw new DrillException("restarting " + d.name + " failed: " + ex.getMessage(), ex);
                }
                sleepMs(1_000);
            }
        }
    }

    private void onSimAndWait(final Runnable r)
    {
        if (Thread.currentThread() == simThread)
        {
            r.run();
            return;
        }
        final CompletableFuture<Void> done = new CompletableFuture<>();
        simCommands.add(() ->
        {
            try
            {
                r.run();
                done.complete(null);
            }
            catch (final Throwable t)
            {
                done.completeExceptionally(t);
            }
        });
        try
        {
            done.get(30, TimeUnit.SECONDS);
        }
        catch (final java.util.concurrent.ExecutionException ex)
        {
            throw new DrillException("simulation step failed: " + ex.getCause(), ex.getCause());
        }
        catch (final Exception ex)
        {
            throw new DrillException("simulation thread did not answer: " + ex, ex);
        }
    }

    private static void sleepMs(final long ms)
    {
        try
        {
            Thread.sleep(Math.max(1, ms));
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new DrillException("interrupted");
        }
    }

    // ============================================================================================ simulation thread

    private void loop()
    {
        long nextSampleNs = System.nanoTime();
        long nextLagNs = nextSampleNs;
        try
        {
            while (running)
            {
                final long now = System.nanoTime();
                int work = 0;
                Runnable r;
                while ((r = simCommands.poll()) != null)
                {
                    r.run();
                    work++;
                }
                work += fabric.deliver(now);
                for (final SimDirector d : directors)
                {
                    work += d.poll(now);
                }
                if (traffic)
                {
                    work += clients.tick(now);
                    if (now - nextSampleNs >= 0)
                    {
                        nextSampleNs = now + SAMPLE_NS;
                        result.series.add(new DrillResult.Sample((now - trafficStartNs) / 1_000_000L, clients.active,
                            clients.opened, clients.completed, clients.broken));
                    }
                    if (now - nextLagNs >= 0)
                    {
                        nextLagNs = now + LAG_CHECK_NS;
                        checkLag(now);
                        drainRoles();
                    }
                }
                if (work == 0)
                {
                    LockSupport.parkNanos(50_000);
                }
            }
            drainRoles();
        }
        catch (final Throwable t)
        {
            simFailure = t;
            running = false;
        }
        finally
        {
            result.simCpuMs = java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() / 1_000_000L;
        }
    }

    private void drainRoles()
    {
        RoleEvent e;
        while ((e = roleEvents.poll()) != null)
        {
            roleLog.add(e);
        }
    }

    @Override
    public void onDrop(final SimDirector director, final byte[] frame, final Verdict verdict)
    {
        dropCounts.computeIfAbsent(director.name, n -> new long[Verdict.values().length])[verdict.ordinal()]++;
        // Untagged IPv4 with ports: the flow is the source address and port (a client's packet), or the destination's
        // (a NAT reply on its way back to the client).
        // Untagged IPv6 (the drill's frames carry no extension headers): the addresses' last words, as for IPv4.
        final boolean v4 = frame.length >= 38 && frame[12] == 0x08 && frame[13] == 0x00;
        final boolean v6 = frame.length >= 58 && frame[12] == (byte)0x86 && frame[13] == (byte)0xDD;
        if (v4 || v6)
        {
            final int l4 = v4 ? 14 + (frame[14] & 0x0F) * 4 : 54;
            final int src = v4 ? 26 : 34;
            final int dst = v4 ? 30 : 50;
            if (frame.length >= l4 + 4)
            {
                int index = workload.indexOf(int32(frame, src), ((frame[l4] & 0xFF) << 8) | (frame[l4 + 1] & 0xFF));
                if (index < 0)
                {
                    index = workload.indexOf(int32(frame, dst), ((frame[l4 + 2] & 0xFF) << 8) | (frame[l4 + 3] & 0xFF));
                }
                if (index >= 0)
                {
                    workload.byIndex()[index].lastDrop = verdict.ordinal();
                }
            }
        }
    }

    private static int int32(final byte[] b, final int at)
    {
        return ((b[at] & 0xFF) << 24) | ((b[at + 1] & 0xFF) << 16) | ((b[at + 2] & 0xFF) << 8) | (b[at + 3] & 0xFF);
    }

    @Override
    public void onRole(final SimDirector director, final int group, final boolean master, final long nowNs)
    {
        roleEvents.add(new RoleEvent(nowNs, director.id, group, master));
    }

    @Override
    public void onEstablished(final Flow flow, final long nowNs)
    {
        if (knobs.sync && flow.index % LAG_SAMPLE_EVERY == 0)
        {
            // The director that forwarded the flow's SYN (the servers saw its MAC); the router's entry if none did.
            final int via = flow.director > 0 ? flow.director : directorOfMac(clients.macOf(flow.vip));
            final Set<Integer> pending = new HashSet<>();
            for (final SimDirector d : directors)
            {
                if (d.alive() && d.id != via)
                {
                    pending.add(d.id);
                }
            }
            if (!pending.isEmpty())
            {
                probes.add(new LagProbe(key(flow), nowNs, pending));
            }
        }
    }

    @Override
    public void onBroken(final Flow flow, final long nowNs)
    {
        if (flow.rs >= 0)
        {
            result.brokenByServer.merge(flow.rs, 1L, Long::sum);
        }
    }

    @Override
    public void onDone(final Flow flow, final long nowNs)
    {
        // counted by the clients
    }

    private FlowKey key(final Flow f)
    {
        return family.key(new FlowKey(), f.udp ? 17 : 6, f.clientIp, f.clientPort, vips[f.vip], f.udp ? Clients.UDP_PORT : Clients.TCP_PORT);
    }

    /**
     * Looks each probe up at the directors still missing it: every 5 ms while it is young, then every sixteenth of
     * its age (the lag is known to within ~6%), so that a fleet whose sync falls behind does not also make the
     * simulation thread look up thousands of probes every 5 ms (it did, at 10,000 new flows/s).
     */
    private void checkLag(final long now)
    {
        for (int i = probes.size() - 1; i >= 0; i--)
        {
            final LagProbe p = probes.get(i);
            if (p.nextCheckNs - now > 0)
            {
                continue;
            }
            p.pending.removeIf(id ->
            {
                final SimDirector d = slots[id];
                if (d == null || !d.alive())
                {
                    return true;
                }
                if (d.holds(p.key))
                {
                    lags.add(new double[] {(p.sinceNs - trafficStartNs) / 1e6, (now - p.sinceNs) / 1e6});
                    return true;
                }
                return false;
            });
            p.nextCheckNs = now + Math.max(LAG_CHECK_NS, (now - p.sinceNs) / 16);
            if (p.pending.isEmpty())
            {
                removeProbe(i);
            }
            else if (now - p.sinceNs > LAG_GIVE_UP_NS)
            {
                lagMissing += p.pending.size();
                removeProbe(i);
            }
        }
    }

    /** Removes without shifting the list (order does not matter). */
    private void removeProbe(final int i)
    {
        final int last = probes.size() - 1;
        probes.set(i, probes.get(last));
        probes.remove(last);
    }

    /** The router moved a VIP to another MAC: was each of its live flows in the new director's table then? */
    @Override
    public void onArpChange(final int vip, final long newMac)
    {
        if (!knobs.sync)
        {
            return;
        }
        final int id = directorOfMac(newMac);
        final SimDirector d = id > 0 ? slots[id] : null;
        for (final Flow f : workload.byIndex())
        {
            // Opening flows too: a handshake the old holder saw, whose next segment reaches the new holder (DR/TUN
            // records travel once established, so the new holder cannot have it yet).
            if (f.vip == vip && f.active())
            {
                f.unsyncedAtFault = d == null || !d.holds(key(f));
            }
        }
    }

    // ============================================================================================ figures

    private void collect()
    {
        result.opened = clients.opened;
        result.completed = clients.completed;
        result.broken = clients.broken;
        result.unfinished = clients.active;
        for (final Flow f : workload.byIndex())
        {
            if (f.state == Flow.BROKEN)
            {
                result.brokenByCause.merge(f.cause, 1L, Long::sum);
            }
        }
        // Takeovers: from the moment a fault took a director away to the router's ARP entry moving elsewhere.
        final List<Clients.ArpChange> changes = clients.arpChanges();
        for (int i = 0; i < pendingTakeovers.size(); i++)
        {
            final long[] t = pendingTakeovers.get(i);
            for (final Clients.ArpChange c : changes)
            {
                if (c.vip() == t[1] && c.atNs() - t[0] >= 0 && c.mac() != t[2])
                {
                    result.takeovers.add(new DrillResult.Takeover(pendingTakeoverLabels.get(i), family.address(vips[(int)t[1]]).toString(),
                        (c.atNs() - t[0]) / 1_000_000L));
                    break;
                }
            }
        }
        dualHolding();
        for (final Clients.ArpChange c : changes)
        {
            if (c.atNs() - trafficStartNs >= 0)
            {
                final int id = directorOfMac(c.mac());
                result.vipMoves.add(new DrillResult.VipMove((c.atNs() - trafficStartNs) / 1_000_000L,
                    family.address(vips[c.vip()]).toString(), id > 0 ? "d" + id : "?"));
            }
        }
        if (System.getenv("FLEET_SIM_DEBUG") != null)
        {
            for (final RoleEvent e : roleLog)
            {
                System.err.printf(Locale.ROOT, "role %8.0f ms d%d vip%d %s%n", (e.atNs() - trafficStartNs) / 1e6, e.director(),
                    e.group(), e.master() ? "MASTER" : "released");
            }
            for (final Flow f : workload.byIndex())
            {
                if (f.state == Flow.BROKEN)
                {
                    System.err.printf(Locale.ROOT, "broken flow %d %s vip%d opened %d ms established %s ms broken %.0f ms rs%d via d%d "
                        + "last drop %s cause %s%n", f.index, f.udp ? "udp" : "tcp", f.vip, f.startMs,
                        f.establishedNs == 0 ? "-" : Long.toString((f.establishedNs - trafficStartNs) / 1_000_000L), (f.brokenNs - trafficStartNs) / 1e6, f.rs + 1, f.director,
                        f.lastDrop < 0 ? "-" : Verdict.of(f.lastDrop).name(), f.cause.label());
                }
            }
            System.err.println("servers' next hops: " + farm.nextHopsForDebug(this::directorOfMac));
            for (final Clients.ArpChange c : changes)
            {
                System.err.printf(Locale.ROOT, "arp  %8.0f ms vip%d -> d%d%n", (c.atNs() - trafficStartNs) / 1e6, c.vip(),
                    directorOfMac(c.mac()));
            }
        }
        final double[] lagValues = new double[lags.size()];
        for (int i = 0; i < lags.size(); i++)
        {
            lagValues[i] = lags.get(i)[1];
            result.lagSeries.add(new DrillResult.LagSample((long)lags.get(i)[0], lags.get(i)[1]));
        }
        Arrays.sort(lagValues);
        result.syncLagSamples = lagValues.length;
        result.syncLagMissing = lagMissing + probes.stream().mapToLong(p -> p.pending.size()).sum();
        if (lagValues.length > 0)
        {
            result.syncLagP50Ms = percentile(lagValues, 0.50);
            result.syncLagP99Ms = percentile(lagValues, 0.99);
            result.syncLagMaxMs = lagValues[lagValues.length - 1];
        }
        final int inService = nextServer[0];
        result.newFlowsPerServer = new long[inService];
        double sum = 0;
        long max = 0;
        for (int s = 0; s < inService; s++)
        {
            long n = 0;
            for (final long c : farm.newFlows[s])
            {
                n += c;
            }
            result.newFlowsPerServer[s] = n;
            sum += n;
            max = Math.max(max, n);
        }
        final double mean = sum / Math.max(1, inService);
        double var = 0;
        for (final long n : result.newFlowsPerServer)
        {
            var += (n - mean) * (n - mean);
        }
        result.loadMaxOverMean = mean > 0 ? max / mean : 0;
        result.loadCv = mean > 0 ? Math.sqrt(var / Math.max(1, inService)) / mean : 0;
        for (int d = 1; d <= maxDirectors; d++)
        {
            long n = 0;
            for (int s = 0; s < totalServers; s++)
            {
                n += farm.newFlows[s][d];
            }
            if (n > 0 || (slots[d] != null))
            {
                result.newFlowsPerDirector.put("d" + d, n);
            }
        }
        for (final Map.Entry<String, long[]> e : dropCounts.entrySet())
        {
            for (final Verdict v : Verdict.values())
            {
                final long n = e.getValue()[v.ordinal()];
                if (n > 0)
                {
                    result.drops.merge(v.name().toLowerCase(Locale.ROOT), n, Long::sum);
                }
            }
        }
        result.repliesNotFromVip = clients.notFromVip;
        result.serverNextHopMisses = farm.nextHopMisses;
        result.framesSent = fabric.framesSent();
        result.framesLost = fabric.framesLost();
        result.framesPartitioned = fabric.framesPartitioned();
        result.framesDark = fabric.framesDark();
    }

    private static long processCpuNs()
    {
        return java.lang.management.ManagementFactory.getOperatingSystemMXBean()
            instanceof com.sun.management.OperatingSystemMXBean os ? os.getProcessCpuTime() : -1;
    }

    private static double percentile(final double[] sorted, final double p)
    {
        final int i = (int)Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1));
        return sorted[i];
    }

    /** Intervals in which a group had two or more masters, from the role log. */
    private void dualHolding()
    {
        final Map<Integer, Set<Integer>> masters = new HashMap<>();
        final Map<Integer, Long> dualSince = new HashMap<>();
        double max = 0;
        double afterHeal = lastHealNs == Long.MIN_VALUE ? -1 : 0;
        final List<RoleEvent> log = new ArrayList<>(roleLog);
        log.sort(Comparator.comparingLong(RoleEvent::atNs));
        for (final RoleEvent e : log)
        {
            final Set<Integer> set = masters.computeIfAbsent(e.group(), g -> new HashSet<>());
            if (e.master())
            {
                set.add(e.director());
            }
            else
            {
                set.remove(e.director());
            }
            final Long since = dualSince.get(e.group());
            if (set.size() >= 2 && since == null)
            {
                dualSince.put(e.group(), e.atNs());
            }
            else if (set.size() < 2 && since != null)
            {
                dualSince.remove(e.group());
                if (e.atNs() - trafficStartNs < 0)
                {
                    continue; // while the fleet formed, before traffic: not a figure of the drill
                }
                final double ms = (e.atNs() - Math.max(since, trafficStartNs)) / 1e6;
                max = Math.max(max, ms);
                if (lastHealNs != Long.MIN_VALUE && e.atNs() - lastHealNs > 0)
                {
                    afterHeal = Math.max(afterHeal, (e.atNs() - Math.max(since, lastHealNs)) / 1e6);
                }
            }
        }
        final long end = System.nanoTime();
        for (final Map.Entry<Integer, Long> open : dualSince.entrySet())
        {
            final double ms = (end - Math.max(open.getValue(), trafficStartNs)) / 1e6;
            max = Math.max(max, ms);
            if (lastHealNs != Long.MIN_VALUE)
            {
                afterHeal = Math.max(afterHeal, (end - Math.max(open.getValue(), lastHealNs)) / 1e6);
            }
        }
        result.dualHoldMaxMs = max;
        result.dualHoldAfterHealMaxMs = afterHeal;
    }
}
