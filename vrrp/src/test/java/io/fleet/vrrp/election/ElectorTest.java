package io.fleet.vrrp.election;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;

/** The election with an injected clock: preempt, no preempt, preempt delay, ties, hysteresis, health, partitions. */
@Timeout(10)
class ElectorTest
{
    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long STABLE_AFTER_NS = 2_000 * MS;
    /** When {@link #settled} electors have seen {a, b, c} reachable for the hysteresis time, as in a running cluster. */
    private static final long T0 = STABLE_AFTER_NS;
    private static final List<String> ABC = List.of("a", "b", "c");

    private static VipGroup web(final int a, final int b, final int c)
    {
        return new VipGroup("web", List.of(VipAddress.parse("10.200.0.100")),
            Map.of("a", a, "b", b, "c", c), 100, true, 0);
    }

    private static MembershipView view(final String self, final List<String> members, final String... unreachable)
    {
        return MembershipView.compute(self, members, Set.of(unreachable), false);
    }

    private static Elector settled(final String self, final VipGroup... groups)
    {
        final Elector elector = new Elector(self, List.of(groups), STABLE_AFTER_NS);
        elector.onView(view(self, ABC), 0);
        elector.onTime(T0);
        return elector;
    }

    @Test
    void shouldElectTheHighestPriorityReachableMemberOnEveryDirector()
    {
        for (final String self : ABC)
        {
            final Elector elector = settled(self, web(100, 150, 120));
            assertThat(elector.holder("web")).as("as seen by %s", self).isEqualTo("b");
            assertThat(elector.role("web")).isEqualTo(self.equals("b") ? Role.MASTER : Role.BACKUP);
        }
    }

    @Test
    void shouldNeverHaveTwoMastersWhileAClusterStartsTogether()
    {
        // All three see {a, b, c} in their first view: each is the newcomer to itself, so b waits for the
        // hysteresis time (a gap, never an overlap) and then all agree on b.
        final List<Elector> electors = new ArrayList<>();
        for (final String self : ABC)
        {
            electors.add(new Elector(self, List.of(web(100, 150, 120)), STABLE_AFTER_NS));
        }
        for (long now = 0; now <= 3_000 * MS; now += 100 * MS)
        {
            int masters = 0;
            for (final Elector e : electors)
            {
                if (now == 0)
                {
                    e.onView(view(e.self(), ABC), now);
                }
                else
                {
                    e.onTime(now);
                }
                masters += e.role("web") == Role.MASTER ? 1 : 0;
            }
            assertThat(masters).as("masters at %d ms", now / MS).isLessThanOrEqualTo(1);
        }
        assertThat(electors).allSatisfy(e -> assertThat(e.holder("web")).isEqualTo("b"));
        assertThat(electors.get(1).role("web")).isEqualTo(Role.MASTER);
    }

    @Test
    void shouldReportTheFirstRoleFromInitialize()
    {
        final Elector elector = new Elector("a", List.of(web(100, 150, 120)), STABLE_AFTER_NS);
        assertThat(elector.onView(view("a", ABC), 0))
            .containsExactly(new RoleChange("web", Role.INITIALIZE, Role.BACKUP, "b"));
    }

    @Test
    void shouldTakeOverAtOnceWhenTheHolderBecomesUnreachable()
    {
        final Elector elector = settled("c", web(100, 150, 120));
        assertThat(elector.onView(view("c", ABC, "b"), T0 + 10 * MS))
            .containsExactly(new RoleChange("web", Role.BACKUP, Role.MASTER, "c"));
    }

