package io.fleet.director.daemon;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.fleet.director.admin.AdminServer;
import io.fleet.director.admin.AdminSettings;
import io.fleet.director.config.ConfigException;
import io.fleet.director.health.FleetdHealth;
import io.fleet.director.config.DirectorConfig;
import io.fleet.director.forward.ForwardingConfig;
import io.fleet.director.cluster.SyncBridge;
import io.fleet.director.forward.ForwardingCore;
import io.fleet.director.port.PcapFilter;
import io.fleet.director.port.PcapPort;
import io.fleet.director.port.Port;
import io.fleet.director.port.VxlanPort;
import io.fleet.director.worker.ForwardingWorker;
import io.fleet.director.proxy.ProxyConfig;
import io.fleet.director.proxy.ProxyServer;
import io.fleet.director.sched.SchedulerOptions;
import io.fleet.director.service.IpAddress;
import io.fleet.director.service.Service;
import io.fleet.director.catalog.CatalogRules;
import io.fleet.sync.ClusterNode;
import io.fleet.sync.catalog.ServiceCatalog;
import io.fleet.sync.conn.ConnectionReplication;
import io.fleet.vrrp.link.Link;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.SystemNanoClock;
import io.fleet.sync.cluster.ClusterMember;
import io.fleet.sync.cluster.MembershipListener;
import io.fleet.vrrp.agent.AgentRunner;
import io.fleet.vrrp.cluster.ClusterMembership;
import io.fleet.vrrp.cluster.ClusterVipService;
import io.fleet.vrrp.config.VrrpSettings;
import io.fleet.vrrp.election.Role;
import io.fleet.vrrp.election.RoleChange;
import io.fleet.vrrp.election.VipAddress;
import io.fleet.vrrp.election.VipGroup;
import org.apache.pekko.actor.typed.Props;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.File;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * One director process ({@code fleet run --config FILE}): the cluster node (sync), the VIP election over it
 * (vrrp), and either the L4 proxy, which binds a VIP only while this director holds its group (mode proxy), or a
 * forwarding worker on a packet port (mode pcap or vxlan) whose core answers for a VIP only while it is held,
 * with its connections replicated to the fleet through {@link SyncBridge}. Logs one line
 * per event that matters; never per connection. SIGTERM: releases the VIPs, leaves the cluster, exits 0.
 */
public final class Fleetd implements AutoCloseable
{
    /** Exit code for a configuration that cannot be used. */
    public static final int EXIT_CONFIG = 2;
    /**
     * The cluster removed this director (downed by the split brain resolver, or it could not rejoin): its ActorSystem
     * is gone and cannot come back in this process, so it exits for the service manager to start a fresh one.
     */
    public static final int EXIT_DOWNED = 3;
    private static volatile int exitCode;

    private static final Logger LOG = LoggerFactory.getLogger(Fleetd.class);
    /** How long a preempting director waits for the old holder's release before it takes the group anyway. */
    private static final long HANDOVER_TIMEOUT_NS = 1_000_000_000L;
    /** How long a director holds back from retaking VIPs after a heal while its connection state catches up. */
    private static final long CATCH_UP_AFTER_HEAL_TIMEOUT_NS = 15_000_000_000L;

    private final ClusterNode node;
    private final ProxyServer proxy;
    private final Port port;
    private final ForwardingCore core;
    private final ForwardingWorker worker;
    private final org.agrona.concurrent.AgentRunner workerRunner;
    private final ClusterVipService vips;
    private final AgentRunner vipRunner;
    private final Map<String, VipGroup> groups = new HashMap<>();
    private final List<io.fleet.vrrp.wire.VrrpInstanceConfig> wireConfigs;
    private final String self;
    private final ServiceCatalog catalog;
    private final FleetdControl control;
    private final FleetdHealth health;
    private final AdminServer admin;
    /** The VRRP wire instances beside the forwarding worker (pcap mode), or null. */
    private final WireMain.Running wire;

