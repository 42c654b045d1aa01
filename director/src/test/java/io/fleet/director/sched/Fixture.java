package io.fleet.director.sched;

import io.fleet.director.service.FlowKey;
import io.fleet.director.service.ForwardingMethod;
import io.fleet.director.service.IpAddress;
import io.fleet.director.service.RealServer;
import io.fleet.director.service.Scheduler;
import io.fleet.director.service.SchedulerKind;

import java.util.ArrayList;
import java.util.List;

/** Servers named by letters (A = 192.0.2.1, B = 192.0.2.2, ...), a scheduler over them, and picks as names. */
final class Fixture
{
    static final IpAddress VIP = IpAddress.parse("vip", "198.51.100.10");

    final RealServer[] servers;
    final Scheduler scheduler;
    final FlowKey flow = new FlowKey().ipv4(6, 0xCB007101, 40000, VIP.ipv4(), 80);

    private Fixture(final RealServer[] servers, final Scheduler scheduler)
    {
        this.servers = servers;
        this.scheduler = scheduler;
        scheduler.update(servers);
    }

    /** Servers in scan order, each "NAME:WEIGHT" (weight 1 when left out). */
    static Fixture of(final SchedulerKind kind, final String... specs)
    {
        return of(SchedulerFactory.create(kind, false, false, SchedulerOptions.DEFAULTS.withRandomSeed(42)), specs);
    }

    static Fixture of(final Scheduler scheduler, final String... specs)
    {
        final RealServer[] servers = new RealServer[specs.length];
        for (int i = 0; i < specs.length; i++)
        {
            servers[i] = server(specs[i]);
        }
        return new Fixture(servers, scheduler);
    }

    static RealServer server(final String spec)
    {
        final String[] parts = spec.split(":");
        final int weight = parts.length > 1 ? Integer.parseInt(parts[1]) : 1;
        return RealServer.of(address(parts[0]), 80, ForwardingMethod.DR, weight, 0, 0);
    }

    static IpAddress address(final String name)
    {
        return IpAddress.ofIpv4(0xC0000200 | (name.charAt(0) - 'A' + 1));
    }

    static String name(final RealServer rs)
    {
        return rs == null ? "-" : String.valueOf((char)('A' + (rs.address().ipv4() & 0xff) - 1));
    }

    RealServer get(final String name)
    {
        for (final RealServer rs : servers)
        {
            if (name(rs).equals(name))
            {
                return rs;
            }
        }
        throw new IllegalArgumentException(name);
    }

    /** Sets active/inactive counters of a server. */
    Fixture counters(final String name, final int active, final int inactive)
    {
        get(name).counters(active, inactive);
        return this;
    }

    /** Hands a new list (in scan order) to the scheduler, as a service does after a change. */
    void update(final RealServer... newServers)
    {
        scheduler.update(newServers);
    }

    String pick()
    {
        return name(scheduler.pick(flow, 0));
    }

    /** n picks, as a string of names ("-" for none), each counted on the chosen server as an established connection. */
    String picks(final int n, final boolean count)
    {
        final StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++)
        {
            final RealServer rs = scheduler.pick(flow, 0);
            if (count && rs != null)
            {
                rs.counters(rs.activeConnections() + 1, rs.inactiveConnections());
            }
            sb.append(name(rs));
        }
        return sb.toString();
    }

    String picks(final int n)
    {
        return picks(n, false);
    }

    static List<String> names(final List<RealServer> servers)
    {
        final List<String> out = new ArrayList<>();
        servers.forEach(rs -> out.add(name(rs)));
        return out;
    }
}
