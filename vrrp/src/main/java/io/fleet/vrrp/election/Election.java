package io.fleet.vrrp.election;

/**
 * The pure part of the VIP election: effective priorities and the order between two candidates. Every director
 * applies it to the same view and health and so reaches the same holder.
 */
public final class Election
{
    private Election()
    {
    }

    /**
     * The priority {@code node} competes with for {@code group}: its configured priority plus its track-script
     * delta, clamped to 1..254 as Keepalived does; 0 (never holds) when it is configured 0 or faulted.
     */
    public static int effectivePriority(final VipGroup group, final String node, final NodeHealth health)
    {
        final int base = group.basePriority(node);
        if (base == 0 || health.faulted(group.name()))
        {
            return 0;
        }
        return Math.max(VipGroup.MIN_PRIORITY, Math.min(VipGroup.MAX_PRIORITY, base + health.delta(group.name())));
    }

    /**
     * True when {@code a} at priority {@code pa} beats {@code b} at {@code pb}: higher priority first, then the higher
     * rendezvous score for the group, then the greater node id (only if two scores collide).
     */
    public static boolean beats(final VipGroup group, final String a, final int pa, final String b, final int pb)
    {
        if (pa != pb)
        {
            return pa > pb;
        }
        final long sa = Rendezvous.score(group.name(), a);
        final long sb = Rendezvous.score(group.name(), b);
        if (sa != sb)
        {
            return Long.compareUnsigned(sa, sb) > 0;
        }
        return a.compareTo(b) > 0;
    }

    /**
     * The stateless holder: the best eligible reachable member of {@code view}, or null. What {@link Elector}
     * converges to with preempt on once every member is stable and no preempt delay is pending.
     */
    public static String holder(final VipGroup group, final MembershipView view, final HealthView health)
    {
        String best = null;
        int bestPriority = 0;
        for (final String node : view.members())
        {
            if (!view.isReachable(node) || (node.equals(view.self()) && !view.selfMayHold()))
            {
                continue;
            }
            final int p = effectivePriority(group, node, health.of(node));
            if (p > 0 && (best == null || beats(group, node, p, best, bestPriority)))
            {
                best = node;
                bestPriority = p;
            }
        }
        return best;
    }
}
