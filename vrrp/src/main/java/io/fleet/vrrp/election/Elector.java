package io.fleet.vrrp.election;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.fleet.sync.vip.Claim;

/**
 * The VIP election of one director, driven by hand: feed it membership views, health and the time, and it says
 * which of its roles changed. Holds the little state the pure {@link Election} needs to behave like Keepalived
 * over a cluster: who holds each group now (for no-preempt and preempt delay) and since when each node has been
 * reachable (hysteresis).
 * <p>
 * Rules, applied per group on every input:
 * <ul>
 *   <li>A node is eligible when reachable, its effective priority is above 0, and, for this director itself, it is
 *       on the majority side and not downed. A holder that stops being eligible loses the group at once: takeover
 *       follows reachability, not downing.</li>
 *   <li>With no eligible holder the best <em>stable</em> eligible node takes the group, or the best eligible node when
 *       none is stable yet. A node is stable after {@code stableAfterNs} of continuous reachability (hysteresis), so
 *       a flapping link cannot pull a group back and forth; members already present in this director's first view
 *       count as stable, this director itself does not (it is the newcomer).</li>
 *   <li>With preempt on, a stable node that beats the holder takes the group once it has beaten it continuously for
 *       the group's preempt delay. With preempt off the holder keeps the group while it stays eligible.</li>
 * </ul>
 * <p>
 * <b>Shared holders</b> ({@link #shareHolders}): the holder of each group is what the fleet's replicated register
 * says ({@link #onClaims}) whenever that node is eligible here, so directors whose views arrived in different orders
 * still agree, with or without preemption. A director writes a claim only for itself ({@link #drainWrites}): when it
 * replaces a lost holder (the best eligible node of the shared view is itself), when it is first to hold a group, or
 * when it preempts. A preempting director takes the group only once the old holder has acknowledged the release
 * (release before take, so no VIP has two holders during a hand-back), or the old holder is no longer eligible, or
 * the hand-over timeout ran out. A director that sees another's claim on the group it holds releases and acknowledges.
 * <p>
 * <b>Holding back</b> ({@link #holdBack}): after a partition heals a director must not retake groups before its
 * connection state has caught up; while held back it takes no group by preemption ({@link HoldBack#PREEMPTION}) or,
 * coming back from the minority side with shared holders, claims nothing at all until it has re-read the register
 * ({@link HoldBack#ALL}).
 * <p>
 * Single-threaded: one thread calls every method. Deadlines compare as {@code deadlineNs - nowNs < 0}.
 */
public final class Elector
{
    private final String self;
    private final long stableAfterNs;
    private final Map<String, GroupState> groups = new LinkedHashMap<>();
    private final Map<String, Long> reachableSinceNs = new HashMap<>();
    private final Set<String> stable = new HashSet<>();
    private final List<RegisterWrite> writes = new ArrayList<>();
    private MembershipView view;
    private HealthView health = HealthView.ALL_HEALTHY;
    private boolean shared;
    private long handoverTimeoutNs;
    private HoldBack holdBack = HoldBack.NONE;

    /** How much a director holds back while its connection state catches up after a heal. */
    public enum HoldBack
    {
        /** Takes groups as the rules say. */
        NONE,
        /** Takes no group by preemption (it still replaces a lost holder when it is the heir). */
        PREEMPTION,
        /** With shared holders: claims nothing, takes nothing (it does not know the fleet's claims yet). */
        ALL
    }

    /**
     * A write to the replicated holder register this director must make: its claim of a group in a term (taking it
     * from {@code from}), or its acknowledgement that it released the group for the claim of {@code term}.
     */
    public record RegisterWrite(String group, boolean release, long term, String holder, String from)
    {
    }

    private static final class GroupState
    {
        final VipGroup group;
        String holder;
        /** Whether this director has known a holder for the group: its first views are behind it. */
        boolean holderKnown;
        String challenger;
        long challengerSinceNs;
        Role role = Role.INITIALIZE;
        /** Shared mode: the register's claim for the group (this director's own latest write included), or null. */
        Claim claim;
        /** Shared mode: the term of this director's latest claim of the group in this incarnation, 0 for none. */
        long ownTerm;
        /** Shared mode: when this director made its pending claim (for the hand-over timeout). */
        long claimedAtNs;
        /** Shared mode: the term of its own claim this director has taken the group for (no going back). */
        long takenTerm;
        /** Shared mode: the highest claim term this director acknowledged as released. */
        long ackedTerm;

        GroupState(final VipGroup group)
        {
            this.group = group;
        }
    }

