package io.fleet.vrrp.cluster;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Which members the election treats as unreachable, given what the cluster says and who said it.
 * <p>
 * Pekko marks a member unreachable while <em>any</em> observer's record says so, and a record can only be withdrawn by
 * the observer that made it. When a director flags a peer (a false suspicion: a GC pause, a starved CPU) and is then
 * killed before it withdraws the flag, the dead director's record keeps that live peer "unreachable" in every view
 * until the dead one is downed and removed — the Split Brain Resolver's {@code stable-after}, seconds later. A
 * survivor then counts two of three members unreachable, thinks it is on the minority side, releases everything,
 * and the VIP waits for the removal: the intermittent ~7 s takeover.
 * <p>
 * Rule: this director's own observations always count; another observer's count only while that observer is not
 * itself unreachable. A member flagged only by unreachable observers (and not by this director) is treated as
 * reachable. This only ever removes members from the cluster's unreachable set, never adds any, so without records
 * the election sees exactly what Pekko says. In a fleet of up to ten directors every director monitors every other
 * one (Pekko's {@code monitored-by-nr-of-members} is 9), so a member that is really gone is always flagged by this
 * director's own failure detector too.
 */
final class StaleObservations
{
    private StaleObservations()
    {
    }

    /**
     * @param self               this director.
     * @param unreachable        the members the cluster reports unreachable (never includes {@code self}).
     * @param observersBySubject for each member flagged unreachable, the observers whose records say so; a member
     *                           missing here (no records known) keeps the cluster's verdict.
     * @return the members the election should treat as unreachable: a subset of {@code unreachable}.
     */
    static <T> Set<T> unreachable(final T self, final Set<T> unreachable, final Map<T, Set<T>> observersBySubject)
    {
        final Set<T> result = new HashSet<>(unreachable.size());
        for (final T subject : unreachable)
        {
            final Set<T> observers = observersBySubject.get(subject);
            if (observers == null || observers.isEmpty() || counts(self, observers, unreachable))
            {
                result.add(subject);
            }
        }
        return result;
    }

    private static <T> boolean counts(final T self, final Set<T> observers, final Set<T> unreachable)
    {
        for (final T observer : observers)
        {
            if (observer.equals(self) || !unreachable.contains(observer))
            {
                return true;
            }
        }
        return false;
    }
}