    @Test
    void survivorsShouldAgreeOnTheHeirAfterATransientMinorityWhileTheHolderWasLost()
    {
        // a (150) holds and dies; at the same moment c's detector falsely flags b for a moment (a loaded machine), so
        // c briefly sees itself in the minority and knows no holder. When b is back, c must name the heir from the
        // shared view (b), as b itself does, not prefer itself because b's reachability restarted its hysteresis.
        final Elector c = settled("c", web(150, 100, 50));
        final Elector b = settled("b", web(150, 100, 50));
        assertThat(c.onView(view("c", ABC, "a", "b"), T0 + 10 * MS))
            .containsExactly(new RoleChange("web", Role.BACKUP, Role.FAULT, null));
        b.onView(view("b", ABC, "a"), T0 + 10 * MS);
        assertThat(b.role("web")).isEqualTo(Role.MASTER);

        assertThat(c.onView(view("c", ABC, "a"), T0 + 200 * MS))
            .containsExactly(new RoleChange("web", Role.FAULT, Role.BACKUP, "b"));
        assertThat(c.holder("web")).isEqualTo("b");
    }

    @Test
    void shouldPreemptWhenTheBetterNodeReturnsAndHasBeenStable()
    {
        final Elector elector = settled("c", web(100, 150, 120));
        elector.onView(view("c", ABC, "b"), T0);
        assertThat(elector.role("web")).isEqualTo(Role.MASTER);

        assertThat(elector.onView(view("c", ABC), T0 + 1_000 * MS)).as("b is back but not stable yet").isEmpty();
        assertThat(elector.nextDeadlineNs()).isEqualTo(T0 + 3_000 * MS);
        assertThat(elector.onTime(T0 + 2_999 * MS)).isEmpty();
        assertThat(elector.onTime(T0 + 3_000 * MS))
            .containsExactly(new RoleChange("web", Role.MASTER, Role.BACKUP, "b"));
    }

    @Test
    void shouldNotMoveTheVipBackAndForthWhileALinkFlaps()
    {
        final Elector elector = settled("c", web(100, 150, 120));
        int changes = 0;
        long now = T0;
        // b flaps every 500 ms for 10 s: c takes over once and keeps the VIP throughout.
        for (int i = 0; i < 20; i++)
        {
            now += 500 * MS;
            changes += elector.onView(i % 2 == 0 ? view("c", ABC, "b") : view("c", ABC), now).size();
            changes += elector.onTime(now + 250 * MS).size();
        }
        assertThat(changes).isEqualTo(1);
        assertThat(elector.role("web")).isEqualTo(Role.MASTER);
    }

    @Test
    void shouldKeepTheHolderWithoutPreemptEvenWhenABetterNodeReturns()
    {
        final Elector elector = settled("c", web(100, 150, 120).withPreempt(false, 0));
        elector.onView(view("c", ABC, "b"), T0);
        elector.onView(view("c", ABC), T0 + 100 * MS);
        assertThat(elector.onTime(T0 + 60_000 * MS)).isEmpty();
        assertThat(elector.holder("web")).isEqualTo("c");
    }

    @Test
    void shouldWaitThePreemptDelayBeforePreempting()
    {
        final Elector elector = settled("c", web(100, 150, 120).withPreempt(true, 5_000 * MS));
        elector.onView(view("c", ABC, "b"), T0);
        elector.onView(view("c", ABC), T0 + 1_000 * MS);
        // Stable at +3 s, then 5 s of preempt delay: b takes over at +8 s, not before.
        assertThat(elector.onTime(T0 + 3_000 * MS)).isEmpty();
        assertThat(elector.nextDeadlineNs()).isEqualTo(T0 + 8_000 * MS);
        assertThat(elector.onTime(T0 + 7_999 * MS)).isEmpty();
        assertThat(elector.onTime(T0 + 8_000 * MS)).extracting(RoleChange::to).containsExactly(Role.BACKUP);
        assertThat(elector.holder("web")).isEqualTo("b");
    }

    @Test
    void shouldRestartThePreemptDelayWhenTheChallengerLeavesMeanwhile()
    {
        final Elector elector = new Elector("c", List.of(web(100, 150, 120).withPreempt(true, 5_000 * MS)), 0);
        elector.onView(view("c", ABC, "b"), 0);
        elector.onView(view("c", ABC), 1_000 * MS);
        elector.onView(view("c", ABC, "b"), 4_000 * MS);
        elector.onView(view("c", ABC), 5_000 * MS);
        assertThat(elector.onTime(9_999 * MS)).isEmpty();
        assertThat(elector.onTime(10_000 * MS)).extracting(RoleChange::to).containsExactly(Role.BACKUP);
    }

