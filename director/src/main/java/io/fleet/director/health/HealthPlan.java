package io.fleet.director.health;

import java.util.List;

/** Every check a director's file asks for, in file order; empty when no service has a {@code health-check}. */
public record HealthPlan(List<CheckTarget> targets)
{
    public static final HealthPlan EMPTY = new HealthPlan(List.of());

    public HealthPlan
    {
        targets = List.copyOf(targets);
    }
}
