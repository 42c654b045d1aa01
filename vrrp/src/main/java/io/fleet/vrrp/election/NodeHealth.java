package io.fleet.vrrp.election;

import java.util.Map;
import java.util.Set;

/**
 * The outcome of one director's track scripts and tracked interfaces: a priority change per VIP group and whether
 * the director is faulted (then it holds nothing). Each director computes its own and the cluster carries it to the
 * others, so that all of them elect from the same effective priorities.
 *
 * @param faulted       true when the whole director may hold nothing (its port is down).
 * @param deltaByGroup  priority change per VIP group name; groups not listed change by 0.
 * @param faultedGroups groups this director may not hold: a tracked interface down or a weight-0 script failing.
 */
public record NodeHealth(boolean faulted, Map<String, Integer> deltaByGroup, Set<String> faultedGroups)
{
    public static final NodeHealth HEALTHY = new NodeHealth(false, Map.of(), Set.of());

    public NodeHealth
    {
        deltaByGroup = Map.copyOf(deltaByGroup);
        faultedGroups = Set.copyOf(faultedGroups);
    }

    public NodeHealth(final boolean faulted, final Map<String, Integer> deltaByGroup)
    {
        this(faulted, deltaByGroup, Set.of());
    }

    /** True when this director may not hold {@code group}. */
    public boolean faulted(final String group)
    {
        return faulted || faultedGroups.contains(group);
    }

    public int delta(final String group)
    {
        return deltaByGroup.getOrDefault(group, 0);
    }
}