    @Test
    void shouldSpreadEqualPrioritiesByRendezvousHashingTheSameWayOnEveryDirector()
    {
        final List<VipGroup> groups = new ArrayList<>();
        for (int i = 0; i < 60; i++)
        {
            groups.add(VipGroup.of("vip-" + i, 100, "10.200.1." + i));
        }
        final Map<String, Integer> held = new HashMap<>();
        final Map<String, String> holders = new HashMap<>();
        for (final String self : ABC)
        {
            final Elector elector = settled(self, groups.toArray(new VipGroup[0]));
            held.put(self, elector.held().size());
            for (final VipGroup g : groups)
            {
                assertThat(elector.holder(g.name()))
                    .isEqualTo(Election.holder(g, view(self, ABC), HealthView.ALL_HEALTHY));
                holders.merge(g.name(), elector.holder(g.name()), (x, y) ->
                {
                    assertThat(y).as("holder of %s", g.name()).isEqualTo(x);
                    return x;
                });
            }
        }
        assertThat(held.values().stream().mapToInt(Integer::intValue).sum()).as("each group held once").isEqualTo(60);
        // 60 groups over 3 equal directors: each holds a fair share (binomial, p = 1/3; 8..32 is beyond 4 sigma).
        assertThat(held.values()).allSatisfy(n -> assertThat(n).isBetween(8, 32));
    }

    @Test
    void shouldMoveOnlyTheLostDirectorsGroupsWhenItBecomesUnreachable()
    {
        final List<VipGroup> groups = new ArrayList<>();
        for (int i = 0; i < 30; i++)
        {
            groups.add(VipGroup.of("vip-" + i, 100, "10.200.1." + i));
        }
        final Elector elector = settled("a", groups.toArray(new VipGroup[0]));
        final Map<String, String> before = new HashMap<>();
        groups.forEach(g -> before.put(g.name(), elector.holder(g.name())));
        assertThat(before.values()).contains("c");
        elector.onView(view("a", ABC, "c"), T0 + MS);
        for (final VipGroup g : groups)
        {
            if (!before.get(g.name()).equals("c"))
            {
                assertThat(elector.holder(g.name())).as(g.name()).isEqualTo(before.get(g.name()));
            }
            else
            {
                assertThat(elector.holder(g.name())).as(g.name()).isIn("a", "b");
            }
        }
    }

    @Test
    void shouldReleaseEverythingOnTheMinoritySideOfAPartition()
    {
        final List<String> five = List.of("a", "b", "c", "d", "e");
        final VipGroup group = VipGroup.of("web", 100, "10.200.0.100").withPriority("e", 200);
        final Elector e = new Elector("e", List.of(group), STABLE_AFTER_NS);
        e.onView(view("e", five), 0);
        e.onTime(T0);
        assertThat(e.role("web")).isEqualTo(Role.MASTER);
        // d and e are cut from a, b, c: e sees itself in a minority of 2 out of 5.
        final MembershipView minority = view("e", five, "a", "b", "c");
        assertThat(minority.selfInMajority()).isFalse();
        assertThat(e.onView(minority, T0 + MS)).containsExactly(new RoleChange("web", Role.MASTER, Role.FAULT, "d"));

        final Elector a = new Elector("a", List.of(group), STABLE_AFTER_NS);
        a.onView(view("a", five), 0);
        a.onTime(T0);
        assertThat(a.holder("web")).isEqualTo("e");
        a.onView(view("a", five, "d", "e"), T0 + MS);
        assertThat(a.holder("web")).as("the majority side elects among itself").isIn("a", "b", "c");
    }

