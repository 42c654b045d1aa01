package io.fleet.director.control;

import java.util.List;

/**
 * The fleet as this director sees it: itself ({@code host:port} of its cluster node), every member with its
 * Pekko status ({@code up}, {@code joining}, {@code leaving}, {@code exiting}, {@code down}, {@code removed},
 * {@code weakly-up}) and reachability, every VIP group with its holder, and how many election transitions
 * (role changes of this director) there have been since start.
 */
public record ClusterStatus(String self, List<Member> members, List<VipGroupStatus> vipGroups, long electionTransitions)
{
    public ClusterStatus
    {
        members = List.copyOf(members);
        vipGroups = List.copyOf(vipGroups);
    }

    public record Member(String address, String status, boolean reachable, List<String> roles)
    {
    }

    /** {@code holder} is the member holding the group ({@code host:port}) or null; {@code role} is this director's. */
    public record VipGroupStatus(String group, List<String> addresses, String holder, String role)
    {
    }
}
