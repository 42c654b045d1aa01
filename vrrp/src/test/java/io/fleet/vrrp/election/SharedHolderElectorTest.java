package io.fleet.vrrp.election;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import io.fleet.sync.catalog.FieldMap;
import io.fleet.sync.vip.HolderClaims;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The election with shared holders ({@link Elector#shareHolders}), an injected clock and a hand-driven register: each
 * director's replica is a {@link FieldMap} merged with {@link HolderClaims}' rule, and the test decides when a write
 * reaches the other replicas.
 */
@Timeout(10)
class SharedHolderElectorTest
{
    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long STABLE_AFTER_NS = 2_000 * MS;
    private static final long HANDOVER_NS = 1_000 * MS;
    private static final List<String> ABC = List.of("a", "b", "c");

    private static VipGroup web(final boolean preempt)
    {
        return new VipGroup("web", List.of(VipAddress.parse("10.200.0.100")), Map.of("a", 100, "b", 150, "c", 120), 100,
            preempt, 0);
    }

    private static MembershipView view(final String self, final List<String> members, final String... unreachable)
    {
        return MembershipView.compute(self, members, Set.of(unreachable), false);
    }

    /** Three electors and their register replicas; writes stay in flight until {@link #deliver}. */
    private static final class Fleet
    {
        final Map<String, Elector> electors = new LinkedHashMap<>();
        final Map<String, FieldMap> replicas = new HashMap<>();
        final List<FieldMap> inFlight = new ArrayList<>();
        /** Writes of these directors are lost (a director whose register writes never arrive). */
        final Set<String> mute = new java.util.HashSet<>();
        int maxMasters;

        Fleet(final boolean preempt)
        {
            for (final String n : ABC)
            {
                final Elector e = new Elector(n, List.of(web(preempt)), STABLE_AFTER_NS);
                e.shareHolders(HANDOVER_NS);
                electors.put(n, e);
                replicas.put(n, FieldMap.EMPTY);
            }
        }

        Elector e(final String n)
        {
            return electors.get(n);
        }

        /** Collects every elector's writes into its own replica (at once) and into the in-flight list. */
        void collect(final long nowNs)
        {
            for (final Map.Entry<String, Elector> en : electors.entrySet())
            {
                final String n = en.getKey();
                for (final Elector.RegisterWrite w : en.getValue().drainWrites())
                {
                    final int writer = n.charAt(0);
                    final FieldMap delta = w.release()
                        ? HolderClaims.released(FieldMap.EMPTY, w.group(), w.term(), w.holder(), writer)
                        : HolderClaims.claim(FieldMap.EMPTY, w.group(), w.term(), w.holder(), w.from(), writer);
                    replicas.put(n, replicas.get(n).mergeData(delta));
                    en.getValue().onClaims(HolderClaims.read(replicas.get(n)), nowNs);
                    if (!mute.contains(n))
                    {
                        inFlight.add(delta);
                    }
                }
            }
            count();
        }

        /** Every write in flight reaches every replica; each elector hears its replica. */
        void deliver(final long nowNs)
        {
            collect(nowNs);
            int rounds = 0;
            while (!inFlight.isEmpty())
            {
                if (++rounds > 50)
                {
                    throw new AssertionError("the register never settles: writes go on " + inFlight);
                }
                final List<FieldMap> batch = new ArrayList<>(inFlight);
                inFlight.clear();
                for (final String n : ABC)
                {
                    FieldMap r = replicas.get(n);
                    for (final FieldMap d : batch)
                    {
                        r = r.mergeData(d);
                    }
                    replicas.put(n, r);
                    electors.get(n).onClaims(HolderClaims.read(r), nowNs);
                }
                collect(nowNs);
            }
        }

        void time(final long nowNs)
        {
            electors.values().forEach(e -> e.onTime(nowNs));
            collect(nowNs);
        }

        void count()
        {
            int masters = 0;
            for (final Elector e : electors.values())
            {
                masters += e.role("web") == Role.MASTER ? 1 : 0;
            }
            maxMasters = Math.max(maxMasters, masters);
        }

        List<String> masters()
        {
            final List<String> out = new ArrayList<>();
            electors.forEach((n, e) ->
            {
                if (e.role("web") == Role.MASTER)
                {
                    out.add(n);
                }
            });
            return out;
        }
    }

    @Test
    void withoutPreemptionDirectorsWhoseViewsArriveInDifferentOrdersShouldAgreeOnOneHolder()
    {
        // Without the register this leaves the group unheld for good: a's first view lacks c (it names b), b's and
        // c's first views hold everyone (b names c, c names b), and without preemption each keeps its choice.
        for (final boolean shared : new boolean[]{false, true})
        {
            final Fleet f = new Fleet(false);
            if (!shared)
            {
                f.electors.replaceAll((n, e) -> new Elector(n, List.of(web(false)), STABLE_AFTER_NS));
            }
            f.e("a").onView(view("a", List.of("a", "b")), 0);
            f.e("b").onView(view("b", ABC), 10 * MS);
            f.e("c").onView(view("c", ABC), 20 * MS);
            f.deliver(30 * MS);
            f.e("a").onView(view("a", ABC), 300 * MS);
            f.deliver(300 * MS);
            for (long now = 400 * MS; now <= 5_000 * MS; now += 100 * MS)
            {
                f.time(now);
                f.deliver(now);
            }
            if (!shared)
            {
                assertThat(f.masters()).as("the old rules: nobody holds the group").isEmpty();
                continue;
            }
            assertThat(f.masters()).as("one holder").containsExactly("b");
            assertThat(f.electors.values()).allSatisfy(e -> assertThat(e.holder("web")).isEqualTo("b"));
            assertThat(f.maxMasters).isLessThanOrEqualTo(1);
        }
    }

    @Test
    void withoutPreemptionAReturningBetterDirectorShouldFollowTheClaimNotItsOwnView()
    {
        // c holds (b was away); b comes back as a newcomer to c and a but its own first view has everyone stable
        // except itself: it must follow the claim (c), and nobody moves the group back without preemption.
        final Fleet f = new Fleet(false);
        f.e("a").onView(view("a", ABC, "b"), 0);
        f.e("c").onView(view("c", ABC, "b"), 0);
        f.time(STABLE_AFTER_NS);
        f.deliver(STABLE_AFTER_NS);
        assertThat(f.masters()).containsExactly("c");
        f.e("b").onView(view("b", ABC), STABLE_AFTER_NS + 100 * MS);
        f.e("a").onView(view("a", ABC), STABLE_AFTER_NS + 150 * MS);
        f.e("c").onView(view("c", ABC), STABLE_AFTER_NS + 200 * MS);
        f.deliver(STABLE_AFTER_NS + 200 * MS);
        for (long now = STABLE_AFTER_NS + 300 * MS; now <= 3 * STABLE_AFTER_NS; now += 100 * MS)
        {
            f.time(now);
            f.deliver(now);
        }
        assertThat(f.masters()).containsExactly("c");
        assertThat(f.electors.values()).allSatisfy(e -> assertThat(e.holder("web")).isEqualTo("c"));
        assertThat(f.maxMasters).isEqualTo(1);
    }

    @Test
    void crossingClaimsOfOneTermShouldLeaveTheClaimOfTheHigherNodeId()
    {
        // b holds and is lost; a does not see c and c does not see a (a partial partition): each is the heir in its
        // own view and claims term 2 before hearing the other. The register keeps c's ('c' > 'a'); a releases.
        final Fleet f = new Fleet(true);
        for (final String n : ABC)
        {
            f.e(n).onView(view(n, ABC), 0);
        }
        f.time(STABLE_AFTER_NS);
        f.deliver(STABLE_AFTER_NS);
        assertThat(f.masters()).containsExactly("b");
        final long t = STABLE_AFTER_NS + 100 * MS;
        f.e("a").onView(view("a", ABC, "b", "c"), t);
        f.e("c").onView(view("c", ABC, "a", "b"), t);
        // In a real minority each would release; here the views are asymmetric, so give each a majority of two.
        f.e("a").onView(MembershipView.compute("a", List.of("a", "b", "c"), Set.of("b"), false), t);
        f.e("c").onView(MembershipView.compute("c", List.of("a", "b", "c"), Set.of("b"), false), t);
        f.collect(t);
        assertThat(f.e("c").role("web")).isEqualTo(Role.MASTER);
        f.deliver(t + 10 * MS);
        assertThat(f.masters()).containsExactly("c");
        assertThat(f.electors.values()).allSatisfy(e -> assertThat(e.holder("web")).isEqualTo("c"));
    }

    @Test
    void aPreemptingDirectorShouldTakeTheGroupOnlyAfterTheOldHolderReleasedIt()
    {
        final Fleet f = new Fleet(true);
        // b (150) was away; c (120) holds.
        f.e("a").onView(view("a", ABC, "b"), 0);
        f.e("c").onView(view("c", ABC, "b"), 0);
        f.time(STABLE_AFTER_NS);
        f.deliver(STABLE_AFTER_NS);
        assertThat(f.masters()).containsExactly("c");
        // The heal: b sees everyone, the others see b.
        long now = STABLE_AFTER_NS + 100 * MS;
        f.e("b").onView(view("b", ABC), now);
        f.e("a").onView(view("a", ABC), now);
        f.e("c").onView(view("c", ABC), now + 300 * MS);
        f.deliver(now + 300 * MS);
        assertThat(f.e("b").role("web")).as("b is not stable to itself yet").isEqualTo(Role.BACKUP);
        // b's own clock says stable first: it claims, but holds back until c acknowledges.
        now += STABLE_AFTER_NS;
        f.time(now);
        assertThat(f.inFlight).as("b's claim").hasSize(1);
        assertThat(f.e("b").role("web")).isEqualTo(Role.BACKUP);
        assertThat(f.e("c").role("web")).isEqualTo(Role.MASTER);
        f.deliver(now);
        assertThat(f.masters()).containsExactly("b");
        assertThat(f.maxMasters).as("never two holders during the hand-back").isEqualTo(1);
        assertThat(f.electors.values()).allSatisfy(e -> assertThat(e.holder("web")).isEqualTo("b"));
    }

    @Test
    void aPreemptingDirectorShouldTakeTheGroupAfterTheHandoverTimeoutWhenNoReleaseComes()
    {
        final Fleet f = new Fleet(true);
        f.e("a").onView(view("a", ABC, "b"), 0);
        f.e("c").onView(view("c", ABC, "b"), 0);
        f.time(STABLE_AFTER_NS);
        f.deliver(STABLE_AFTER_NS);
        f.mute.add("c");
        long now = STABLE_AFTER_NS + 100 * MS;
        for (final String n : ABC)
        {
            f.e(n).onView(view(n, ABC), now);
        }
        now += STABLE_AFTER_NS;
        f.time(now);
        f.deliver(now);
        assertThat(f.e("b").role("web")).as("c's acknowledgement is lost").isEqualTo(Role.BACKUP);
        assertThat(f.e("c").role("web")).as("c saw the claim and released").isEqualTo(Role.BACKUP);
        assertThat(f.e("b").nextDeadlineNs()).isEqualTo(now + HANDOVER_NS);
        f.time(now + HANDOVER_NS - MS);
        assertThat(f.e("b").role("web")).isEqualTo(Role.BACKUP);
        f.time(now + HANDOVER_NS);
        assertThat(f.masters()).containsExactly("b");
    }

    @Test
    void aDirectorHeldBackShouldNotPreemptUntilItsStateCaughtUp()
    {
        final Fleet f = new Fleet(true);
        f.e("a").onView(view("a", ABC, "b"), 0);
        f.e("c").onView(view("c", ABC, "b"), 0);
        f.time(STABLE_AFTER_NS);
        f.deliver(STABLE_AFTER_NS);
        long now = STABLE_AFTER_NS + 100 * MS;
        f.e("b").holdBack(Elector.HoldBack.PREEMPTION, now);
        for (final String n : ABC)
        {
            f.e(n).onView(view(n, ABC), now);
        }
        f.deliver(now);
        now += 2 * STABLE_AFTER_NS;
        f.time(now);
        f.deliver(now);
        assertThat(f.masters()).as("b is stable and better but held back").containsExactly("c");
        f.e("b").holdBack(Elector.HoldBack.NONE, now + 100 * MS);
        f.deliver(now + 100 * MS);
        assertThat(f.masters()).containsExactly("b");
        assertThat(f.maxMasters).isEqualTo(1);
    }

    @Test
    void aDirectorBackFromTheMinorityShouldNotActOnItsOwnOldClaim()
    {
        // b holds, falls into the minority (releases), the majority moves the group to c, and b comes back before
        // the register has told it: its own old claim must not make it take the group again.
        final Fleet f = new Fleet(false);
        for (final String n : ABC)
        {
            f.e(n).onView(view(n, ABC), 0);
        }
        f.time(STABLE_AFTER_NS);
        f.deliver(STABLE_AFTER_NS);
        assertThat(f.masters()).containsExactly("b");
        final long t = STABLE_AFTER_NS + 100 * MS;
        f.e("b").onView(view("b", ABC, "a", "c"), t);
        f.e("a").onView(view("a", ABC, "b"), t);
        f.e("c").onView(view("c", ABC, "b"), t);
        // The majority's claim does not reach b (the partition).
        f.collect(t);
        final List<FieldMap> held = new ArrayList<>(f.inFlight);
        f.inFlight.clear();
        for (final String n : List.of("a", "c"))
        {
            FieldMap r = f.replicas.get(n);
            for (final FieldMap d : held)
            {
                r = r.mergeData(d);
            }
            f.replicas.put(n, r);
            f.e(n).onClaims(HolderClaims.read(r), t);
        }
        assertThat(f.masters()).containsExactly("c");
        // The heal, b first, held back (ALL) as ClusterVipService does until it has re-read the register.
        final long heal = t + 3_000 * MS;
        f.e("b").holdBack(Elector.HoldBack.ALL, heal);
        f.e("b").onView(view("b", ABC), heal);
        assertThat(f.e("b").role("web")).isEqualTo(Role.BACKUP);
        f.inFlight.addAll(held);
        f.e("a").onView(view("a", ABC), heal);
        f.e("c").onView(view("c", ABC), heal);
        f.deliver(heal);
        f.e("b").holdBack(Elector.HoldBack.NONE, heal + 10 * MS);
        f.deliver(heal + 10 * MS);
        assertThat(f.masters()).containsExactly("c");
        assertThat(f.electors.values()).allSatisfy(e -> assertThat(e.holder("web")).isEqualTo("c"));
    }
}
