package io.fleet.vrrp.election;

import java.util.Map;

/**
 * The outcome of one director's track scripts and tracked interfaces: a priority change per VIP group and whether
 * the director is faulted (then it holds nothing). Each director computes its own and the cluster carries it to the
 * others, so that all of them elect from the same effective priorities.
 *
 * @param faulted       true when a tracked interface is down or a weight-0 track script fails.
 * @param deltaByGroup  priority change per VIP group name; groups not listed change by 0.
 */
public record NodeHealth(boolean faulted, Map<String, Integer> deltaByGroup)
{
    public static final NodeHealth HEALTHY = new NodeHealth(false, Map.of());

    public NodeHealth
    {
        deltaByGroup = Map.copyOf(deltaByGroup);
    }

    public int delta(final String group)
    {
        return deltaByGroup.getOrDefault(group, 0);
    }
}
