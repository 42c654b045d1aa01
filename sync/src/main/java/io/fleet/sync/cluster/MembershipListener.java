package io.fleet.sync.cluster;

/**
 * Cluster membership and reachability as plain callbacks, for {@code vrrp} and the director. Register with
 * {@code ClusterNode.addMembershipListener}: the listener first receives the current state (every member
 * already up, every member currently unreachable, whether this node is in the minority), then each change.
 *
 * <p>Callbacks run one at a time on the cluster node's membership thread, in cluster-event order; they must not
 * block (hand work to your own queue). Reachability comes from the LAN-tuned failure detector (sub-second);
 * removal follows downing by the Split Brain Resolver (seconds).
 */
public interface MembershipListener
{
    /** A director joined and is up (also called for members already up at registration). */
    default void memberUp(final ClusterMember member)
    {
    }

    /** The failure detector lost a director: take over its VIPs now, do not wait for removal. */
    default void memberUnreachable(final ClusterMember member)
    {
    }

    /** A director that was unreachable answers again. */
    default void memberReachable(final ClusterMember member)
    {
    }

    /** A director left or was downed and removed; a restart comes back as a new member (new uid). */
    default void memberRemoved(final ClusterMember member)
    {
    }

    /**
     * Whether this node is on the losing side of a partition by the Split Brain Resolver's keep-majority rule
     * (fewer than half of the members reachable, or exactly half without the lowest address). A node in the
     * minority should release its VIPs: it is about to be downed.
     */
    default void selfInMinority(final boolean inMinority)
    {
    }

    /** This node was downed or removed from the cluster: it must release everything and stop. */
    default void selfDowned()
    {
    }
}