    @Test
    void shouldComeBackFromTheMinorityAsANewcomerWithoutTakingWhatTheMajorityHolds()
    {
        // Found by the simulator's partition drill: after the heal, the returning director was the only stable node
        // it knew and took every group at once while the majority's holders kept them (two holders for ~1 s).
        final List<VipGroup> groups = new ArrayList<>();
        for (int g = 0; g < 8; g++)
        {
            groups.add(VipGroup.of("g" + g, 100, "10.200.0." + (100 + g)));
        }
        final Map<String, Elector> electors = new HashMap<>();
        for (final String self : ABC)
        {
            final Elector e = new Elector(self, groups, STABLE_AFTER_NS);
            e.onView(view(self, ABC), 0);
            e.onTime(T0);
            electors.put(self, e);
        }
        electors.get("a").onView(view("a", ABC, "b", "c"), T0 + MS);
        electors.get("b").onView(view("b", ABC, "a"), T0 + MS);
        electors.get("c").onView(view("c", ABC, "a"), T0 + MS);
        assertThat(electors.get("a").held()).as("the minority holds nothing").isEmpty();

        final long healNs = T0 + 500 * MS;
        for (final String self : ABC)
        {
            electors.get(self).onView(view(self, ABC), healNs);
        }
        for (long now = healNs; now <= healNs + 2 * STABLE_AFTER_NS; now += 100 * MS)
        {
            for (final Elector e : electors.values())
            {
                e.onTime(now);
            }
            for (final VipGroup g : groups)
            {
                int masters = 0;
                for (final Elector e : electors.values())
                {
                    masters += e.role(g.name()) == Role.MASTER ? 1 : 0;
                }
                assertThat(masters).as("holders of %s at %d ms after the heal", g.name(), (now - healNs) / MS).isEqualTo(1);
            }
        }
        for (final VipGroup g : groups)
        {
            final String expected = Election.holder(g, view("a", ABC), HealthView.ALL_HEALTHY);
            assertThat(electors.get("a").holder(g.name())).as("%s settles where rendezvous puts it", g.name()).isEqualTo(expected);
        }
        assertThat(electors.get("a").held()).as("a takes its share back once stable").isNotEmpty();
    }

    @Test
    void shouldKeepTheVipsOnTheHalfWithTheOldestMemberWhenSplitEvenly()
    {
        final List<String> four = List.of("a", "b", "c", "d");
        assertThat(view("a", four, "c", "d").selfInMajority()).isTrue();
        assertThat(view("c", four, "a", "b").selfInMajority()).isFalse();
        assertThat(view("b", four, "d").selfInMajority()).isTrue();
    }

    @Test
    void shouldReleaseEverythingWhenDowned()
    {
        final Elector elector = settled("b", web(100, 150, 120));
        assertThat(elector.role("web")).isEqualTo(Role.MASTER);
        final MembershipView downed = MembershipView.compute("b", ABC, Set.of(), true);
        assertThat(elector.onView(downed, T0 + MS)).extracting(RoleChange::to).containsExactly(Role.FAULT);
        assertThat(elector.held()).isEmpty();
    }

    @Test
    void shouldLowerPriorityByTheTrackScriptWeightAndMoveTheVip()
    {
        final Elector elector = settled("b", web(100, 150, 120));
        // chk_nginx with weight -40 fails on b: 150 - 40 = 110 < 120, so c (stable) preempts.
        final HealthView failing = HealthView.ALL_HEALTHY.with("b", new NodeHealth(false, Map.of("web", -40)));
        assertThat(elector.onHealth(failing, T0 + MS))
            .containsExactly(new RoleChange("web", Role.MASTER, Role.BACKUP, "c"));
        // A weight of -20 leaves b at 130 > 120 and holding.
        final Elector other = settled("b", web(100, 150, 120));
        assertThat(other.onHealth(HealthView.ALL_HEALTHY.with("b", new NodeHealth(false, Map.of("web", -20))), T0 + MS))
            .isEmpty();
    }

