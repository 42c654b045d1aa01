package io.fleet.vrrp.cluster;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Consumer;

import io.fleet.sync.vip.Claim;
import io.fleet.sync.vip.HolderRegister;
import io.fleet.vrrp.agent.Agent;
import io.fleet.vrrp.announce.AnnounceSettings;
import io.fleet.vrrp.announce.Announcer;
import io.fleet.vrrp.election.Election;
import io.fleet.vrrp.election.Elector;
import io.fleet.vrrp.election.HealthView;
import io.fleet.vrrp.election.MembershipView;
import io.fleet.vrrp.election.NodeHealth;
import io.fleet.vrrp.election.Role;
import io.fleet.vrrp.election.RoleChange;
import io.fleet.vrrp.election.VipGroup;
import io.fleet.vrrp.link.Link;
import io.fleet.vrrp.track.GroupTracking;
import io.fleet.vrrp.track.LinkState;
import io.fleet.vrrp.track.NotifyScripts;
import io.fleet.vrrp.track.ScriptSupervisor;
import io.fleet.vrrp.track.TrackScript;

/**
 * Cluster-driven VIP holding on one director: the {@link Elector} fed with membership views and health, the
 * {@link Announcer} holding what the election gives this director, notify hooks on every role change, and this
 * director's own health from its track scripts and interfaces, published for the other directors.
 * <p>
 * Inputs come from any thread ({@link #onView}, {@link #onRemoteHealth}, {@link #onScriptStatus}) through a queue;
 * everything else happens on the one vrrp thread that runs this {@link Agent}.
 */