    /**
     * @param self          this director's node id.
     * @param groups        the VIP groups, names unique.
     * @param stableAfterNs how long a node must stay reachable before it may take a group by preemption.
     */
    public Elector(final String self, final List<VipGroup> groups, final long stableAfterNs)
    {
        this.self = self;
        this.stableAfterNs = stableAfterNs;
        for (final VipGroup group : groups)
        {
            if (this.groups.put(group.name(), new GroupState(group)) != null)
            {
                throw new IllegalArgumentException("duplicate VIP group " + group.name());
            }
        }
    }

    public String self()
    {
        return self;
    }

    /** A new membership view; returns the role changes it causes, in group order. */
    public List<RoleChange> onView(final MembershipView newView, final long nowNs)
    {
        if (!newView.self().equals(self))
        {
            throw new IllegalArgumentException("view of " + newView.self() + " given to elector of " + self);
        }
        final boolean first = view == null;
        // Back from the minority side of a partition (or from being downed): the majority kept holding the groups
        // meanwhile, so this director comes back as a newcomer, as on its first view. Otherwise it would be the only
        // stable node it knows (the others' reachability just restarted) and take every group it has no holder for,
        // while the majority's holders keep them: two holders until the hysteresis time has passed.
        final boolean returning = !first && !view.selfMayHold() && newView.selfMayHold();
        if (returning)
        {
            stable.remove(self);
            reachableSinceNs.remove(self);
            // Its first views again: prefer the nodes that were there (the majority) until it hears who holds what.
            for (final GroupState g : groups.values())
            {
                g.holderKnown = false;
                // Claims naming this director from before the minority spell are history: the majority moved on.
                g.ownTerm = 0;
                g.takenTerm = 0;
            }
        }
        for (final String node : newView.members())
        {
            if (newView.isReachable(node))
            {
                if (!reachableSinceNs.containsKey(node))
                {
                    reachableSinceNs.put(node, nowNs);
                }
                if ((first || returning) && !node.equals(self))
                {
                    stable.add(node);
                }
            }
        }
        reachableSinceNs.keySet().removeIf(node -> !newView.isReachable(node));
        stable.removeIf(node -> !newView.isReachable(node));
        view = newView;
        return evaluate(nowNs);
    }

    /** New track-script and interface health of the directors; returns the role changes it causes. */
    public List<RoleChange> onHealth(final HealthView newHealth, final long nowNs)
    {
        health = newHealth;
        return view == null ? List.of() : evaluate(nowNs);
    }

    /**
     * Takes the holders from the fleet's replicated register from now on ({@link #onClaims}); this director's
     * claims and release acknowledgements are then collected by {@link #drainWrites}.
     *
     * @param handoverTimeoutNs how long a preempting director waits for the old holder's release acknowledgement
     *                          before it takes the group anyway.
     */
    public void shareHolders(final long handoverTimeoutNs)
    {
        this.shared = true;
        this.handoverTimeoutNs = handoverTimeoutNs;
    }

    /** The register's claims (every group's, as the register holds them now); returns the role changes. */
    public List<RoleChange> onClaims(final Map<String, Claim> claims, final long nowNs)
    {
        for (final GroupState g : groups.values())
        {
            final Claim c = claims.get(g.group.name());
            // The register's value wins, except over this director's own newer write that has not come back yet.
            if (c != null && (g.claim == null || c.term() >= g.claim.term() || !self.equals(g.claim.holder())))
            {
                g.claim = c;
            }
        }
        return view == null ? List.of() : evaluate(nowNs);
    }

    /** Holding back while connection state catches up after a heal; returns the role changes. */
    public List<RoleChange> holdBack(final HoldBack level, final long nowNs)
    {
        holdBack = level;
        return view == null ? List.of() : evaluate(nowNs);
    }

    public HoldBack holdBack()
    {
        return holdBack;
    }

    /** The register writes this director must make since the last call, in order. */
    public List<RegisterWrite> drainWrites()
    {
        if (writes.isEmpty())
        {
            return List.of();
        }
        final List<RegisterWrite> out = List.copyOf(writes);
        writes.clear();
        return out;
    }

    /** Re-evaluates at {@code nowNs}: call at {@link #nextDeadlineNs()} or later. */
    public List<RoleChange> onTime(final long nowNs)
    {
        return view == null ? List.of() : evaluate(nowNs);
    }

    /** Releases everything, as on shutdown: every group goes to INITIALIZE. */
    public List<RoleChange> shutdown()
    {
        final List<RoleChange> changes = new ArrayList<>();
        for (final GroupState g : groups.values())
        {
            if (g.role != Role.INITIALIZE)
            {
                changes.add(new RoleChange(g.group.name(), g.role, Role.INITIALIZE, null));
                g.role = Role.INITIALIZE;
            }
        }
        view = null;
        return changes;
    }

