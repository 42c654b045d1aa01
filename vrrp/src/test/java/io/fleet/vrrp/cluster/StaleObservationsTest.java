package io.fleet.vrrp.cluster;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import io.fleet.vrrp.election.Elector;
import io.fleet.vrrp.election.MembershipView;
import io.fleet.vrrp.election.Role;
import io.fleet.vrrp.election.VipAddress;
import io.fleet.vrrp.election.VipGroup;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The intermittent ~7 s takeover, replayed as the reachability records a survivor receives: the holder {@code d1}
 * falsely flags {@code d3} (a starved CPU), the flag is gossiped, and {@code d1} is killed before it withdraws it.
 * Pekko keeps {@code d3} unreachable until {@code d1} is removed; the survivor {@code d2} must still take over at once.
 */
@Timeout(10)
class StaleObservationsTest
{
    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final List<String> MEMBERS = List.of("d1", "d2", "d3");
    private static final VipGroup DEMO = new VipGroup("demo", List.of(VipAddress.parse("127.0.0.100")),
        Map.of("d1", 150, "d2", 100, "d3", 50), 100, true, 0);

    /** The cluster's records: subject -> observers that flag it. */
    private final Map<String, Set<String>> records = new HashMap<>();

    private void flag(final String observer, final String subject)
    {
        records.computeIfAbsent(subject, s -> new HashSet<>()).add(observer);
    }

    /** What Pekko reports to {@code self}: every subject any observer flags, never self. */
    private Set<String> clusterUnreachable(final String self)
    {
        final Set<String> u = new HashSet<>(records.keySet());
        u.remove(self);
        return u;
    }

    private MembershipView view(final String self, final boolean discountStale)
    {
        final Set<String> unreachable = discountStale
            ? StaleObservations.unreachable(self, clusterUnreachable(self), records)
            : clusterUnreachable(self);
        return MembershipView.compute(self, MEMBERS, unreachable, false);
    }

    @Test
    void aSurvivorShouldTakeOverAtOnceAlthoughTheDeadHolderFlaggedTheThirdDirector()
    {
        final Elector d2 = new Elector("d2", List.of(DEMO), 1_000 * MS);
        d2.onView(view("d2", true), 0);
        d2.onTime(2_000 * MS);
        assertThat(d2.holder("demo")).isEqualTo("d1");

        // d1, starved, flags d3; the record reaches d2 by gossip. d1 is alive, so this counts: d2 still has a majority.
        flag("d1", "d3");
        d2.onView(view("d2", true), 2_100 * MS);
        assertThat(view("d2", true).selfInMajority()).isTrue();
        assertThat(d2.holder("demo")).isEqualTo("d1");

        // kill -9 of d1 before it withdraws the flag; d2's and d3's failure detectors flag d1.
        flag("d2", "d1");
        flag("d3", "d1");
        final MembershipView after = view("d2", true);
        assertThat(after.reachable()).containsExactlyInAnyOrder("d2", "d3");
        assertThat(after.selfInMajority()).isTrue();
        d2.onView(after, 2_700 * MS);
        assertThat(d2.role("demo")).isEqualTo(Role.MASTER);

        // What the adapter did before: d3 counted as unreachable, d2 on the minority side, nothing held until the
        // Split Brain Resolver removes d1 seconds later.
        assertThat(view("d2", false).selfInMajority()).isFalse();
    }

    @Test
    void ownObservationsShouldAlwaysCount()
    {
        // d2 itself flags d3, and so does the dead d1: d3 stays unreachable.
        flag("d1", "d3");
        flag("d2", "d3");
        flag("d2", "d1");
        assertThat(StaleObservations.unreachable("d2", clusterUnreachable("d2"), records))
            .containsExactlyInAnyOrder("d1", "d3");
    }

    @Test
    void aFlagFromAReachableObserverShouldCount()
    {
        // An asymmetric link: d3 cannot hear d1 while d2 can; d3 is reachable, so its word about d1 stands.
        flag("d3", "d1");
        assertThat(StaleObservations.unreachable("d2", clusterUnreachable("d2"), records)).containsExactly("d1");
    }

    @Test
    void aMinorityShouldStillSeeItselfInTheMinority()
    {
        // A real partition {d1} | {d2, d3}, seen from d1: its own flags count, so it releases.
        flag("d1", "d2");
        flag("d1", "d3");
        assertThat(view("d1", true).selfInMajority()).isFalse();
        final Elector d1 = new Elector("d1", List.of(DEMO), 1_000 * MS);
        d1.onView(view("d1", true), 0);
        assertThat(d1.role("demo")).isEqualTo(Role.FAULT);
    }

    @Test
    void withoutRecordsTheClusterVerdictShouldStand()
    {
        assertThat(StaleObservations.unreachable("d2", Set.of("d1", "d3"), Map.of()))
            .containsExactlyInAnyOrder("d1", "d3");
    }
}
