package io.fleet.director.daemon;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.fleet.director.config.ConfigException;
import io.fleet.director.config.DirectorConfig;
import io.fleet.director.forward.ForwardingConfig;
import io.fleet.director.proxy.ProxyConfig;
import io.fleet.director.proxy.ProxyServer;
import io.fleet.director.sched.SchedulerOptions;
import io.fleet.director.service.IpAddress;
import io.fleet.director.service.Service;
import io.fleet.sync.ClusterNode;
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
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * One director process in proxy mode ({@code fleet run --config FILE}): the cluster node (sync), the VIP election
 * over it (vrrp), and the L4 proxy, which binds a VIP only while this director holds its group. Logs one line
 * per event that matters; never per connection. SIGTERM: releases the VIPs, leaves the cluster, exits 0.
 */
public final class Fleetd implements AutoCloseable
{
    /** Exit code for a configuration that cannot be used. */
    public static final int EXIT_CONFIG = 2;

    private static final Logger LOG = LoggerFactory.getLogger(Fleetd.class);

    private final ClusterNode node;
    private final ProxyServer proxy;
    private final ClusterVipService vips;
    private final AgentRunner vipRunner;
    private final Map<String, VipGroup> groups = new HashMap<>();
    private final String self;

    private Fleetd(final Config config, final ForwardingConfig forwarding, final VrrpSettings vrrp)
    {
        this.node = ClusterNode.start(config);
        this.self = node.self().host() + ":" + node.self().port();
        final List<Service> services = forwarding.services();
        this.proxy = ProxyServer.start(ProxyConfig.defaults().timeouts(forwarding.timeouts()), services);
        for (final VipGroup g : vrrp.groups())
        {
            groups.put(g.name(), g);
        }
        this.vips = new ClusterVipService(self, vrrp.groups(), vrrp.stableAfterNs(), new NoLink(), vrrp.announce(),
            vrrp.notifyScripts(), null, ClusterVipService.Tracking.none(), this::onRoleChange);
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
        LOG.info("director {} up: {} services, {} VIP groups, proxy on {}", self, services.size(), groups.size(),
            proxy.transport());
    }

    private static void event(final String what, final ClusterMember member)
    {
        LOG.info("{} {}:{}", what, member.host(), member.port());
        System.out.println("MEMBER " + what.substring(7).toUpperCase(java.util.Locale.ROOT) + " " + member.host() + ":" + member.port());
        System.out.flush();
    }

    /** Runs on the election's thread: bind or release the group's VIPs. */
    private void onRoleChange(final RoleChange change)
    {
        final VipGroup group = groups.get(change.group());
        final boolean hold = change.to() == Role.MASTER;
        for (final VipAddress a : group.addresses())
        {
            final IpAddress vip = IpAddress.ofBytes(a.bytes());
            try
            {
                if (hold)
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
        System.out.println("ROLE " + change.group() + " " + change.to() + " " + self);
        System.out.flush();
    }

    @Override
    public void close()
    {
        LOG.info("director {} stopping: releasing VIPs, leaving the cluster", self);
        for (final VipGroup g : groups.values())
        {
            for (final VipAddress a : g.addresses())
            {
                proxy.unbind(IpAddress.ofBytes(a.bytes()));
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
        proxy.close();
        node.close(Duration.ofSeconds(5));
    }

    /**
     * Validates the whole file (services, sync, vrrp) before anything starts.
     *
     * @return the started director.
     * @throws ConfigException listing every problem with file and line.
     */
    public static Fleetd start(final File file)
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
        return new Fleetd(config, forwarding, vrrp);
    }

    public static void main(final String[] args) throws InterruptedException
    {
        if (args.length != 2 || !args[0].equals("--config"))
        {
            System.err.println("usage: fleet run --config FILE");
            System.exit(EXIT_CONFIG);
        }
        final Fleetd fleetd;
        try
        {
            fleetd = start(new File(args[1]));
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
        }, "fleet-shutdown"));
        System.out.println("READY " + fleetd.self);
        System.out.flush();
        stopped.await();
    }
}
