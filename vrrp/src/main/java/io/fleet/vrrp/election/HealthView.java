package io.fleet.vrrp.election;

import java.util.HashMap;
import java.util.Map;

/** The latest {@link NodeHealth} of every director this one has heard from; a director not heard from is healthy. */
public record HealthView(Map<String, NodeHealth> byNode)
{
    public static final HealthView ALL_HEALTHY = new HealthView(Map.of());

    public HealthView
    {
        byNode = Map.copyOf(byNode);
    }

    public NodeHealth of(final String node)
    {
        return byNode.getOrDefault(node, NodeHealth.HEALTHY);
    }

    /** A copy with {@code node}'s health replaced. */
    public HealthView with(final String node, final NodeHealth health)
    {
        final Map<String, NodeHealth> copy = new HashMap<>(byNode);
        copy.put(node, health);
        return new HealthView(copy);
    }
}
