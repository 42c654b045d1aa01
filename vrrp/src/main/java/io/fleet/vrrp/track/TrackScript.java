package io.fleet.vrrp.track;

import java.util.List;

/**
 * A check command run every {@code intervalNs}, as Keepalived's {@code vrrp_script}: exit status 0 is success.
 * After {@code fall} failures in a row it counts as failed, after {@code rise} successes as succeeding again; it
 * starts as succeeding. A run that outlives {@code timeoutNs} is killed (its PID and the processes it started) and
 * counts as a failure.
 *
 * @param weight negative: added to the priority while failing; positive: added while succeeding; 0: failing faults
 *               the groups that track it (Keepalived's semantics).
 */
public record TrackScript(String name, List<String> command, long intervalNs, long timeoutNs, int weight, int rise, int fall)
{
    public TrackScript
    {
        command = List.copyOf(command);
        if (command.isEmpty() || intervalNs <= 0 || timeoutNs <= 0 || rise < 1 || fall < 1 || Math.abs(weight) > 253)
        {
            throw new IllegalArgumentException("track script " + name + ": needs a command, interval and timeout > 0, " +
                "rise and fall >= 1, weight -253..253");
        }
    }

    /** A shell command line, run as {@code /bin/sh -c line}, like Keepalived's {@code script "..."}. */
    public static TrackScript shell(
        final String name, final String line, final long intervalNs, final long timeoutNs, final int weight)
    {
        return new TrackScript(name, List.of("/bin/sh", "-c", line), intervalNs, timeoutNs, weight, 1, 1);
    }
}