    /**
     * The earliest time at which {@link #onTime} could change something with no new input (a node turning stable or
     * a preempt delay running out), or {@link Long#MAX_VALUE}.
     */
    public long nextDeadlineNs()
    {
        long deadline = Long.MAX_VALUE;
        boolean any = false;
        for (final Map.Entry<String, Long> e : reachableSinceNs.entrySet())
        {
            if (!stable.contains(e.getKey()))
            {
                final long d = e.getValue() + stableAfterNs;
                deadline = any ? earlier(deadline, d) : d;
                any = true;
            }
        }
        for (final GroupState g : groups.values())
        {
            if (g.challenger != null)
            {
                final long d = g.challengerSinceNs + g.group.preemptDelayNs();
                deadline = any ? earlier(deadline, d) : d;
                any = true;
            }
            if (shared && g.ownTerm > 0 && g.takenTerm != g.ownTerm)
            {
                final long d = g.claimedAtNs + handoverTimeoutNs;
                deadline = any ? earlier(deadline, d) : d;
                any = true;
            }
        }
        return deadline;
    }

    /** Who holds {@code group} as this director sees it, or null. */
    public String holder(final String group)
    {
        return state(group).holder;
    }

    public Role role(final String group)
    {
        return state(group).role;
    }

    public VipGroup group(final String group)
    {
        return state(group).group;
    }

    /** The groups this director holds, in configuration order. */
    public List<VipGroup> held()
    {
        final List<VipGroup> held = new ArrayList<>();
        for (final GroupState g : groups.values())
        {
            if (g.role == Role.MASTER)
            {
                held.add(g.group);
            }
        }
        return held;
    }

    private GroupState state(final String group)
    {
        final GroupState g = groups.get(group);
        if (g == null)
        {
            throw new IllegalArgumentException("no VIP group " + group);
        }
        return g;
    }

    private List<RoleChange> evaluate(final long nowNs)
    {
        for (final Map.Entry<String, Long> e : reachableSinceNs.entrySet())
        {
            if (nowNs - (e.getValue() + stableAfterNs) >= 0)
            {
                stable.add(e.getKey());
            }
        }
        final List<RoleChange> changes = new ArrayList<>(2);
        final NodeHealth selfHealth = health.of(self);
        for (final GroupState g : groups.values())
        {
            decide(g, nowNs);
            final Role role;
            if (self.equals(g.holder))
            {
                role = Role.MASTER;
            }
            else if (selfHealth.faulted(g.group.name()) || !view.selfMayHold())
            {
                role = Role.FAULT;
            }
            else
            {
                role = Role.BACKUP;
            }
            if (role != g.role)
            {
                changes.add(new RoleChange(g.group.name(), g.role, role, g.holder));
                g.role = role;
            }
        }
        return changes;
    }

    private void decide(final GroupState g, final long nowNs)
    {
        if (shared)
        {
            decideShared(g, nowNs);
            return;
        }
        final VipGroup group = g.group;
        final int holderPriority = g.holder == null ? 0 : eligiblePriority(group, g.holder);
        if (holderPriority == 0)
        {
            if (!g.holderKnown)
            {
                // No holder known yet (this director's first views): prefer nodes that were there before it.
                g.holder = best(group, true);
                if (g.holder == null)
                {
                    g.holder = best(group, false);
                }
            }
            else
            {
                // Takeover from a lost holder, or from none after a spell in the minority: the best eligible node by
                // the view alone, which every director shares. Stability is each observer's own clock (a director is
                // the newcomer in its own eyes, and a peer's flap restarts its hysteresis), so using it here let two
                // directors each name the other and leave the VIP unheld, or each name itself and both hold it.
                g.holder = best(group, false);
            }
            g.holderKnown |= g.holder != null;
            g.challenger = null;
            return;
        }
        if (!group.preempt())
        {
            g.challenger = null;
            return;
        }
        final String candidate = best(group, true);
        if (candidate == null || candidate.equals(g.holder) ||
            (candidate.equals(self) && holdBack != HoldBack.NONE) ||
            !Election.beats(group, candidate, eligiblePriority(group, candidate), g.holder, holderPriority))
        {
            g.challenger = null;
            return;
        }
        if (!candidate.equals(g.challenger))
        {
            g.challenger = candidate;
            g.challengerSinceNs = nowNs;
        }
        if (nowNs - (g.challengerSinceNs + group.preemptDelayNs()) >= 0)
        {
            g.holder = candidate;
            g.challenger = null;
        }
    }

