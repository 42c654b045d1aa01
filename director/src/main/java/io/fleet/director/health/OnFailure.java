package io.fleet.director.health;

/** What the data plane does with a real server the fleet finds down. */
public enum OnFailure
{
    /** Keep it in the service with weight 0 (Keepalived's {@code inhibit_on_failure}): its connections drain. */
    INHIBIT,
    /** Take it out of the service (Keepalived's default); it comes back when it is up again. */
    REMOVE
}