    private Fleetd(final File file, final Validated validated) throws Exception
    {
        final Config config = validated.config();
        final ForwardingConfig forwarding = validated.forwarding();
        final VrrpSettings vrrp = validated.vrrp();
        this.wireConfigs = vrrp.wireInstances();
        final String mode = validated.mode();
        this.node = ClusterNode.start(config);
        this.self = node.self().host() + ":" + node.self().port();
        final List<Service> services = forwarding.services();
        for (final VipGroup g : vrrp.groups())
        {
            groups.put(g.name(), g);
        }
        final Link link;
        ConnectionReplication replicated = null;
        if ("proxy".equals(mode))
        {
            this.proxy = ProxyServer.start(ProxyConfig.defaults().timeouts(forwarding.timeouts()), services);
            this.port = null;
            this.core = null;
            this.worker = null;
            this.workerRunner = null;
            this.wire = null;
            link = PortLink.none();
        }
        else
        {
            this.proxy = null;
            final List<IpAddress> elected = new java.util.ArrayList<>();
            for (final VipGroup g : vrrp.groups())
            {
                for (final VipAddress a : g.addresses())
                {
                    elected.add(IpAddress.ofBytes(a.bytes()));
                }
            }
            // Wire instances' VIPs too: the core answers for them only while their instance is master.
            for (final io.fleet.vrrp.wire.VrrpInstanceConfig w : vrrp.wireInstances())
            {
                for (final VipAddress a : w.addresses())
                {
                    elected.add(IpAddress.ofBytes(a.bytes()));
                }
            }
            forwarding.holdVips(false).electedAddresses(elected).syncRing(4 << 20)
                .epochOffsetNs(System.currentTimeMillis() * 1_000_000L - System.nanoTime());
            this.port = openPort(config, mode, forwarding);
            this.core = new ForwardingCore(forwarding, port, System.nanoTime());
            this.worker = new ForwardingWorker("fleet-worker", core, port, new SystemNanoClock(), 64);
            final SyncBridge bridge = new SyncBridge(core);
            final ConnectionReplication replication = ConnectionReplication.start(node, bridge);
            replicated = replication;
            bridge.sync(replication);
            worker.afterFrames(() -> bridge.drain(256));
            this.workerRunner = new org.agrona.concurrent.AgentRunner(
                new BackoffIdleStrategy(100, 10, 1_000, 100_000), ex -> LOG.error("forwarding worker", ex), null, worker);
            org.agrona.concurrent.AgentRunner.startOnThread(workerRunner);
            link = new PortLink(forwarding.portMac(), port, worker);
            this.wire = vrrp.wireInstances().isEmpty() ? null : WireMain.start(
                new PcapWireLink(config.getString("director.interface"), PcapWireLink.ADVERTS_ONLY, link.macAddress()),
                vrrp, vrrp.wireInstances(), this::onWireState);
            // A director that joins holds the fleet's live connections before it takes any VIP.
            try
            {
                replication.caughtUp().toCompletableFuture().get(15, TimeUnit.SECONDS);
                LOG.info("connection state caught up");
            }
            catch (final TimeoutException ex)
            {
                LOG.warn("connection state not caught up after 15 s; taking part in the election anyway");
            }
        }
        // The catalog decides the services before this director takes any VIP (docs/control.md).
        this.catalog = ServiceCatalog.start(node, new CatalogRules());
        this.control = new FleetdControl(file, validated, node, catalog, proxy, core, worker, port, replicated,
            forwarding.timeouts(), groups, Fleetd::println);
        control.start();
        this.health = startHealth(file, forwarding.services());
        this.admin = startAdmin(config);
        this.vips = new ClusterVipService(self, vrrp.groups(), vrrp.stableAfterNs(), link, vrrp.announce(),
            vrrp.notifyScripts(), null, ClusterVipService.Tracking.none(), this::onRoleChange);
        // One holder per group across the fleet, with or without preemption, and hand-backs that release before
        // they take (docs/vrrp.md, "Shared holders").
        vips.shareHolders(io.fleet.sync.vip.HolderRegister.start(node), HANDOVER_TIMEOUT_NS);
        if (replicated != null)
        {
            // After a heal, retake VIPs only once the connections written on the other side are here.
            vips.catchUpAfterHeal(replicated::caughtUpWith, CATCH_UP_AFTER_HEAL_TIMEOUT_NS);
        }
        this.vipRunner = new AgentRunner("fleet-vrrp", vips, 10_000_000L).start();
        vips.wakeUp(vipRunner::wake);
        node.system().systemActorOf(ClusterMembership.create(ClusterMembership::hostPort, vips::onView),
            "fleet-vip-membership", Props.empty());
        node.addMembershipListener(new MembershipListener()
        {
            @Override
            public void memberUp(final ClusterMember member)
            {
                event("member up", member);
            }

            @Override
            public void memberUnreachable(final ClusterMember member)
            {
                event("member unreachable", member);
            }

            @Override
            public void memberReachable(final ClusterMember member)
            {
                event("member reachable", member);
            }

            @Override
            public void memberRemoved(final ClusterMember member)
            {
                event("member removed", member);
            }
        });
        LOG.info("director {} up in {} mode: {} services, {} VIP groups{}", self, mode, services.size(), groups.size(),
            proxy != null ? ", proxy on " + proxy.transport() : ", port " + port.name());
    }

