package io.fleet.vrrp.track;

/**
 * An interface whose link state a VIP group follows, as Keepalived's {@code track_interface}: with weight 0 a down
 * link faults the group; a negative weight is added to the priority while down, a positive one while up.
 */
public record TrackedInterface(String name, int weight)
{
    public TrackedInterface
    {
        if (name == null || name.isBlank() || Math.abs(weight) > 253)
        {
            throw new IllegalArgumentException("tracked interface needs a name and a weight in -253..253");
        }
    }
}