public final class ClusterVipService implements Agent
{
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ClusterVipService.class);

    /** How this director's own health is tracked and published. */
    public record Tracking(
        List<GroupTracking> groups, Map<String, TrackScript> scripts, LinkState links, long interfacePollNs,
        Consumer<NodeHealth> publish)
    {
        public static Tracking none()
        {
            return new Tracking(List.of(), Map.of(), name -> true, 1_000_000_000L, h -> { });
        }
    }

    private record ViewChanged(MembershipView view) { }
    private record HealthChanged(String node, NodeHealth health) { }
    private record ScriptsChanged(Map<String, Boolean> status) { }
    private record ClaimsChanged(Map<String, Claim> claims) { }
    private record GateDone(long generation) { }
    private record RefreshDone(long generation) { }

    private final String self;
    private final Link link;
    private final Elector elector;
    private final Announcer announcer;
    private final Map<String, NotifyScripts> notify;
    private final ScriptSupervisor scripts;
    private final Tracking tracking;
    private final Consumer<RoleChange> listener;
    private final Queue<Object> inbox = new ConcurrentLinkedQueue<>();
    private final Map<String, NodeHealth> remoteHealth = new HashMap<>();
    private Map<String, Boolean> scriptStatus = Map.of();
    private NodeHealth ownHealth = NodeHealth.HEALTHY;
    private long nextInterfacePollNs;
    private volatile Runnable wakeUp = () -> { };
    private HolderRegister register;
    private Function<Set<String>, CompletionStage<?>> catchUp;
    private long catchUpTimeoutNs;
    private MembershipView lastView;
    private long gateGeneration;
    private long refreshGeneration;
    private boolean registerStale;
    private long gateDeadlineNs = Long.MAX_VALUE;
    private final Set<String> gatePeers = new HashSet<>();

    /**
     * @param scripts  runs notify hooks (and the track scripts); may be null when no hook is configured.
     * @param listener told of every role change on the vrrp thread (metrics, tests); must not block.
     */
    public ClusterVipService(
        final String self, final List<VipGroup> groups, final long stableAfterNs, final Link link,
        final AnnounceSettings announceSettings, final Map<String, NotifyScripts> notify, final ScriptSupervisor scripts,
        final Tracking tracking, final Consumer<RoleChange> listener)
    {
        this.self = self;
        this.link = link;
        this.elector = new Elector(self, groups, stableAfterNs);
        this.announcer = new Announcer(link, announceSettings);
        this.notify = Map.copyOf(notify);
        this.scripts = scripts;
        this.tracking = tracking;
        this.listener = listener;
        link.receiver(announcer);
    }

    /**
     * Shares the holders through {@code register} (sync's replicated register): every director then converges on one
     * holder per group, with or without preemption, and a preempting director takes a group only once the old holder
     * has released it (or after {@code handoverTimeoutNs}). Call before the vrrp thread starts.
     */
    public void shareHolders(final HolderRegister register, final long handoverTimeoutNs)
    {
        this.register = register;
        elector.shareHolders(handoverTimeoutNs);
        register.addListener(claims ->
        {
            inbox.add(new ClaimsChanged(claims));
            wakeUp.run();
        });
        inbox.add(new ClaimsChanged(register.claims()));
    }

    /**
     * Gates retaking VIPs after a heal: when peers come back (or this director comes back from the minority side),
     * it takes no group by preemption until {@code catchUp} (given their node ids) completes — its connection state
     * has caught up with theirs — or {@code timeoutNs} has passed. Call before the vrrp thread starts.
     */
    public void catchUpAfterHeal(final Function<Set<String>, CompletionStage<?>> catchUp, final long timeoutNs)
    {
        this.catchUp = catchUp;
        this.catchUpTimeoutNs = timeoutNs;
    }

    public void wakeUp(final Runnable wakeUp)
    {
        this.wakeUp = wakeUp;
    }

    /** Any thread: the cluster view changed. */
    public void onView(final MembershipView view)
    {
        inbox.add(new ViewChanged(view));
        wakeUp.run();
    }

    /** Any thread: another director published its health. */
    public void onRemoteHealth(final String node, final NodeHealth health)
    {
        inbox.add(new HealthChanged(node, health));
        wakeUp.run();
    }

    /** Any thread (the script supervisor's): track script states changed. */
    public void onScriptStatus(final Map<String, Boolean> status)
    {
        inbox.add(new ScriptsChanged(status));
        wakeUp.run();
    }

    public Announcer announcer()
    {
        return announcer;
    }

    /** Read on the vrrp thread only (or after it stopped). */
    public Elector elector()
    {
        return elector;
    }

    @Override
    public int doWork(final long nowNs)
    {
        int work = 0;
        Object message;
        boolean healthDirty = false;
        while ((message = inbox.poll()) != null)
        {
            work++;
            if (message instanceof ViewChanged v)
            {
                gateOnHeal(v.view(), nowNs);
                apply(elector.onView(v.view(), nowNs), nowNs);
            }
            else if (message instanceof ClaimsChanged c)
            {
                apply(elector.onClaims(c.claims(), nowNs), nowNs);
            }
            else if (message instanceof GateDone d)
            {
                if (d.generation() == gateGeneration && !gatePeers.isEmpty())
                {
                    LOG.info("caught up with {} after the heal: may preempt again", gatePeers);
                    gatePeers.clear();
                    applyHoldBack(nowNs);
                }
            }
            else if (message instanceof RefreshDone r)
            {
                if (r.generation() == refreshGeneration && registerStale)
                {
                    registerStale = false;
                    applyHoldBack(nowNs);
                }
            }
            else if (message instanceof HealthChanged h)
            {
                if (!h.node().equals(self))
                {
                    remoteHealth.put(h.node(), h.health());
                    healthDirty = true;
                }
            }
            else if (message instanceof ScriptsChanged s)
            {
                scriptStatus = s.status();
                healthDirty |= recomputeOwnHealth();
            }
        }
        if (nowNs - nextInterfacePollNs >= 0)
        {
            nextInterfacePollNs = nowNs + tracking.interfacePollNs();
            healthDirty |= recomputeOwnHealth();
        }
        if (healthDirty)
        {
            final Map<String, NodeHealth> all = new HashMap<>(remoteHealth);
            all.put(self, ownHealth);
            apply(elector.onHealth(new HealthView(all), nowNs), nowNs);
            work++;
        }
        if (nowNs - elector.nextDeadlineNs() >= 0)
        {
            apply(elector.onTime(nowNs), nowNs);
            work++;
        }
        if (gateDeadlineNs != Long.MAX_VALUE && nowNs - gateDeadlineNs >= 0)
        {
            LOG.warn("not caught up with {} {} ms after the heal: may preempt anyway", gatePeers,
                catchUpTimeoutNs / 1_000_000L);
            gatePeers.clear();
            applyHoldBack(nowNs);
            work++;
        }
        return work + announcer.doWork(nowNs);
    }

    /**
     * The gate after a heal: peers that come back (every reachable peer when this director comes back from the
     * minority side) must have sent their state again before this director preempts anyone; a peer that drops out
     * again leaves the gate (its state cannot come now, and waiting for it would block for the whole timeout).
     * Coming back from the minority with shared holders it also re-reads the register and, until then, claims
     * nothing (what it knew of the claims is from before the partition).
     */
    private void gateOnHeal(final MembershipView view, final long nowNs)
    {
        final MembershipView before = lastView;
        lastView = view;
        if (before == null || (catchUp == null && register == null))
        {
            return;
        }
        final boolean selfBack = !before.selfMayHold() && view.selfMayHold();
        final Set<String> back = new HashSet<>();
        for (final String node : view.members())
        {
            if (!node.equals(self) && view.isReachable(node) &&
                (selfBack || (before.members().contains(node) && !before.isReachable(node))))
            {
                back.add(node);
            }
        }
        final boolean dropped = gatePeers.removeIf(node -> !view.isReachable(node));
        final boolean widened = catchUp != null && gatePeers.addAll(back);
        if (selfBack && register != null)
        {
            registerStale = true;
            final long generation = ++refreshGeneration;
            register.refresh().whenComplete((claims, failure) ->
            {
                inbox.add(new RefreshDone(generation));
                wakeUp.run();
            });
        }
        if (widened || dropped)
        {
            final long generation = ++gateGeneration;
            if (widened)
            {
                gateDeadlineNs = nowNs + catchUpTimeoutNs;
                LOG.info("{} back after a partition: no preemption until caught up with {}", selfBack ? "this director" :
                    back.toString(), gatePeers);
            }
            if (!gatePeers.isEmpty())
            {
                catchUp.apply(Set.copyOf(gatePeers)).whenComplete((ok, failure) ->
                {
                    inbox.add(new GateDone(generation));
                    wakeUp.run();
                });
            }
        }
        applyHoldBack(nowNs);
    }

    private void applyHoldBack(final long nowNs)
    {
        if (gatePeers.isEmpty())
        {
            gateDeadlineNs = Long.MAX_VALUE;
        }
        final Elector.HoldBack level = registerStale ? Elector.HoldBack.ALL :
            gatePeers.isEmpty() ? Elector.HoldBack.NONE : Elector.HoldBack.PREEMPTION;
        if (level != elector.holdBack())
        {
            apply(elector.holdBack(level, nowNs), nowNs);
        }
    }

    private boolean recomputeOwnHealth()
    {
        final NodeHealth next = GroupTracking.health(tracking.groups(), tracking.scripts(), scriptStatus,
            tracking.links(), link.isUp());
        if (next.equals(ownHealth))
        {
            return false;
        }
        ownHealth = next;
        tracking.publish().accept(next);
        return true;
    }

    private void apply(final List<RoleChange> changes, final long nowNs)
    {
        applyRoles(changes, nowNs);
        // After the roles: a release is acknowledged only once this director no longer answers for the VIP.
        if (register != null)
        {
            for (final Elector.RegisterWrite w : elector.drainWrites())
            {
                if (w.release())
                {
                    register.released(w.group(), w.term(), self);
                }
                else
                {
                    register.claim(w.group(), w.term(), self, w.from());
                }
            }
        }
    }

    private void applyRoles(final List<RoleChange> changes, final long nowNs)
    {
        for (final RoleChange c : changes)
        {
            final VipGroup group = elector.group(c.group());
            if (c.to() == Role.MASTER)
            {
                announcer.hold(group.name(), group.addresses(), link.macAddress(), nowNs);
            }
            else if (c.from() == Role.MASTER)
            {
                announcer.release(group.name());
            }
            final NotifyScripts hooks = notify.get(group.name());
            if (hooks != null && scripts != null)
            {
                final int priority = Election.effectivePriority(group, self, ownHealth);
                for (final List<String> command : hooks.commands(group.name(), c.to(), priority))
                {
                    scripts.submit(group.name(), command, hooks.timeoutNs());
                }
            }
            listener.accept(c);
        }
    }

    @Override
    public long nextDeadlineNs()
    {
        long deadline = nextInterfacePollNs;
        if (gateDeadlineNs != Long.MAX_VALUE && gateDeadlineNs - deadline < 0)
        {
            deadline = gateDeadlineNs;
        }
        for (final long d : new long[]{elector.nextDeadlineNs(), announcer.nextDeadlineNs()})
        {
            if (d != Long.MAX_VALUE && d - deadline < 0)
            {
                deadline = d;
            }
        }
        return deadline;
    }

    /** Releases every VIP (notify hooks see INITIALIZE) when the vrrp thread stops. */
    @Override
    public void onClose(final long nowNs)
    {
        apply(elector.shutdown(), nowNs);
    }
}