    /**
     * Health checks from the file; their verdicts (the fleet's, by votes and the service's quorum) set weights
     * through the control plane. A verdict "up" with the file's weight restores the weight the catalog holds now
     * (an operator's later change stays); any other weight (MISC_CHECK's dynamic one) is applied as it is.
     */
    private FleetdHealth startHealth(final File file, final List<Service> fileServices)
    {
        final Map<String, Integer> fileWeights = new HashMap<>();
        for (final Service s : fileServices)
        {
            for (final io.fleet.director.service.RealServer rs : s.realServers())
            {
                fileWeights.put(io.fleet.director.control.ServiceId.of(s.virtualService()) + "|" + rs.address() + ":"
                    + (rs.port() == 0 ? s.virtualService().port() : rs.port()), rs.weight());
            }
        }
        final FleetdHealth h = FleetdHealth.start(file, node, (service, rs, up, weight, remove) ->
        {
            final Integer configured = fileWeights.get(service + "|" + rs.address() + ":"
                + (rs.port() == 0 ? service.port() : rs.port()));
            control.healthVerdict(service, rs, up, up && configured != null && configured == weight ? -1 : weight, remove);
        });
        control.healthProvider(h::status);
        return h;
    }

    /** The admin API when its token file exists (a director without one runs without the API, and says so). */
    private AdminServer startAdmin(final Config config)
    {
        final AdminSettings settings = AdminSettings.fromConfig(config);
        if (!java.nio.file.Files.isReadable(settings.tokenFile()))
        {
            LOG.warn("admin API off: token file {} not readable (fleet.admin.token-file)", settings.tokenFile());
            return null;
        }
        final AdminServer server = AdminServer.start(node.system(), control, settings);
        LOG.info("admin API on http://{}:{}/", settings.bind(), settings.port());
        println("ADMIN http://" + settings.bind() + ":" + settings.port() + "/");
        return server;
    }

    private static Port openPort(final Config config, final String mode, final ForwardingConfig forwarding) throws Exception
    {
        if ("pcap".equals(mode))
        {
            final List<IpAddress> vipList = new java.util.ArrayList<>();
            final List<IpAddress> natServers = new java.util.ArrayList<>();
            for (final Service s : forwarding.services())
            {
                if (s.virtualService().address() != null)
                {
                    vipList.add(s.virtualService().address());
                }
                for (final io.fleet.director.service.RealServer rs : s.realServers())
                {
                    if (rs.method().repliesViaDirector())
                    {
                        natServers.add(rs.address());
                    }
                }
            }
            return new PcapPort(config.getString("director.interface"),
                PcapFilter.of(vipList, forwarding.localAddresses(), natServers), 8 << 20);
        }
        final List<InetSocketAddress> remotes = new java.util.ArrayList<>();
        for (final String r : config.getStringList("director.vxlan.remotes"))
        {
            remotes.add(socket(r));
        }
        return new VxlanPort(socket(config.getString("director.vxlan.local")), remotes,
            config.getInt("director.vxlan.vni"), 8 << 20);
    }