    @Test
    void shouldFaultTheNodeWhoseTrackedInterfaceIsDown()
    {
        final Elector elector = settled("b", web(100, 150, 120));
        final HealthView faulted = HealthView.ALL_HEALTHY.with("b", new NodeHealth(true, Map.of()));
        assertThat(elector.onHealth(faulted, T0 + MS)).containsExactly(new RoleChange("web", Role.MASTER, Role.FAULT, "c"));
        assertThat(elector.onHealth(HealthView.ALL_HEALTHY, T0 + 2 * MS))
            .as("recovered; b stayed reachable, so it is stable and preempts at once")
            .containsExactly(new RoleChange("web", Role.FAULT, Role.MASTER, "b"));
    }

    @Test
    void shouldNeverElectANodeWithPriorityZero()
    {
        final Elector elector = settled("a", new VipGroup("web", List.of(VipAddress.parse("10.200.0.100")),
            Map.of("a", 0, "b", 0, "c", 0), 0, true, 0));
        assertThat(elector.holder("web")).isNull();
        assertThat(elector.role("web")).isEqualTo(Role.BACKUP);
    }

    @Test
    void shouldLetTheLateJoinerWaitBeforeItTakesItsShare()
    {
        final Elector c = new Elector("c", List.of(web(100, 100, 200)), STABLE_AFTER_NS);
        // c joins a running cluster of a and b: it is the newcomer to itself, and a and b were there before.
        assertThat(c.onView(view("c", ABC), 0)).extracting(RoleChange::to).containsExactly(Role.BACKUP);
        assertThat(c.holder("web")).isIn("a", "b");
        assertThat(c.onTime(STABLE_AFTER_NS)).extracting(RoleChange::to).containsExactly(Role.MASTER);
    }

    @Test
    void twoNewcomersShouldAgreeOnTheHolderWhenTheOldOneIsLostWithoutPreempt()
    {
        // a holds; b and c joined moments ago, each the newcomer in its own eyes and each seeing the other as
        // present from its first view. a dies: both must name the same holder (the better priority, b), or nobody
        // binds the VIP (seen in ./fleet demo).
        final VipGroup group = new VipGroup("web", List.of(VipAddress.parse("10.0.0.100")),
            java.util.Map.of("a", 150, "b", 100, "c", 50), 100, false, 0);
        final Elector b = new Elector("b", List.of(group), STABLE_AFTER_NS);
        final Elector c = new Elector("c", List.of(group), STABLE_AFTER_NS);
        b.onView(view("b", ABC), 0);
        c.onView(view("c", ABC), 0);
        assertThat(b.holder("web")).isEqualTo("a");
        assertThat(c.holder("web")).isEqualTo("a");
        final MembershipView withoutA = MembershipView.compute("b", List.of("a", "b", "c"), java.util.Set.of("a"), false);
        final MembershipView withoutAFromC = MembershipView.compute("c", List.of("a", "b", "c"), java.util.Set.of("a"), false);
        assertThat(b.onView(withoutA, 1)).extracting(RoleChange::to).containsExactly(Role.MASTER);
        c.onView(withoutAFromC, 1);
        assertThat(c.holder("web")).isEqualTo("b");
        assertThat(c.role("web")).isEqualTo(Role.BACKUP);
    }

    @Test
    void shouldHoldEverythingWhenAloneEvenBeforeItIsStable()
    {
        final Elector elector = new Elector("a", List.of(web(100, 150, 120)), STABLE_AFTER_NS);
        assertThat(elector.onView(MembershipView.alone("a"), 0)).extracting(RoleChange::to)
            .containsExactly(Role.MASTER);
    }

    @Test
    void shouldGoBackToInitializeOnShutdown()
    {
        final Elector elector = settled("b", web(100, 150, 120));
        assertThat(elector.shutdown()).containsExactly(new RoleChange("web", Role.MASTER, Role.INITIALIZE, null));
        assertThat(elector.held()).isEmpty();
    }
}