    /** The rules with the register's claims: see the class comment. */
    private void decideShared(final GroupState g, final long nowNs)
    {
        final VipGroup group = g.group;
        final Claim c = g.claim;
        final String claimed = c == null ? null : c.holder();
        // A claim naming this director counts only if this incarnation wrote it (after a restart or a minority
        // spell the fleet has moved on, or is about to).
        final boolean valid = claimed != null && eligiblePriority(group, claimed) > 0 &&
            (!claimed.equals(self) || c.term() == g.ownTerm);
        if (valid)
        {
            g.holderKnown = true;
            if (claimed.equals(self))
            {
                final boolean mayTake = g.takenTerm == c.term() || c.released() || c.from().equals(self) ||
                    eligiblePriority(group, c.from()) == 0 || nowNs - (g.claimedAtNs + handoverTimeoutNs) >= 0;
                if (mayTake)
                {
                    g.takenTerm = c.term();
                    g.holder = self;
                }
                else
                {
                    // Release before take: the old holder still answers until it acknowledges.
                    g.holder = c.from();
                }
                g.challenger = null;
                return;
            }
            if (self.equals(c.from()) && g.ackedTerm < c.term())
            {
                // Another director claims the group this one held: release (this evaluation) and say so.
                g.ackedTerm = c.term();
                writes.add(new RegisterWrite(group.name(), true, c.term(), self, null));
                if (!Election.beats(group, claimed, eligiblePriority(group, claimed), self, eligiblePriority(group, self)))
                {
                    // It does not beat this director, so it took the group because it lost sight of this one: some
                    // link to here is down even if this director sees everyone (a one-way partition). This director
                    // is then a newcomer again, or it would preempt back at once, and the claimant would take the
                    // group again, as fast as the register can carry it.
                    stable.remove(self);
                    reachableSinceNs.put(self, nowNs);
                }
            }
            g.holder = claimed;
            g.ownTerm = g.ownTerm > c.term() ? g.ownTerm : 0;
            preemptShared(g, c, nowNs);
            return;
        }
        g.challenger = null;
        final String heir;
        if (c == null)
        {
            // Nobody claimed the group yet, so nobody holds it: the best stable node (nodes that were there before
            // this director first, as on a first view), re-decided on every input rather than remembered, so that
            // once every node is stable in every view all name the same heir, which claims it.
            final String stableBest = best(group, true);
            heir = stableBest != null ? stableBest : best(group, false);
        }
        else
        {
            // The claimed holder is lost (or the claim is an old incarnation's): the heir by the shared view.
            heir = best(group, false);
        }
        g.holderKnown |= heir != null;
        if (self.equals(heir))
        {
            if (holdBack == HoldBack.ALL)
            {
                g.holder = null;
                return;
            }
            claim(g, c == null ? 1 : c.term() + 1, claimed, nowNs);
            g.takenTerm = g.ownTerm;
            g.holder = self;
            return;
        }
        g.holder = heir;
    }

    /** Shared mode, the group held by another director: this one preempts it when the rules say so. */
    private void preemptShared(final GroupState g, final Claim c, final long nowNs)
    {
        final VipGroup group = g.group;
        final String candidate = best(group, true);
        if (!group.preempt() || holdBack != HoldBack.NONE || !self.equals(candidate) ||
            !Election.beats(group, self, eligiblePriority(group, self), g.holder, eligiblePriority(group, g.holder)))
        {
            g.challenger = null;
            return;
        }
        if (!self.equals(g.challenger))
        {
            g.challenger = self;
            g.challengerSinceNs = nowNs;
        }
        if (nowNs - (g.challengerSinceNs + group.preemptDelayNs()) >= 0)
        {
            g.challenger = null;
            claim(g, c.term() + 1, c.holder(), nowNs);
            // Stays BACKUP until the old holder acknowledges (next evaluations).
        }
    }

    private void claim(final GroupState g, final long term, final String from, final long nowNs)
    {
        g.ownTerm = term;
        g.claimedAtNs = nowNs;
        g.claim = new Claim(term, self, from, 0);
        writes.add(new RegisterWrite(g.group.name(), false, term, self, from));
    }

    private String best(final VipGroup group, final boolean stableOnly)
    {
        String best = null;
        int bestPriority = 0;
        for (final String node : view.members())
        {
            if (stableOnly && !stable.contains(node))
            {
                continue;
            }
            final int p = eligiblePriority(group, node);
            if (p > 0 && (best == null || Election.beats(group, node, p, best, bestPriority)))
            {
                best = node;
                bestPriority = p;
            }
        }
        return best;
    }

    /** The node's effective priority if it is eligible to hold {@code group} now, else 0. */
    private int eligiblePriority(final VipGroup group, final String node)
    {
        if (!view.isReachable(node) || (node.equals(self) && !view.selfMayHold()))
        {
            return 0;
        }
        return Election.effectivePriority(group, node, health.of(node));
    }

    private static long earlier(final long a, final long b)
    {
        return a - b <= 0 ? a : b;
    }
}
