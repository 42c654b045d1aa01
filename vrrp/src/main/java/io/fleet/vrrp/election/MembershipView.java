package io.fleet.vrrp.election;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What one director knows about the cluster at one moment: itself, every member oldest first, which of them it
 * can reach, and whether it stands on the majority side and has not been downed. The election's only input from
 * the cluster; it carries no Pekko types so that the election is a plain function under test.
 *
 * @param self           this director's node id.
 * @param members        every member (Up, Leaving or WeaklyUp), oldest first; includes {@code self}.
 * @param reachable      the members this director can reach; includes {@code self} unless downed.
 * @param selfInMajority false when this director sees itself on the minority side of a partition.
 * @param selfDowned     true once this director is Down, Exiting or Removed: it must hold nothing.
 */
public record MembershipView(
    String self, List<String> members, Set<String> reachable, boolean selfInMajority, boolean selfDowned)
{
    public MembershipView
    {
        if (self == null || self.isEmpty())
        {
            throw new IllegalArgumentException("self node id is required");
        }
        members = List.copyOf(members);
        reachable = Set.copyOf(reachable);
        if (new LinkedHashSet<>(members).size() != members.size())
        {
            throw new IllegalArgumentException("duplicate member in " + members);
        }
        if (!members.containsAll(reachable))
        {
            throw new IllegalArgumentException("reachable " + reachable + " not all members of " + members);
        }
    }

    /**
     * The view a director computes from its cluster state with the keep-majority rule: it is on the majority side
     * when it reaches more than half of the members, or exactly half including the oldest member.
     *
     * @param membersOldestFirst every member, oldest first.
     * @param unreachable        the members this director's failure detector marks unreachable.
     */
    public static MembershipView compute(
        final String self, final List<String> membersOldestFirst, final Set<String> unreachable, final boolean selfDowned)
    {
        final List<String> reachable = new ArrayList<>(membersOldestFirst.size());
        for (final String member : membersOldestFirst)
        {
            if (!unreachable.contains(member) && !(selfDowned && member.equals(self)))
            {
                reachable.add(member);
            }
        }
        final int total = membersOldestFirst.size();
        final int reached = reachable.size();
        final boolean majority = total > 0 &&
            (2 * reached > total || (2 * reached == total && reachable.contains(membersOldestFirst.get(0))));
        return new MembershipView(self, membersOldestFirst, new LinkedHashSet<>(reachable), majority, selfDowned);
    }

    /** A single director alone in its cluster, holding whatever it is eligible for. */
    public static MembershipView alone(final String self)
    {
        return new MembershipView(self, List.of(self), Set.of(self), true, false);
    }

    public boolean isReachable(final String node)
    {
        return reachable.contains(node);
    }

    /** True when this director may hold VIPs at all: on the majority side and not downed. */
    public boolean selfMayHold()
    {
        return selfInMajority && !selfDowned && reachable.contains(self);
    }
}
