package io.fleet.vrrp.election;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.constraints.UniqueElements;

import static org.assertj.core.api.Assertions.assertThat;

/** Laws of the stateless election that make every director agree. jqwik prints the seed of a failing run. */
class ElectionPropertiesTest
{
    @Property(tries = 300)
    void everyDirectorComputesTheSameHolderWhateverItsIdentity(
        @ForAll @Size(min = 1, max = 7) @UniqueElements final List<@IntRange(min = 1, max = 254) Integer> priorities,
        @ForAll @IntRange(min = 0, max = 1000) final int groupSeed)
    {
        final List<String> members = new ArrayList<>();
        VipGroup group = VipGroup.of("g" + groupSeed, 0, "10.200.0.1");
        for (int i = 0; i < priorities.size(); i++)
        {
            members.add("n" + i);
            group = group.withPriority("n" + i, priorities.get(i) % 3 == 0 ? 100 : priorities.get(i));
        }
        final String expected = Election.holder(group, MembershipView.compute(members.get(0), members, Set.of(), false),
            HealthView.ALL_HEALTHY);
        for (final String self : members)
        {
            assertThat(Election.holder(group, MembershipView.compute(self, members, Set.of(), false),
                HealthView.ALL_HEALTHY)).isEqualTo(expected);
        }
    }

    /** With three or more directors, losing one leaves the observer on the majority side. */
    @Property(tries = 200)
    void removingANonHolderNeverMovesAGroup(
        @ForAll @IntRange(min = 3, max = 9) final int nodes,
        @ForAll @IntRange(min = 0, max = 8) final int removed,
        @ForAll @IntRange(min = 0, max = 100_000) final int groupSeed)
    {
        final List<String> members = new ArrayList<>();
        for (int i = 0; i < nodes; i++)
        {
            members.add("director-" + i);
        }
        final String gone = members.get(removed % nodes);
        final String observer = members.get((removed + 1) % nodes);
        final VipGroup group = VipGroup.of("vip-" + groupSeed, 100, "10.200.0.1");
        final String before = Election.holder(group, MembershipView.compute(observer, members, Set.of(), false),
            HealthView.ALL_HEALTHY);
        final Set<String> unreachable = new HashSet<>(Set.of(gone));
        final String after = Election.holder(group, MembershipView.compute(observer, members, unreachable, false),
            HealthView.ALL_HEALTHY);
        if (!before.equals(gone))
        {
            assertThat(after).isEqualTo(before);
        }
        else
        {
            assertThat(after).isNotEqualTo(gone);
        }
    }

    @Property(tries = 200)
    void theHolderHasTheHighestEffectivePriority(
        @ForAll @Size(min = 1, max = 6) final List<@IntRange(min = 0, max = 254) Integer> priorities,
        @ForAll @Size(min = 6, max = 6) final List<@IntRange(min = -60, max = 60) Integer> deltas)
    {
        final List<String> members = new ArrayList<>();
        VipGroup group = VipGroup.of("web", 0, "10.200.0.1");
        HealthView health = HealthView.ALL_HEALTHY;
        for (int i = 0; i < priorities.size(); i++)
        {
            members.add("n" + i);
            group = group.withPriority("n" + i, priorities.get(i));
            health = health.with("n" + i, new NodeHealth(false, java.util.Map.of("web", deltas.get(i))));
        }
        final String holder = Election.holder(group, MembershipView.compute("n0", members, Set.of(), false), health);
        int max = 0;
        for (final String m : members)
        {
            max = Math.max(max, Election.effectivePriority(group, m, health.of(m)));
        }
        if (max == 0)
        {
            assertThat(holder).isNull();
        }
        else
        {
            assertThat(Election.effectivePriority(group, holder, health.of(holder))).isEqualTo(max);
        }
    }
}
