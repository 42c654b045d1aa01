package io.fleet.vrrp.election;

import java.util.List;
import java.util.Map;

/**
 * A set of VIPs that always move together, like Keepalived's {@code vrrp_instance} with several
 * {@code virtual_ipaddress} entries: a priority per director, preempt on or off, and a preempt delay.
 *
 * @param name            unique name; also the rendezvous-hash key, so renaming a group may move it.
 * @param addresses       the VIPs, at least one.
 * @param priorities      priority per node id, 1..254; 0 means the node never holds this group.
 * @param defaultPriority priority of a node not listed in {@code priorities}, 0..254.
 * @param preempt         when true a better candidate takes the group from a holder that is still eligible.
 * @param preemptDelayNs  how long a better candidate must stay better before it preempts, in nanoseconds.
 */
public record VipGroup(
    String name,
    List<VipAddress> addresses,
    Map<String, Integer> priorities,
    int defaultPriority,
    boolean preempt,
    long preemptDelayNs)
{
    /** Keepalived's priority range for a node that does not own the address. */
    public static final int MIN_PRIORITY = 1;
    public static final int MAX_PRIORITY = 254;

    public VipGroup
    {
        if (name == null || name.isBlank())
        {
            throw new IllegalArgumentException("a VIP group needs a name");
        }
        addresses = List.copyOf(addresses);
        priorities = Map.copyOf(priorities);
        if (addresses.isEmpty())
        {
            throw new IllegalArgumentException("VIP group " + name + " has no address");
        }
        priorities.forEach((node, p) ->
        {
            if (p < 0 || p > MAX_PRIORITY)
            {
                throw new IllegalArgumentException(
                    "VIP group " + name + ": priority of " + node + " is " + p + ", not 0..254");
            }
        });
        if (defaultPriority < 0 || defaultPriority > MAX_PRIORITY)
        {
            throw new IllegalArgumentException("VIP group " + name + ": default priority " + defaultPriority);
        }
        if (preemptDelayNs < 0)
        {
            throw new IllegalArgumentException("VIP group " + name + ": negative preempt delay");
        }
    }

    /** A group every node may hold at {@code priority}, with preempt on and no delay. */
    public static VipGroup of(final String name, final int priority, final String... addresses)
    {
        return new VipGroup(name, java.util.Arrays.stream(addresses).map(VipAddress::parse).toList(),
            Map.of(), priority, true, 0);
    }

    /** The configured priority of {@code node}, before track scripts change it. */
    public int basePriority(final String node)
    {
        return priorities.getOrDefault(node, defaultPriority);
    }

    public VipGroup withPriority(final String node, final int priority)
    {
        final java.util.Map<String, Integer> copy = new java.util.HashMap<>(priorities);
        copy.put(node, priority);
        return new VipGroup(name, addresses, copy, defaultPriority, preempt, preemptDelayNs);
    }

    public VipGroup withPreempt(final boolean preempt, final long preemptDelayNs)
    {
        return new VipGroup(name, addresses, priorities, defaultPriority, preempt, preemptDelayNs);
    }
}
