package io.fleet.director.admin;

import io.fleet.director.control.ClusterStatus;
import io.fleet.director.control.DirectorControl;
import io.fleet.director.control.HealthStatus;
import io.fleet.director.control.PortStatus;
import io.fleet.director.control.RealServerStatus;
import io.fleet.director.control.ServiceStatus;
import io.fleet.director.control.SyncStatus;
import io.fleet.director.control.Traffic;
import io.fleet.director.service.IpAddress;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * {@code GET /metrics}: one snapshot of a director's {@link DirectorControl} in the Prometheus text format, taken
 * per scrape (no registry, no background thread: the director's counters are the source of truth). Names follow
 * Prometheus's conventions: {@code fleet_} prefix, counters end in {@code _total}, bytes in {@code _bytes_total},
 * durations in seconds; labels are {@code service} ({@code tcp:192.0.2.1:80}), {@code real_server}
 * ({@code 192.0.2.11:80}), {@code direction} ({@code in}/{@code out}), {@code port}, {@code reason},
 * {@code state}, {@code group}, {@code vip}, {@code holder}. docs/admin-api.md lists every family.
 */
public final class MetricsExporter
{
    public static final String CONTENT_TYPE = PrometheusTextFormatWriter.CONTENT_TYPE;

    private static final List<String> MEMBER_STATES =
        List.of("joining", "weakly-up", "up", "leaving", "exiting", "down", "removed");
    private static final List<String> HEALTH_STATES = List.of("up", "down", "unchecked");

    private final DirectorControl control;
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();

    public MetricsExporter(final DirectorControl control)
    {
        this.control = control;
    }

    /** The exposition text of everything this director knows now. */
    public byte[] scrape()
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream(16 * 1024);
        try
        {
            writer.write(out, snapshot());
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        return out.toByteArray();
    }

    MetricSnapshots snapshot()
    {
        final List<MetricSnapshot> all = new ArrayList<>();
        services(all);
        health(all);
        ports(all);
        sync(all);
        cluster(all);
        return new MetricSnapshots(all);
    }

    private void services(final List<MetricSnapshot> all)
    {
        final Counters svcConns = new Counters("fleet_service_connections", "Connections scheduled by a virtual service on this director.");
        final Counters svcPackets = new Counters("fleet_service_packets", "Packets of a virtual service; in = toward the real servers, out = toward the clients.");
        final Counters svcBytes = new Counters("fleet_service_bytes", "IP bytes of a virtual service; in = toward the real servers, out = toward the clients.");
        final Counters rsConns = new Counters("fleet_real_server_connections", "Connections scheduled to a real server on this director.");
        final Counters rsPackets = new Counters("fleet_real_server_packets", "Packets of a real server's connections; in = toward it, out = back toward the clients.");
        final Counters rsBytes = new Counters("fleet_real_server_bytes", "IP bytes of a real server's connections; in = toward it, out = back toward the clients.");
        final Gauges active = new Gauges("fleet_real_server_active_connections", "Active connections (IPVS ActiveConn) of a real server on this director.");
        final Gauges inactive = new Gauges("fleet_real_server_inactive_connections", "Inactive connections (IPVS InActConn) of a real server on this director.");
        final Gauges persistent = new Gauges("fleet_real_server_persistent_connections", "Persistence templates pointing at a real server on this director.");
        final Gauges weight = new Gauges("fleet_real_server_weight", "A real server's configured weight.");
        final Gauges effective = new Gauges("fleet_real_server_effective_weight", "The weight schedulers use now (0 while health checks inhibit the server).");
        final Gauges healthState = new Gauges("fleet_real_server_health_state", "1 for a real server's current health state (up, down, unchecked), 0 for the others.");
        for (final ServiceStatus s : control.services())
        {
            final String service = s.id().toString();
            final Labels sl = Labels.of("service", service);
            traffic(s.traffic(), sl, svcConns, svcPackets, svcBytes);
            for (final RealServerStatus r : s.realServers())
            {
                final Labels rl = Labels.of("service", service, "real_server", r.spec().endpoint().toString());
                traffic(r.traffic(), rl, rsConns, rsPackets, rsBytes);
                active.add(rl, r.activeConnections());
                inactive.add(rl, r.inactiveConnections());
                persistent.add(rl, r.persistentConnections());
                weight.add(rl, r.spec().weight());
                effective.add(rl, r.effectiveWeight());
                for (final String state : HEALTH_STATES)
                {
                    healthState.add(rl.add("state", state), state.equals(r.health()) ? 1 : 0);
                }
            }
        }
        svcConns.addTo(all);
        svcPackets.addTo(all);
        svcBytes.addTo(all);
        rsConns.addTo(all);
        rsPackets.addTo(all);
        rsBytes.addTo(all);
        active.addTo(all);
        inactive.addTo(all);
        persistent.addTo(all);
        weight.addTo(all);
        effective.addTo(all);
        healthState.addTo(all);
    }

    private static void traffic(
        final Traffic t, final Labels labels, final Counters conns, final Counters packets, final Counters bytes)
    {
        conns.add(labels, t.connections());
        packets.add(labels.add("direction", "in"), t.packetsIn());
        packets.add(labels.add("direction", "out"), t.packetsOut());
        bytes.add(labels.add("direction", "in"), t.bytesIn());
        bytes.add(labels.add("direction", "out"), t.bytesOut());
    }

    private void health(final List<MetricSnapshot> all)
    {
        final Gauges local = new Gauges("fleet_health_check_up", "This director's own health-check result for a real server (1 up, 0 down).");
        final Gauges verdict = new Gauges("fleet_health_verdict_up", "The fleet's health verdict for a real server under the service's quorum rule (1 up, 0 down).");
        final Gauges votes = new Gauges("fleet_health_votes_up", "Directors voting a real server up.");
        final Gauges voters = new Gauges("fleet_health_voters", "Directors voting on a real server.");
        for (final HealthStatus h : control.health())
        {
            final Labels l = Labels.of("service", h.service().toString(), "real_server", h.realServer().toString());
            local.add(l.add("checker", h.checker()), h.localUp() ? 1 : 0);
            verdict.add(l.add("quorum", h.quorum()), h.verdict() ? 1 : 0);
            votes.add(l, h.votes().values().stream().filter(Boolean::booleanValue).count());
            voters.add(l, h.votes().size());
        }
        local.addTo(all);
        verdict.addTo(all);
        votes.addTo(all);
        voters.addTo(all);
    }

    private void ports(final List<MetricSnapshot> all)
    {
        final Counters frames = new Counters("fleet_port_frames", "Frames through a packet port (or the proxy's listeners); in = received, out = sent.");
        final Counters drops = new Counters("fleet_port_drops", "Frames dropped at a packet port, or by the forwarding core (port core), by reason.");
        for (final PortStatus p : control.ports())
        {
            final Labels l = Labels.of("port", p.name(), "kind", p.kind());
            frames.add(l.add("direction", "in"), p.framesIn());
            frames.add(l.add("direction", "out"), p.framesOut());
            for (final Map.Entry<String, Long> d : new TreeMap<>(p.drops()).entrySet())
            {
                drops.add(Labels.of("port", p.name(), "reason", d.getKey()), d.getValue());
            }
        }
        frames.addTo(all);
        drops.addTo(all);
    }

    private void sync(final List<MetricSnapshot> all)
    {
        final SyncStatus s = control.sync();
        final Gauges backlog = new Gauges("fleet_sync_backlog_records", "Local connection changes waiting to be sent to the fleet.");
        backlog.add(Labels.EMPTY, s.backlog());
        final Counters records = new Counters("fleet_sync_records", "Connection records replicated; direction sent or received.");
        records.add(Labels.of("direction", "sent"), s.recordsSent());
        records.add(Labels.of("direction", "received"), s.recordsReceived());
        final Gauges lag50 = new Gauges("fleet_sync_lag_p50_seconds", "Median delay between a change on a peer and its arrival here, over the last minute.");
        lag50.add(Labels.EMPTY, s.lagP50Ms() / 1000.0);
        final Gauges lag99 = new Gauges("fleet_sync_lag_p99_seconds", "99th percentile of that delay, over the last minute.");
        lag99.add(Labels.EMPTY, s.lagP99Ms() / 1000.0);
        backlog.addTo(all);
        records.addTo(all);
        lag50.addTo(all);
        lag99.addTo(all);
        final Counters remapped = new Counters("fleet_sync_remapped_records",
            "Received records that replaced the mapping of a connection held here (a reused 5-tuple scheduled anew by a peer).");
        remapped.add(Labels.EMPTY, s.recordsRemapped());
        remapped.addTo(all);
        final Counters conflicts = new Counters("fleet_fullnat_pairs_taken_over",
            "Replicated FULLNAT connections that took their reply tuple (real server, local address and port) over from an entry here that outlived its connection, or from a live one when directors' FULLNAT port ranges overlap.");
        conflicts.add(Labels.EMPTY, s.fullnatPairsTakenOver());
        conflicts.addTo(all);
    }

    private void cluster(final List<MetricSnapshot> all)
    {
        final ClusterStatus c = control.cluster();
        final Gauges members = new Gauges("fleet_cluster_members", "Cluster members as this director sees them, by status.");
        final Map<String, Integer> byState = new TreeMap<>();
        MEMBER_STATES.forEach(st -> byState.put(st, 0));
        int unreachable = 0;
        for (final ClusterStatus.Member m : c.members())
        {
            byState.merge(m.status(), 1, Integer::sum);
            unreachable += m.reachable() ? 0 : 1;
        }
        byState.forEach((st, n) -> members.add(Labels.of("state", st), n));
        final Gauges unreachableMembers = new Gauges("fleet_cluster_unreachable_members", "Members this director's failure detector marks unreachable.");
        unreachableMembers.add(Labels.EMPTY, unreachable);
        final Gauges holder = new Gauges("fleet_vip_holder", "1 for the member holding a VIP (label holder; \"none\" when no one does).");
        final Gauges held = new Gauges("fleet_vip_held", "1 when this director answers for the VIP now.");
        final Set<String> heldHere = new HashSet<>();
        for (final IpAddress a : control.heldVips())
        {
            heldHere.add(a.toString());
        }
        for (final ClusterStatus.VipGroupStatus g : c.vipGroups())
        {
            for (final String vip : g.addresses())
            {
                holder.add(Labels.of("group", g.group(), "vip", vip, "holder", g.holder() == null ? "none" : g.holder()), 1);
                held.add(Labels.of("group", g.group(), "vip", vip), heldHere.contains(vip) ? 1 : 0);
            }
        }
        final Counters transitions = new Counters("fleet_election_transitions", "Role changes of this director in the VIP elections since start.");
        transitions.add(Labels.EMPTY, c.electionTransitions());
        members.addTo(all);
        unreachableMembers.addTo(all);
        holder.addTo(all);
        held.addTo(all);
        transitions.addTo(all);
    }

    /** One counter family being filled; empty families are left out of the scrape. */
    private static final class Counters
    {
        private final CounterSnapshot.Builder builder;
        private boolean empty = true;

        Counters(final String name, final String help)
        {
            this.builder = CounterSnapshot.builder().name(name).help(help);
        }

        void add(final Labels labels, final double value)
        {
            builder.dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder().labels(labels).value(value).build());
            empty = false;
        }

        void addTo(final List<MetricSnapshot> all)
        {
            if (!empty)
            {
                all.add(builder.build());
            }
        }
    }

    private static final class Gauges
    {
        private final GaugeSnapshot.Builder builder;
        private boolean empty = true;

        Gauges(final String name, final String help)
        {
            this.builder = GaugeSnapshot.builder().name(name).help(help);
        }

        void add(final Labels labels, final double value)
        {
            builder.dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder().labels(labels).value(value).build());
            empty = false;
        }

        void addTo(final List<MetricSnapshot> all)
        {
            if (!empty)
            {
                all.add(builder.build());
            }
        }
    }
}
