package io.fleet.director.daemon;

import io.fleet.director.catalog.CatalogCodec;
import io.fleet.director.catalog.CatalogEdit;
import io.fleet.director.catalog.CatalogEdits;
import io.fleet.director.catalog.CatalogRules;
import io.fleet.director.config.ConfigException;
import io.fleet.director.conn.ConnectionTable;
import io.fleet.director.conn.TcpState;
import io.fleet.director.conn.Timeouts;
import io.fleet.director.control.ClusterStatus;
import io.fleet.director.control.ConnectionEntry;
import io.fleet.director.control.ConnectionFilter;
import io.fleet.director.control.ControlException;
import io.fleet.director.control.DirectorControl;
import io.fleet.director.control.Endpoint;
import io.fleet.director.control.HealthStatus;
import io.fleet.director.control.Page;
import io.fleet.director.control.PortStatus;
import io.fleet.director.control.RealServerSpec;
import io.fleet.director.control.RealServerStatus;
import io.fleet.director.control.ReloadResult;
import io.fleet.director.control.ServiceId;
import io.fleet.director.control.ServiceSpec;
import io.fleet.director.control.ServiceStatus;
import io.fleet.director.control.SyncStatus;
import io.fleet.director.control.TimeoutSettings;
import io.fleet.director.control.Traffic;
import io.fleet.director.forward.CoreCounters;
import io.fleet.director.forward.Destination;
import io.fleet.director.forward.ForwardingCore;
import io.fleet.director.port.Port;
import io.fleet.director.port.PortCounters;
import io.fleet.director.proxy.ProxyConnection;
import io.fleet.director.proxy.ProxyServer;
import io.fleet.director.proxy.TrafficCounters;
import io.fleet.director.sched.SchedulerFactory;
import io.fleet.director.sched.SchedulerOptions;
import io.fleet.director.service.ForwardingMethod;
import io.fleet.director.service.IpAddress;
import io.fleet.director.service.Protocol;
import io.fleet.director.service.RealServer;
import io.fleet.director.service.Service;
import io.fleet.director.service.VirtualService;
import io.fleet.director.worker.ForwardingWorker;
import io.fleet.sync.ClusterNode;
import io.fleet.sync.catalog.EditResult;
import io.fleet.sync.catalog.FieldMap;
import io.fleet.sync.catalog.ServiceCatalog;
import io.fleet.sync.cluster.ClusterMember;
import io.fleet.sync.cluster.MembershipListener;
import io.fleet.sync.conn.ConnectionReplication;
import io.fleet.sync.conn.ConnectionStats;
import io.fleet.vrrp.election.RoleChange;
import io.fleet.vrrp.election.VipAddress;
import io.fleet.vrrp.election.VipGroup;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.cluster.ddata.typed.javadsl.DistributedData;
import org.apache.pekko.cluster.ddata.typed.javadsl.Replicator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.File;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * {@link DirectorControl} for a running {@link Fleetd}. The replicated service catalog is the desired state:
 * every command becomes catalog edits (checked by {@link CatalogRules} before they replicate), and every catalog
 * change, on whichever director it was made, comes back here through the catalog's listener, is decoded
 * ({@link CatalogCodec}), overlaid with health verdicts ({@link #healthVerdict}) and applied to the data plane:
 * {@link ForwardingCore#reconcile} on the forwarding worker's thread in packet modes, {@link ProxyServer#reconcile}
 * in proxy mode. See docs/control.md for the rules (seeding, reload as a difference, timeouts per host).
 *
 * <p>Thread-safe. Applying runs on one control thread, so changes apply in the order they arrive; reads of the
 * data plane are snapshots taken on the worker's thread (packet modes) or under the proxy's guards.
 */
public final class FleetdControl implements DirectorControl, AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(FleetdControl.class);
    private static final long WORKER_TIMEOUT_MS = 2_000;
    /** Rates are averaged over this many one-second samples (ipvsadm's estimator uses 2 s; a little smoother here). */
    private static final int RATE_SAMPLES = 5;

    private final File file;
    private final String self;
    private final ClusterNode node;
    private final ServiceCatalog catalog;
    private final ProxyServer proxy;
    private final ForwardingCore core;
    private final ForwardingWorker worker;
    private final Port port;
    private final String mode;
    private final ConnectionReplication replication;
    private final Timeouts timeouts;
    private final Map<String, VipGroup> groups;
    private final Consumer<String> stdout;

    private final ExecutorService applier = Executors.newSingleThreadExecutor(r -> daemon(r, "fleet-control"));
    private final ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "fleet-rates"));
    private final Object reloadLock = new Object();

    /** The catalog's services as last decoded: the configured (desired) state. */
    private volatile List<ServiceSpec> specs = List.of();
    /** The config file's services as last applied: what a reload is a difference from. */
    private volatile List<ServiceSpec> fileSpecs;
    private volatile Fleetd.Validated fileConfig;
    /** The file's timeouts as last applied (a copy: the running {@link Timeouts} also take API changes). */
    private volatile TimeoutSettings fileTimeouts;
    private volatile Supplier<List<HealthStatus>> healthProvider = List::of;
    private final Map<ServiceId, Map<Endpoint, Verdict>> verdicts = new ConcurrentHashMap<>();
    private String lastPrinted = "";

    private final Map<String, ClusterStatus.Member> members = new ConcurrentHashMap<>();
    private final Map<String, RoleChange> roles = new ConcurrentHashMap<>();
    private final AtomicLong transitions = new AtomicLong();

    /** Totals per service key and per {@code serviceKey|endpoint}, one map a second, newest last. */
    private final ArrayDeque<Sample> samples = new ArrayDeque<>();

    /** A health verdict as the health checkers give it. */
    private record Verdict(boolean up, int weight, boolean removeOnDown)
    {
    }

    private record Sample(long atNs, Map<String, long[]> totals)
    {
    }

    FleetdControl(
        final File file, final Fleetd.Validated config, final ClusterNode node, final ServiceCatalog catalog,
        final ProxyServer proxy, final ForwardingCore core, final ForwardingWorker worker, final Port port,
        final ConnectionReplication replication, final Timeouts timeouts, final Map<String, VipGroup> groups,
        final Consumer<String> stdout)
    {
        this.file = file;
        this.fileConfig = config;
        this.node = node;
        this.self = node.self().host() + ":" + node.self().port();
        this.catalog = catalog;
        this.proxy = proxy;
        this.core = core;
        this.worker = worker;
        this.port = port;
        this.mode = config.config().hasPath("director.mode") ? config.config().getString("director.mode") : "proxy";
        this.replication = replication;
        this.timeouts = timeouts;
        this.groups = groups;
        this.stdout = stdout;
        this.fileSpecs = specsOf(config.forwarding().services());
        this.fileTimeouts = timeoutsOf(config.forwarding().timeouts());
        this.specs = fileSpecs;
        node.addMembershipListener(new MembershipListener()
        {
            @Override
            public void memberUp(final ClusterMember m)
            {
                members.put(m.hostPort(), new ClusterStatus.Member(m.hostPort(), "up", true, List.copyOf(m.roles())));
            }

            @Override
            public void memberUnreachable(final ClusterMember m)
            {
                members.computeIfPresent(m.hostPort(), (k, v) -> new ClusterStatus.Member(k, v.status(), false, v.roles()));
            }

            @Override
            public void memberReachable(final ClusterMember m)
            {
                members.computeIfPresent(m.hostPort(), (k, v) -> new ClusterStatus.Member(k, v.status(), true, v.roles()));
            }

            @Override
            public void memberRemoved(final ClusterMember m)
            {
                members.remove(m.hostPort());
            }
        });
    }

    private static Thread daemon(final Runnable r, final String name)
    {
        final Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    // ============================================================================================ start

    /**
     * Starts following the catalog. A director whose durable copy says the fleet was seeded applies the catalog
     * now, before it takes part in the election (a local read: no network). Otherwise it keeps serving its file's
     * services, and in the background, once it is an up member, reads the catalog with a majority read: a fleet
     * that was never seeded (no {@code meta seeded} field) is seeded from this file; a fleet that was is followed
     * as soon as its catalog arrives. Until one of the two, an unseeded catalog is never applied, so the data
     * plane is never emptied by a catalog that simply has not arrived yet.
     */
    void start()
    {
        final Map<String, Map<String, byte[]>> local = readLocal(catalog.view());
        catalog.addListener(this::onCatalog);
        sampler.scheduleAtFixedRate(this::sample, 1, 1, TimeUnit.SECONDS);
        if (local.containsKey(CatalogCodec.META_KEY))
        {
            LOG.info("catalog: {} services in the durable catalog; the file's services are the base of reloads only",
                CatalogCodec.decode(local, new ArrayList<>()).size());
            stdout.accept("CATALOG followed durable");
            try
            {
                applier.submit(this::refresh).get(10, TimeUnit.SECONDS);
            }
            catch (final Exception ex)
            {
                LOG.warn("catalog: not applied before the election ({}); it applies when ready", ex.toString());
            }
            return;
        }
        final Thread seeder = new Thread(this::seedIfNeverSeeded, "fleet-catalog-seed");
        seeder.setDaemon(true);
        seeder.start();
    }

    private void seedIfNeverSeeded()
    {
        Map<String, Map<String, byte[]>> view;
        String how = "majority";
        try
        {
            if (node.syncConfig().getStringList("node.seed-nodes").isEmpty())
            {
                // Joins nobody, so never up: this director's own durable copy is the fleet's.
                view = readLocal(catalog.view());
                how = "local";
            }
            else
            {
                node.awaitUp(Duration.ofSeconds(120));
                view = readMajority(Duration.ofSeconds(3));
            }
        }
        catch (final Exception ex)
        {
            LOG.warn("catalog: no majority read ({}); deciding on the local copy", ex.toString());
            view = readLocal(catalog.view());
            how = "local";
        }
        if (view.containsKey(CatalogCodec.META_KEY) || catalog.view().containsKey(CatalogCodec.META_KEY))
        {
            LOG.info("catalog: the fleet's catalog was seeded before; following it");
            stdout.accept("CATALOG followed " + how);
            applier.execute(this::refresh);
            return;
        }
        final List<String> changes = new ArrayList<>();
        final List<CatalogEdit> edits = new ArrayList<>(CatalogEdits.diff(List.of(), fileSpecs, view, changes));
        edits.add(new CatalogEdit(CatalogCodec.META_KEY, CatalogCodec.SEEDED_FIELD,
            (self + " " + System.currentTimeMillis()).getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        final List<String> problems = execute(edits, Duration.ofSeconds(10));
        LOG.info("catalog: seeded from {}: {}{}", file, changes.isEmpty() ? "no services" : String.join(", ", changes),
            problems.isEmpty() ? "" : "; problems: " + problems);
        stdout.accept("CATALOG seeded " + how + (problems.isEmpty() ? "" : " with " + problems.size() + " problems"));
        applier.execute(this::refresh);
    }

    private Map<String, Map<String, byte[]>> readMajority(final Duration timeout) throws Exception
    {
        final CatalogKey key = new CatalogKey(node.syncConfig().getString("catalog.key"));
        final ActorRef<Replicator.Command> replicator = DistributedData.get(node.system()).replicator();
        final CompletionStage<Replicator.GetResponse<FieldMap>> reply = AskPattern.ask(replicator,
            (ActorRef<Replicator.GetResponse<FieldMap>> replyTo) -> new Replicator.Get<>(key,
                new Replicator.ReadMajority(timeout), replyTo), timeout.plusSeconds(2), node.system().scheduler());
        final Replicator.GetResponse<FieldMap> r = reply.toCompletableFuture().get(timeout.toMillis() + 3_000, TimeUnit.MILLISECONDS);
        if (r instanceof Replicator.GetSuccess<FieldMap> ok)
        {
            return ok.dataValue().view();
        }
        if (r instanceof Replicator.NotFound)
        {
            return Map.of();
        }
        throw new IllegalStateException("majority read: " + r);
    }

    private Map<String, Map<String, byte[]>> readLocal(final Map<String, Map<String, byte[]>> fallback)
    {
        try
        {
            final CatalogKey key = new CatalogKey(node.syncConfig().getString("catalog.key"));
            final ActorRef<Replicator.Command> replicator = DistributedData.get(node.system()).replicator();
            final Replicator.GetResponse<FieldMap> r = AskPattern.ask(replicator,
                (ActorRef<Replicator.GetResponse<FieldMap>> replyTo) -> new Replicator.Get<>(key, Replicator.readLocal(), replyTo),
                Duration.ofSeconds(5), node.system().scheduler()).toCompletableFuture().get(6, TimeUnit.SECONDS);
            return r instanceof Replicator.GetSuccess<FieldMap> ok ? ok.dataValue().view() : Map.of();
        }
        catch (final Exception ex)
        {
            return fallback;
        }
    }

    // ============================================================================================ applying

    private void onCatalog(final FieldMap ignored)
    {
        applier.execute(this::refresh);
    }

    /** On the control thread: decode the catalog, apply it with the health overlay. */
    private void refresh()
    {
        final Map<String, Map<String, byte[]>> view = catalog.view();
        if (!view.containsKey(CatalogCodec.META_KEY))
        {
            // Not seeded (yet): keep serving the file's services.
            specs = fileSpecs;
            return;
        }
        final List<String> problems = new ArrayList<>();
        final List<ServiceSpec> decoded = CatalogCodec.decode(view, problems);
        for (final String p : problems)
        {
            LOG.warn("catalog: unreadable record left out: {}", p);
        }
        specs = decoded;
        apply();
    }

    /** On the control thread. */
    private void apply()
    {
        final List<ServiceSpec> wanted = specs;
        final List<Service> desired = new ArrayList<>();
        for (final ServiceSpec spec : wanted)
        {
            try
            {
                desired.add(build(spec));
            }
            catch (final RuntimeException ex)
            {
                LOG.error("service {} cannot be built, left as it runs: {}", spec.id(), ex.getMessage());
            }
        }
        List<String> problems;
        try
        {
            problems = proxy != null ? proxy.reconcile(desired) : onWorker(() -> core.reconcile(desired));
        }
        catch (final RuntimeException ex)
        {
            // A worker that did not answer in time still runs the reconcile when it gets to it.
            problems = List.of("reconcile: " + ex.getMessage());
        }
        for (final String p : problems)
        {
            LOG.error("applying the catalog: {}", p);
        }
        final String line = "SERVICES " + describe(wanted);
        if (!line.equals(lastPrinted))
        {
            lastPrinted = line;
            LOG.info("services applied: {}", describe(wanted));
            stdout.accept(line);
        }
    }

    /** A fresh service from its spec, health verdicts applied: down servers weigh 0 or are left out. */
    private Service build(final ServiceSpec spec)
    {
        final VirtualService vs = spec.service();
        final Map<Endpoint, Verdict> health = verdicts.getOrDefault(spec.id(), Map.of());
        final List<RealServer> servers = new ArrayList<>();
        for (final RealServerSpec rs0 : spec.realServers())
        {
            final RealServerSpec rs = CatalogCodec.resolved(spec.id(), rs0);
            final Verdict v = health.get(rs.endpoint());
            int weight = rs.weight();
            if (v != null && !v.up())
            {
                if (v.removeOnDown())
                {
                    continue;
                }
                weight = 0;
            }
            else if (v != null && v.weight() >= 0)
            {
                weight = v.weight();
            }
            servers.add(RealServer.of(rs.address(), rs.port(), rs.method(), weight, rs.upperThreshold(), rs.lowerThreshold()));
        }
        return Service.of(vs, SchedulerFactory.create(vs, SchedulerOptions.DEFAULTS), servers);
    }

    /** {@code tcp:192.0.2.1:80[192.0.2.11:80 w1 dr,...];...}: one line a test or an operator can compare. */
    static String describe(final List<ServiceSpec> list)
    {
        final StringBuilder b = new StringBuilder();
        for (final ServiceSpec s : list)
        {
            if (b.length() > 0)
            {
                b.append(';');
            }
            b.append(s.id()).append(' ').append(s.service().scheduler().ipvsName()).append('[');
            for (int i = 0; i < s.realServers().size(); i++)
            {
                final RealServerSpec rs = CatalogCodec.resolved(s.id(), s.realServers().get(i));
                b.append(i == 0 ? "" : ",").append(rs.endpoint()).append(" w").append(rs.weight()).append(' ')
                    .append(rs.method().name().toLowerCase(Locale.ROOT));
            }
            b.append(']');
        }
        return b.length() == 0 ? "-" : b.toString();
    }

    /**
     * The health checkers' verdict on one real server of one service, applied on this director only (each
     * director applies the fleet's verdict itself): down sets its scheduler weight to 0 (inhibit) or takes it out
     * of the service ({@code removeOnDown}); up restores the configured weight, or sets {@code weightOrMinus1}
     * when that is 0 or more (a dynamic weight). Connections already bound go on either way.
     */
    public void healthVerdict(
        final ServiceId service, final Endpoint realServer, final boolean up, final int weightOrMinus1, final boolean removeOnDown)
    {
        final Endpoint ep = realServer.port() == 0 ? new Endpoint(realServer.address(), service.port()) : realServer;
        final Verdict v = new Verdict(up, weightOrMinus1, removeOnDown);
        final Verdict old = verdicts.computeIfAbsent(service, k -> new ConcurrentHashMap<>()).put(ep, v);
        if (!v.equals(old))
        {
            applier.execute(this::apply);
        }
    }

    /** Where {@link #health()} comes from (the health checkers plug in here); an empty list until then. */
    public void healthProvider(final Supplier<List<HealthStatus>> provider)
    {
        this.healthProvider = Objects.requireNonNull(provider);
    }

    /** The election's role changes (Fleetd forwards them). */
    void onRoleChange(final RoleChange change)
    {
        roles.put(change.group(), change);
        transitions.incrementAndGet();
    }

    // ============================================================================================ commands

    @Override
    public List<ServiceStatus> services()
    {
        final Map<String, long[]> totals = totals();
        final Map<String, double[]> rates = rates(totals);
        final Map<String, int[]> conns = connectionCounts();
        final List<ServiceStatus> list = new ArrayList<>();
        for (final ServiceSpec spec : specs)
        {
            final String key = spec.service().key();
            final Map<Endpoint, Verdict> health = verdicts.getOrDefault(spec.id(), Map.of());
            final List<RealServerStatus> servers = new ArrayList<>();
            for (final RealServerSpec rs0 : spec.realServers())
            {
                final RealServerSpec rs = CatalogCodec.resolved(spec.id(), rs0);
                final String rkey = key + "|" + rs.endpoint();
                final int[] c = conns.getOrDefault(rkey, new int[4]);
                final Verdict v = health.get(rs.endpoint());
                final String state = v == null ? "unchecked" : v.up() ? "up" : "down";
                // Effective weight: what the scheduler uses now (-1 from the snapshot when the server is out).
                final int effective = c[3] < 0 ? 0 : c[3];
                servers.add(new RealServerStatus(rs, effective, state, c[0], c[1], c[2], traffic(totals.get(rkey), rates.get(rkey))));
            }
            list.add(new ServiceStatus(spec.service(), servers, traffic(totals.get(key), rates.get(key))));
        }
        return list;
    }

    @Override
    public CompletionStage<Void> addService(final VirtualService service)
    {
        return change(() -> CatalogEdits.addService(catalog.view(), checked(service)));
    }

    @Override
    public CompletionStage<Void> editService(final VirtualService service)
    {
        return change(() -> CatalogEdits.editService(catalog.view(), checked(service)));
    }

    @Override
    public CompletionStage<Void> deleteService(final ServiceId id)
    {
        return change(() -> CatalogEdits.deleteService(catalog.view(), id));
    }

    @Override
    public CompletionStage<Void> addRealServer(final ServiceId id, final RealServerSpec realServer)
    {
        return change(() -> CatalogEdits.addRealServer(catalog.view(), id, checked(realServer)));
    }

    @Override
    public CompletionStage<Void> editRealServer(final ServiceId id, final RealServerSpec realServer)
    {
        return change(() -> CatalogEdits.editRealServer(catalog.view(), id, checked(realServer)));
    }

    @Override
    public CompletionStage<Void> deleteRealServer(final ServiceId id, final Endpoint realServer)
    {
        return change(() -> CatalogEdits.deleteRealServer(catalog.view(), id, realServer));
    }

    @Override
    public CompletionStage<Void> clear()
    {
        return change(() -> CatalogEdits.clear(catalog.view()));
    }

    private static VirtualService checked(final VirtualService vs)
    {
        if (vs == null)
        {
            throw new ControlException("service", "is required");
        }
        if (vs.isFwmark() || vs.address() == null)
        {
            throw new ControlException("fwmark", "firewall-mark services need kernel marks a user-space director does not see");
        }
        return vs;
    }

    private static RealServerSpec checked(final RealServerSpec rs)
    {
        if (rs == null || rs.address() == null)
        {
            throw new ControlException("real-server", "an address is required");
        }
        try
        {
            RealServer.of(rs.address(), rs.port(), rs.method() == null ? ForwardingMethod.DR : rs.method(), rs.weight(),
                rs.upperThreshold(), rs.lowerThreshold());
        }
        catch (final io.fleet.director.service.InvalidServiceException ex)
        {
            throw new ControlException(ex.field(), ex.getMessage());
        }
        return rs.method() != null ? rs
            : new RealServerSpec(rs.address(), rs.port(), ForwardingMethod.DR, rs.weight(), rs.upperThreshold(), rs.lowerThreshold());
    }

    /** Computes the edits against the latest view (refusing with a ControlException), writes them, reports. */
    private CompletionStage<Void> change(final Supplier<List<CatalogEdit>> edits)
    {
        final List<CatalogEdit> list;
        try
        {
            ready();
            list = edits.get();
            for (final CatalogEdit e : list)
            {
                final String refusal = new CatalogRules().validate(e.key(), e.field(), e.value(), catalog.view());
                if (refusal != null)
                {
                    throw new ControlException(e.field().startsWith(CatalogCodec.SERVER_PREFIX) ? "real-server" : "service", refusal);
                }
            }
        }
        catch (final ControlException ex)
        {
            return CompletableFuture.failedFuture(ex);
        }
        catch (final RuntimeException ex)
        {
            return CompletableFuture.failedFuture(new ControlException("request", ex.getMessage()));
        }
        final List<CompletableFuture<EditResult>> writes = write(list);
        return CompletableFuture.allOf(writes.toArray(new CompletableFuture[0])).thenApply(v ->
        {
            for (final CompletableFuture<EditResult> w : writes)
            {
                final EditResult r = w.join();
                if (!r.applied())
                {
                    throw new ControlException(r.status() == EditResult.Status.REFUSED ? "catalog" : "replication",
                        r.status().name().toLowerCase(Locale.ROOT) + ": " + r.reason());
                }
            }
            return null;
        });
    }

    /** Changes wait until the catalog was seeded or read from the fleet (start). */
    private void ready()
    {
        if (!catalog.view().containsKey(CatalogCodec.META_KEY))
        {
            throw new ControlException("catalog", "not ready: this director is still reading the fleet's catalog; try again");
        }
    }

    /** Sends the edits in order (the replicator takes them in that order, so a service exists before its servers). */
    private List<CompletableFuture<EditResult>> write(final List<CatalogEdit> edits)
    {
        final List<CompletableFuture<EditResult>> writes = new ArrayList<>();
        for (final CatalogEdit e : edits)
        {
            writes.add((e.removal() ? catalog.remove(e.key(), e.field()) : catalog.put(e.key(), e.field(), e.value()))
                .toCompletableFuture());
        }
        return writes;
    }

    /** Writes and waits; one line per edit that was not applied. */
    private List<String> execute(final List<CatalogEdit> edits, final Duration timeout)
    {
        final List<String> problems = new ArrayList<>();
        final List<CompletableFuture<EditResult>> writes = write(edits);
        for (int i = 0; i < writes.size(); i++)
        {
            try
            {
                final EditResult r = writes.get(i).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                if (!r.applied())
                {
                    problems.add(edits.get(i) + ": " + r.status() + " " + r.reason());
                }
            }
            catch (final Exception ex)
            {
                problems.add(edits.get(i) + ": " + ex);
            }
        }
        return problems;
    }

    // ============================================================================================ reload

    @Override
    public ReloadResult reload()
    {
        synchronized (reloadLock)
        {
            final Fleetd.Validated next;
            try
            {
                next = Fleetd.validate(file);
            }
            catch (final ConfigException ex)
            {
                for (final String p : ex.problems())
                {
                    LOG.error("config refused: {}", p);
                }
                LOG.error("config refused: {} problem(s) in {}; the running configuration stays", ex.problems().size(), file);
                stdout.accept("RELOAD refused " + ex.problems().size() + " " + String.join(" | ", ex.problems()));
                return new ReloadResult(false, List.of(), ex.problems());
            }
            try
            {
                ready();
            }
            catch (final ControlException ex)
            {
                LOG.error("config refused: {}", ex.getMessage());
                stdout.accept("RELOAD refused 1 " + ex.getMessage());
                return new ReloadResult(false, List.of(), List.of(ex.getMessage()));
            }
            final List<String> changes = new ArrayList<>();
            final List<String> restart = needsRestart(fileConfig, next);
            for (final String key : restart)
            {
                changes.add(key + ": changed; needs a restart (not applied)");
            }
            // Per-host settings first: a static MAC must be known before a server that needs it appears.
            if (core != null)
            {
                onWorker(() ->
                {
                    next.forwarding().staticMacs().forEach(core::learn);
                    return null;
                });
            }
            final Timeouts t = next.forwarding().timeouts();
            final TimeoutSettings before = timeouts();
            final TimeoutSettings after = new TimeoutSettings(t.tcpNs(TcpState.ESTABLISHED) / 1_000_000_000L,
                t.tcpNs(TcpState.FIN_WAIT) / 1_000_000_000L, t.udpNs() / 1_000_000_000L);
            if (!after.equals(fileTimeouts))
            {
                applyTimeouts(after);
                changes.add("timeouts " + before + " -> " + after);
            }
            fileTimeouts = after;
            final List<ServiceSpec> nextSpecs = specsOf(next.forwarding().services());
            final List<CatalogEdit> edits = CatalogEdits.diff(fileSpecs, nextSpecs, catalog.view(), changes);
            final List<String> problems = execute(edits, Duration.ofSeconds(10));
            fileSpecs = nextSpecs;
            fileConfig = next;
            if (!problems.isEmpty())
            {
                for (final String p : problems)
                {
                    LOG.error("config applied with a problem: {}", p);
                }
            }
            LOG.info("config applied: {}", changes.isEmpty() ? "no changes" : String.join(", ", changes));
            stdout.accept("RELOAD applied " + changes.size() + (changes.isEmpty() ? "" : " " + String.join(" | ", changes)));
            return new ReloadResult(true, changes, problems);
        }
    }

    /** Settings read once at start: a change is reported, not applied. */
    private static List<String> needsRestart(final Fleetd.Validated before, final Fleetd.Validated after)
    {
        final List<String> keys = new ArrayList<>();
        for (final String path : List.of("director.mode", "director.interface", "director.vxlan", "director.mac",
            "director.ipv4", "director.ipv6", "director.mtu", "director.gateway-mac", "director.fullnat", "director.table",
            "fleet.sync", "fleet.vrrp", "pekko"))
        {
            final Object a = before.config().hasPath(path) ? before.config().getValue(path).unwrapped() : null;
            final Object b = after.config().hasPath(path) ? after.config().getValue(path).unwrapped() : null;
            if (!Objects.equals(a, b))
            {
                keys.add(path);
            }
        }
        return keys;
    }

    static List<ServiceSpec> specsOf(final List<Service> services)
    {
        final List<ServiceSpec> list = new ArrayList<>();
        for (final Service s : services)
        {
            final List<RealServerSpec> servers = new ArrayList<>();
            for (final RealServer rs : s.realServers())
            {
                servers.add(new RealServerSpec(rs.address(), rs.port(), rs.method(), rs.weight(), rs.upperThreshold(),
                    rs.lowerThreshold()));
            }
            list.add(new ServiceSpec(s.virtualService(), servers));
        }
        return list;
    }

    // ============================================================================================ reads

    @Override
    public Page<ConnectionEntry> connections(final ConnectionFilter filter, final long offset, final int limit)
    {
        if (offset < 0)
        {
            throw new ControlException("offset", "must be 0 or more (got " + offset + ")");
        }
        if (limit < 0)
        {
            throw new ControlException("limit", "must be 0 or more (got " + limit + ")");
        }
        final ConnectionFilter f = filter == null ? ConnectionFilter.ALL : filter;
        if (proxy != null)
        {
            final List<ConnectionEntry> all = new ArrayList<>();
            for (final ProxyConnection c : proxy.connections())
            {
                final ConnectionEntry e = new ConnectionEntry(c.service().protocol(), 0,
                    c.udp() ? "UDP" : c.established() ? "ESTABLISHED" : "SYN_SENT",
                    IpAddress.ofBytes(c.client().getAddress().getAddress()), c.client().getPort(),
                    IpAddress.ofBytes(c.vip().getAddress().getAddress()), c.vip().getPort(), c.realServer(), c.realPort(),
                    ForwardingMethod.FULLNAT, false);
                if (f.matches(e))
                {
                    all.add(e);
                }
            }
            final int from = (int)Math.min(offset, all.size());
            return new Page<>(all.subList(from, (int)Math.min(all.size(), from + (long)limit)), all.size(), offset);
        }
        return onWorker(() -> tablePage(core, f, offset, limit));
    }

    /** On the worker's thread: counts every match, builds only the page's entries. */
    static Page<ConnectionEntry> tablePage(final ForwardingCore core, final ConnectionFilter f, final long offset, final int limit)
    {
        final long nowNs = System.nanoTime();
        final List<ConnectionEntry> items = new ArrayList<>();
        long total = 0;
        for (final boolean v6 : new boolean[] {false, true})
        {
            final ConnectionTable t = core.table(v6);
            for (int e = 0; e < t.capacity(); e++)
            {
                if (!t.inUse(e))
                {
                    continue;
                }
                final ConnectionEntry entry = entry(t, e, v6, nowNs);
                if (!f.matches(entry))
                {
                    continue;
                }
                if (total >= offset && items.size() < limit)
                {
                    items.add(entry);
                }
                total++;
            }
        }
        return new Page<>(items, total, offset);
    }

    private static ConnectionEntry entry(final ConnectionTable t, final int e, final boolean v6, final long nowNs)
    {
        final boolean template = t.isTemplate(e);
        final Protocol protocol = t.protocol(e) == Protocol.UDP.number() ? Protocol.UDP : Protocol.TCP;
        final String state = template ? "NONE" : protocol == Protocol.UDP ? "UDP" : TcpState.name(t.state(e));
        final ForwardingMethod method = ForwardingMethod.values()[t.method(e)];
        return new ConnectionEntry(protocol, Math.max(0, (t.expiryNs(e) - nowNs) / 1_000_000L), state,
            address(v6, t.client(e, 0), t.client(e, 1), t.client(e, 2), t.client(e, 3)), t.clientPort(e),
            address(v6, t.vip(e, 0), t.vip(e, 1), t.vip(e, 2), t.vip(e, 3)), t.vipPort(e),
            address(v6, t.rs(e, 0), t.rs(e, 1), t.rs(e, 2), t.rs(e, 3)), t.rsPort(e), method, template);
    }

    private static IpAddress address(final boolean v6, final int w0, final int w1, final int w2, final int w3)
    {
        return v6 ? IpAddress.ofIpv6(w0, w1, w2, w3) : IpAddress.ofIpv4(w3);
    }

    @Override
    public void zero(final ServiceId id)
    {
        if (id != null && specs.stream().noneMatch(s -> s.id().equals(id)))
        {
            throw ControlException.notFound("service", "service " + id);
        }
        if (proxy != null)
        {
            for (final VirtualService vs : proxy.services())
            {
                if (id == null || ServiceId.of(vs).equals(id))
                {
                    proxy.counters(vs).zero();
                    for (final ServiceSpec spec : specs)
                    {
                        if (spec.id().equals(ServiceId.of(vs)))
                        {
                            for (final RealServerSpec rs : spec.realServers())
                            {
                                final RealServerSpec r = CatalogCodec.resolved(spec.id(), rs);
                                final TrafficCounters c = proxy.counters(vs, r.address(), r.port());
                                if (c != null)
                                {
                                    c.zero();
                                }
                            }
                        }
                    }
                }
            }
        }
        else
        {
            onWorker(() ->
            {
                for (int s = 0; s < core.serviceCount(); s++)
                {
                    if (id == null || ServiceId.of(core.service(s).virtualService()).equals(id))
                    {
                        core.zeroCounters(s);
                    }
                }
                return null;
            });
        }
        synchronized (samples)
        {
            samples.clear();
        }
    }

    @Override
    public TimeoutSettings timeouts()
    {
        return timeoutsOf(timeouts);
    }

    private static TimeoutSettings timeoutsOf(final Timeouts t)
    {
        return new TimeoutSettings(t.tcpNs(TcpState.ESTABLISHED) / 1_000_000_000L, t.tcpNs(TcpState.FIN_WAIT) / 1_000_000_000L,
            t.udpNs() / 1_000_000_000L);
    }

    /** Per host, as {@code ipvsadm --set}: not replicated (see docs/control.md). */
    @Override
    public CompletionStage<Void> setTimeouts(final TimeoutSettings t)
    {
        try
        {
            check("tcp", t.tcpS());
            check("tcpfin", t.tcpFinS());
            check("udp", t.udpS());
            applyTimeouts(t);
            LOG.info("timeouts set: {}", timeouts());
            return CompletableFuture.completedFuture(null);
        }
        catch (final ControlException ex)
        {
            return CompletableFuture.failedFuture(ex);
        }
    }

    private static void check(final String field, final long s)
    {
        if (s != 0 && (s < 1 || s > 31_536_000L))
        {
            throw new ControlException(field, "must be 1..31536000 seconds, or 0 to leave it (got " + s + ")");
        }
    }

    private void applyTimeouts(final TimeoutSettings t)
    {
        if (core != null)
        {
            onWorker(() ->
            {
                timeouts.set(t.tcpS(), t.tcpFinS(), t.udpS());
                return null;
            });
        }
        else
        {
            synchronized (timeouts)
            {
                timeouts.set(t.tcpS(), t.tcpFinS(), t.udpS());
                proxy.timeouts(timeouts);
            }
        }
    }

    @Override
    public ClusterStatus cluster()
    {
        final List<ClusterStatus.Member> list = new ArrayList<>(members.values());
        list.sort((a, b) -> a.address().compareTo(b.address()));
        final List<ClusterStatus.VipGroupStatus> vipGroups = new ArrayList<>();
        final List<String> names = new ArrayList<>(groups.keySet());
        Collections.sort(names);
        for (final String name : names)
        {
            final List<String> addresses = new ArrayList<>();
            for (final VipAddress a : groups.get(name).addresses())
            {
                addresses.add(IpAddress.ofBytes(a.bytes()).toString());
            }
            final RoleChange r = roles.get(name);
            vipGroups.add(new ClusterStatus.VipGroupStatus(name, addresses, r == null ? null : r.holder(),
                r == null ? "INIT" : r.to().name()));
        }
        return new ClusterStatus(self, list, vipGroups, transitions.get());
    }

    @Override
    public List<HealthStatus> health()
    {
        return List.copyOf(healthProvider.get());
    }

    @Override
    public List<PortStatus> ports()
    {
        if (proxy != null)
        {
            long refused = 0;
            long failures = 0;
            for (final VirtualService vs : proxy.services())
            {
                final TrafficCounters c = proxy.counters(vs);
                refused += c.refused();
                failures += c.connectFailures();
            }
            return List.of(new PortStatus("proxy", proxy.transport(), 0, 0, Map.of("refused", refused, "connect_failures", failures)));
        }
        final PortCounters c = port.counters();
        final Map<String, Long> drops = new LinkedHashMap<>();
        for (final PortCounters.Drop d : PortCounters.Drop.values())
        {
            drops.put(d.name().toLowerCase(Locale.ROOT), c.drops(d));
        }
        final CoreCounters k = core.counters();
        final Map<String, Long> verdicts = new LinkedHashMap<>();
        for (final io.fleet.director.forward.Verdict v : io.fleet.director.forward.Verdict.values())
        {
            if (v.name().startsWith("DROP_"))
            {
                verdicts.put(v.name().substring("DROP_".length()).toLowerCase(Locale.ROOT), k.verdict(v));
            }
        }
        verdicts.put("remote_record_rejected", k.remoteRecordsRejected());
        verdicts.put("sync_event_queue_full", k.syncEventsDropped());
        return List.of(new PortStatus(port.name(), mode, c.framesIn(), c.framesOut(), drops),
            new PortStatus("core", "forwarding", k.framesIn(), k.framesOut(), verdicts));
    }

    /** Lag is not measured by the replication yet: 0 (docs/control.md). */
    @Override
    public SyncStatus sync()
    {
        if (replication == null)
        {
            return SyncStatus.NONE;
        }
        final ConnectionStats s = replication.stats();
        return new SyncStatus(Math.max(0, s.accepted() - s.flushed()), s.flushed(), s.delivered(), s.lagPercentileMs(50), s.lagPercentileMs(99),
            core == null ? 0 : core.counters().remoteRecordsRemapped(),
            core == null ? 0 : core.counters().fullnatPairsTakenOver());
    }

    @Override
    public List<IpAddress> heldVips()
    {
        return proxy != null ? proxy.heldVips() : onWorker(core::heldVips);
    }

    // ============================================================================================ counters

    /** Per service key and per {@code key|endpoint}: connections, packets in, packets out, bytes in, bytes out. */
    private Map<String, long[]> totals()
    {
        if (proxy != null)
        {
            final Map<String, long[]> map = new HashMap<>();
            for (final VirtualService vs : proxy.services())
            {
                final TrafficCounters c = proxy.counters(vs);
                map.put(vs.key(), new long[] {c.connections(), 0, 0, c.bytesIn(), c.bytesOut()});
                for (final ServiceSpec spec : specs)
                {
                    if (spec.id().equals(ServiceId.of(vs)))
                    {
                        for (final RealServerSpec rs : spec.realServers())
                        {
                            final RealServerSpec r = CatalogCodec.resolved(spec.id(), rs);
                            final TrafficCounters rc = proxy.counters(vs, r.address(), r.port());
                            if (rc != null)
                            {
                                map.put(vs.key() + "|" + r.endpoint(), new long[] {rc.connections(), 0, 0, rc.bytesIn(), rc.bytesOut()});
                            }
                        }
                    }
                }
            }
            return map;
        }
        return onWorker(() ->
        {
            final Map<String, long[]> map = new HashMap<>();
            final long[] out = new long[7];
            for (int s = 0; s < core.serviceCount(); s++)
            {
                final String key = core.service(s).virtualService().key();
                core.serviceCounters(s, out);
                map.put(key, new long[] {out[0], out[1], out[2], out[3], out[4]});
                for (final int id : core.serviceDestinations(s))
                {
                    final Destination d = core.destination(id);
                    map.put(key + "|" + new Endpoint(d.server().address(), d.server().port()),
                        new long[] {d.connections(), d.packetsIn(), d.packetsOut(), d.bytesIn(), d.bytesOut()});
                }
            }
            return map;
        });
    }

    /** Per {@code key|endpoint}: active, inactive, persistent, scheduler weight. */
    private Map<String, int[]> connectionCounts()
    {
        final Map<String, int[]> map = new HashMap<>();
        if (proxy != null)
        {
            for (final VirtualService vs : proxy.services())
            {
                try
                {
                    proxy.change(vs, s ->
                    {
                        for (final RealServer rs : s.realServers())
                        {
                            map.put(vs.key() + "|" + new Endpoint(rs.address(), rs.port()), new int[] {
                                rs.activeConnections(), rs.inactiveConnections(), rs.persistentConnections(), rs.weight()});
                        }
                    });
                }
                catch (final IllegalArgumentException ex)
                {
                    // removed meanwhile
                }
            }
            return map;
        }
        return onWorker(() ->
        {
            for (int s = 0; s < core.serviceCount(); s++)
            {
                final String key = core.service(s).virtualService().key();
                for (final RealServer rs : core.service(s).realServers())
                {
                    map.put(key + "|" + new Endpoint(rs.address(), rs.port()), new int[] {
                        rs.activeConnections(), rs.inactiveConnections(), rs.persistentConnections(), rs.weight()});
                }
            }
            return map;
        });
    }

    private void sample()
    {
        try
        {
            final Sample s = new Sample(System.nanoTime(), totals());
            synchronized (samples)
            {
                samples.addLast(s);
                while (samples.size() > RATE_SAMPLES)
                {
                    samples.removeFirst();
                }
            }
        }
        catch (final RuntimeException ex)
        {
            LOG.debug("rate sample skipped: {}", ex.toString());
        }
    }

    /** Per second over the oldest kept sample and now. */
    private Map<String, double[]> rates(final Map<String, long[]> now)
    {
        final Sample oldest;
        synchronized (samples)
        {
            oldest = samples.peekFirst();
        }
        final Map<String, double[]> map = new HashMap<>();
        if (oldest == null)
        {
            return map;
        }
        final double seconds = (System.nanoTime() - oldest.atNs()) / 1e9;
        if (seconds < 0.5)
        {
            return map;
        }
        for (final Map.Entry<String, long[]> e : now.entrySet())
        {
            final long[] then = oldest.totals().get(e.getKey());
            final double[] r = new double[5];
            for (int i = 0; i < 5; i++)
            {
                r[i] = Math.max(0, e.getValue()[i] - (then == null ? 0 : then[i])) / seconds;
            }
            map.put(e.getKey(), r);
        }
        return map;
    }

    private static Traffic traffic(final long[] t, final double[] r)
    {
        if (t == null)
        {
            return Traffic.ZERO;
        }
        final double[] rate = r == null ? new double[5] : r;
        return new Traffic(t[0], t[1], t[2], t[3], t[4], rate[0], rate[1], rate[2], rate[3], rate[4]);
    }

    // ============================================================================================ plumbing

    /** Runs on the forwarding worker's thread and waits for the result. */
    private <T> T onWorker(final Supplier<T> task)
    {
        final CompletableFuture<T> result = new CompletableFuture<>();
        final boolean queued = worker.submit(() ->
        {
            try
            {
                result.complete(task.get());
            }
            catch (final RuntimeException ex)
            {
                result.completeExceptionally(ex);
            }
        });
        if (!queued)
        {
            throw new ControlException("worker", "the forwarding worker's command queue is full; try again");
        }
        try
        {
            return result.get(WORKER_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new ControlException("worker", "interrupted");
        }
        catch (final java.util.concurrent.ExecutionException ex)
        {
            throw ex.getCause() instanceof RuntimeException re ? re : new IllegalStateException(ex.getCause());
        }
        catch (final java.util.concurrent.TimeoutException ex)
        {
            throw new ControlException("worker", "the forwarding worker did not answer within " + WORKER_TIMEOUT_MS + " ms");
        }
    }

    @Override
    public void close()
    {
        sampler.shutdownNow();
        applier.shutdownNow();
    }
}