    private static InetSocketAddress socket(final String hostPort)
    {
        final int colon = hostPort.lastIndexOf(':');
        return new InetSocketAddress(hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1)));
    }

    private static void event(final String what, final ClusterMember member)
    {
        LOG.info("{} {}:{}", what, member.host(), member.port());
        println("MEMBER " + what.substring(7).toUpperCase(java.util.Locale.ROOT) + " " + member.host() + ":" + member.port());
    }

    /** The lines tests and scripts read (READY, ROLE, MEMBER, SERVICES, RELOAD): one whole line at a time. */
    private static void println(final String line)
    {
        synchronized (System.out)
        {
            System.out.println(line);
            System.out.flush();
        }
    }

    /** Reads and changes this director: what the admin API, metrics and health checks plug into. */
    public FleetdControl control()
    {
        return control;
    }

    /**
     * Runs on the wire vrrp thread (pcap mode): the core answers for the instance's VIPs while it is master; its
     * port answers their ARP requests, the wire link sends the adverts and the gratuitous ARPs.
     */
    private void onWireState(final String instance, final io.fleet.vrrp.wire.VrrpState from, final io.fleet.vrrp.wire.VrrpState to)
    {
        final boolean hold = to == io.fleet.vrrp.wire.VrrpState.MASTER;
        for (final io.fleet.vrrp.wire.VrrpInstanceConfig w : wireConfigs)
        {
            if (w.name().equals(instance))
            {
                for (final VipAddress a : w.addresses())
                {
                    final IpAddress vip = IpAddress.ofBytes(a.bytes());
                    worker.submit(() -> core.hold(vip, hold));
                }
            }
        }
        println("STATE " + instance + " " + from + " " + to);
    }

    /** Runs on the election's thread: bind or release the group's VIPs. */
    private void onRoleChange(final RoleChange change)
    {
        if (control != null)
        {
            control.onRoleChange(change);
        }
        final VipGroup group = groups.get(change.group());
        final boolean hold = change.to() == Role.MASTER;
        for (final VipAddress a : group.addresses())
        {
            final IpAddress vip = IpAddress.ofBytes(a.bytes());
            try
            {
                if (proxy == null)
                {
                    worker.submit(() -> core.hold(vip, hold));
                }
                else if (hold)
                {
                    proxy.bind(vip);
                }
                else
                {
                    proxy.unbind(vip);
                }
            }
            catch (final RuntimeException ex)
            {
                LOG.error("VIP {} of group {}: could not {}: {}", vip, change.group(), hold ? "bind" : "release", ex.getMessage());
            }
        }
        LOG.info("VIP group {} {} -> {} (holder {})", change.group(), change.from(), change.to(), change.holder());
        println("ROLE " + change.group() + " " + change.to() + " " + self);
    }

    private volatile boolean closing;

    /** Completes when this director's cluster node is gone (downed, or stopped by {@link #close}). */
    java.util.concurrent.CompletionStage<?> whenRemoved()
    {
        return node.system().getWhenTerminated();
    }

    @Override
    public void close()
    {
        closing = true;
        LOG.info("director {} stopping: releasing VIPs, leaving the cluster", self);
        for (final VipGroup g : groups.values())
        {
            for (final VipAddress a : g.addresses())
            {
                final IpAddress vip = IpAddress.ofBytes(a.bytes());
                if (proxy != null)
                {
                    proxy.unbind(vip);
                }
                else
                {
                    worker.submit(() -> core.hold(vip, false));
                }
            }
        }
        try
        {
            vipRunner.close();
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        if (wire != null)
        {
            // Priority 0 adverts while the link is open: the other routers take over after their Skew_Time.
            wire.close();
        }
        if (admin != null)
        {
            admin.close();
        }
        if (health != null)
        {
            health.close();
        }
        control.close();
        if (proxy != null)
        {
            proxy.close();
        }
        if (workerRunner != null)
        {
            workerRunner.close();
        }
        node.close(Duration.ofSeconds(5));
    }

    /** A checked configuration, ready to start. */
    record Validated(Config config, ForwardingConfig forwarding, VrrpSettings vrrp, String mode)
    {
    }

    /**
     * Checks a director's file - services, ports, election - without starting anything (also what the example
     * configs are tested with).
     *
     * @throws ConfigException listing every problem with file and line.
     */
    public static void check(final File file)
    {
        validate(file);
    }

    static Validated validate(final File file)
    {
        final ForwardingConfig forwarding = DirectorConfig.load(file, SchedulerOptions.DEFAULTS, true);
        final Config config = ConfigFactory.parseFile(file).withFallback(ConfigFactory.load()).resolve();
        final VrrpSettings vrrp;
        try
        {
            vrrp = VrrpSettings.from(config);
        }
        catch (final com.typesafe.config.ConfigException ex)
        {
            throw new ConfigException(List.of(file + (ex.origin() != null && ex.origin().lineNumber() > 0
                ? ":" + ex.origin().lineNumber() : "") + ": " + ex.getMessage()));
        }
        catch (final IllegalArgumentException ex)
        {
            // The election's own checks (addresses, priorities) name the value but not where it is.
            final int line = config.hasPath("fleet.vrrp") ? config.getValue("fleet.vrrp").origin().lineNumber() : -1;
            throw new ConfigException(List.of(file + (line > 0 ? ":" + line : "") + ": fleet.vrrp: " + ex.getMessage()));
        }
        final String mode = config.hasPath("director.mode") ? config.getString("director.mode") : "proxy";
        final List<String> problems = wireProblems(file, config, forwarding, vrrp, mode);
        if (!problems.isEmpty())
        {
            throw new ConfigException(problems);
        }
        return new Validated(config, forwarding, vrrp, mode);
    }

    /**
     * What VRRP wire mode needs from the rest of the file: wire instances speak on {@code director.interface}, so
     * they run only in wire mode (alone) or pcap mode (beside the forwarding worker, whose core answers ARP for what
     * they hold: from the port MAC, so no virtual MAC there); a wire-mode director runs no cluster, so it has no
     * cluster groups or services; and no address is elected both ways at once.
     */
    private static List<String> wireProblems(
        final File file, final Config config, final ForwardingConfig forwarding, final VrrpSettings vrrp, final String mode)
    {
        final List<String> problems = new java.util.ArrayList<>();
        final List<io.fleet.vrrp.wire.VrrpInstanceConfig> wire = vrrp.wireInstances();
        final String wirePath = "fleet.vrrp.wire-instances";
        if ("wire".equals(mode))
        {
            if (wire.isEmpty())
            {
                problems.add(at(file, config, "director.mode") + ": " + wirePath +
                    ": empty (director.mode = wire runs only VRRP wire instances)");
            }
            if (!vrrp.groups().isEmpty())
            {
                problems.add(at(file, config, "fleet.vrrp.groups") + ": fleet.vrrp.groups: a wire-mode director joins " +
                    "no cluster, so it cannot hold cluster groups (use director.mode = pcap for both)");
            }
            if (!forwarding.services().isEmpty())
            {
                problems.add(at(file, config, "services") + ": services: a wire-mode director forwards nothing " +
                    "(use director.mode = pcap to forward beside its wire instances)");
            }
            return problems;
        }
        if (wire.isEmpty())
        {
            return problems;
        }
        if (!"pcap".equals(mode))
        {
            problems.add(at(file, config, wirePath) + ": " + wirePath + ": VRRP speaks on a NIC: only in director.mode " +
                "wire or pcap (got " + mode + ")");
            return problems;
        }
        final java.util.Set<VipAddress> clusterAddresses = new java.util.HashSet<>();
        vrrp.groups().forEach(g -> clusterAddresses.addAll(g.addresses()));
        final List<? extends Config> entries = config.getConfigList(wirePath);
        for (int i = 0; i < wire.size(); i++)
        {
            final String where = line(file, entries.get(i).origin()) + ": " + wirePath + "[" + i + "]";
            if (wire.get(i).useVirtualMac())
            {
                problems.add(where + ".use-virtual-mac: must be false in pcap mode (the forwarding core answers ARP " +
                    "for the VIP from director.mac)");
            }
            for (final VipAddress a : wire.get(i).addresses())
            {
                if (clusterAddresses.contains(a))
                {
                    problems.add(where + ".addresses: " + a + " is also in a fleet.vrrp.groups entry: wire mode and " +
                        "the cluster election must not run for the same VIP");
                }
            }
        }
        return problems;
    }

    private static String at(final File file, final Config config, final String path)
    {
        return config.hasPath(path) ? line(file, config.getValue(path).origin()) : file.toString();
    }

    private static String line(final File file, final com.typesafe.config.ConfigOrigin origin)
    {
        return file + (origin != null && origin.lineNumber() > 0 ? ":" + origin.lineNumber() : "");
    }

    /**
     * Validates the whole file (services, sync, vrrp) before anything starts.
     *
     * @return the started director.
     * @throws ConfigException listing every problem with file and line.
     */
    public static Fleetd start(final File file)
    {
        final Validated v = validate(file);
        if ("wire".equals(v.mode()))
        {
            throw new IllegalArgumentException(file + ": director.mode = wire runs without a cluster: start it with " +
                "fleet run (Fleetd.main)");
        }
        try
        {
            return new Fleetd(file, v);
        }
        catch (final Exception ex)
        {
            throw new IllegalStateException("director failed to start: " + ex.getMessage(), ex);
        }
    }

    /**
     * SIGHUP reloads the config file ({@link FleetdControl#reload}), on a thread of its own so that the signal
     * dispatcher is never held while the catalog writes.
     */
    @SuppressWarnings("restriction")
    private static void onSighup(final Fleetd fleetd)
    {
        try
        {
            final sun.misc.SignalHandler before = sun.misc.Signal.handle(new sun.misc.Signal("HUP"), sig ->
            {
                final Thread t = new Thread(() ->
                {
                    try
                    {
                        fleetd.control.reload();
                    }
                    catch (final RuntimeException ex)
                    {
                        LOG.error("config refused: reload failed: {}", ex.toString(), ex);
                        println("RELOAD refused 1 " + ex);
                    }
                }, "fleet-reload");
                // The signal dispatcher has no context class loader, and Typesafe Config needs one for its defaults.
                t.setContextClassLoader(Fleetd.class.getClassLoader());
                t.setDaemon(true);
                t.start();
            });
            if (before == sun.misc.SignalHandler.SIG_IGN)
            {
                // The JVM leaves a signal ignored at start (nohup) ignored: SIGHUP will never arrive.
                LOG.warn("SIGHUP is ignored by this process (started under nohup?); reload with 'fleet adm reload'");
            }
        }
        catch (final IllegalArgumentException ex)
        {
            LOG.warn("SIGHUP cannot be handled here ({}); reload through the admin API", ex.getMessage());
        }
    }

    /**
     * {@code director.mode = wire}: only the VRRP wire instances on {@code director.interface} (no cluster, no
     * forwarding), a director standing beside Keepalived nodes during a migration (docs/vrrp.md). Prints
     * {@code READY <interface> <mac>} and {@code STATE <instance> <from> <to>}; SIGTERM sends priority 0 adverts
     * (the backups take over after their Skew_Time) and exits 0.
     */
    private static void runWire(final Validated validated) throws InterruptedException
    {
        final String interfaceName = validated.config().getString("director.interface");
        final WireMain.Running running;
        try
        {
            running = WireMain.start(new PcapWireLink(interfaceName), validated.vrrp(), validated.vrrp().wireInstances(),
                (instance, from, to) -> println("STATE " + instance + " " + from + " " + to));
        }
        catch (final Exception ex)
        {
            System.err.println("fleet run: cannot open director.interface " + interfaceName + ": " + ex.getMessage());
            System.exit(1);
            return;
        }
        final CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() ->
        {
            LOG.info("wire-mode director on {} stopping: priority 0 adverts", interfaceName);
            running.close();
            stopped.countDown();
            Runtime.getRuntime().halt(0);
        }, "fleet-shutdown"));
        LOG.info("director up in wire mode on {}: {} VRRP instances", interfaceName, validated.vrrp().wireInstances().size());
        println("READY " + interfaceName + " " + WireMain.mac(running.macAddress()));
        stopped.await();
    }

    public static void main(final String[] args) throws InterruptedException
    {
        if (args.length != 2 || !args[0].equals("--config"))
        {
            System.err.println("usage: fleet run --config FILE");
            System.exit(EXIT_CONFIG);
        }
        final File file = new File(args[1]);
        final Fleetd fleetd;
        try
        {
            final Validated validated = validate(file);
            if ("wire".equals(validated.mode()))
            {
                runWire(validated);
                return;
            }
            fleetd = start(file);
        }
        catch (final ConfigException ex)
        {
            ex.problems().forEach(p -> System.err.println("fleet run: " + p));
            System.exit(EXIT_CONFIG);
            return;
        }
        final CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() ->
        {
            fleetd.close();
            stopped.countDown();
            // A stop by SIGTERM is the normal way out (systemd, kill): exit 0, not the JVM's 143.
            Runtime.getRuntime().halt(exitCode);
        }, "fleet-shutdown"));
        fleetd.whenRemoved().thenRun(() ->
        {
            if (!fleetd.closing)
            {
                LOG.error("director {} was removed from the cluster (downed); exiting with {} so that the service manager "
                    + "starts a fresh director, which rejoins and catches up", fleetd.self, EXIT_DOWNED);
                println("DOWNED " + fleetd.self);
                exitCode = EXIT_DOWNED;
                // Not on the terminating system's thread: System.exit waits for the shutdown hook.
                final Thread exit = new Thread(() -> System.exit(EXIT_DOWNED), "fleet-downed-exit");
                exit.start();
            }
        });
        onSighup(fleetd);
        println("READY " + fleetd.self);
        stopped.await();
    }
}
