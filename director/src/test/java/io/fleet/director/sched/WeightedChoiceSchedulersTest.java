package io.fleet.director.sched;

import io.fleet.director.service.SchedulerKind;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Golden picks of fo, ovf and twos against ip_vs_fo.c, ip_vs_ovf.c and ip_vs_twos.c. */
class WeightedChoiceSchedulersTest
{
    @Test
    void foShouldSendEverythingToTheHighestWeightUntilItIsUnavailable()
    {
        final Fixture f = Fixture.of(SchedulerKind.FO, "A:5", "B:10", "C:10");
        assertThat(f.picks(3, true)).as("tie on 10 goes to the earlier server").isEqualTo("BBB");
        f.get("B").edit(null, 0, 0, 0);
        assertThat(f.pick()).isEqualTo("C");
        f.get("C").edit(null, 10, 1, 0);
        f.counters("C", 1, 0);
        assertThat(f.pick()).as("C overloaded: fail over to A").isEqualTo("A");
    }

    @Test
    void ovfShouldFillTheHighestWeightServerUpToItsWeightThenOverflow()
    {
        // ip_vs_ovf.c skips a server when activeconns > weight, so it takes weight + 1 connections.
        final Fixture f = Fixture.of(SchedulerKind.OVF, "A:1", "B:3");
        assertThat(f.picks(6, true)).isEqualTo("BBBBAA");
        assertThat(f.pick()).as("everything above its weight").isEqualTo("-");
    }

    @Test
    void ovfShouldLookOnlyAtActiveConnections()
    {
        final Fixture f = Fixture.of(SchedulerKind.OVF, "A:1", "B:3").counters("B", 0, 1000);
        assertThat(f.pick()).isEqualTo("B");
    }

    @Test
    void twosShouldPickTheLessLoadedOfTwoWeightedRandomDraws()
    {
        // With B far more loaded per weight, B wins only when both draws land on it: P = (3/4)^2 roughly.
        final Fixture f = Fixture.of(SchedulerKind.TWOS, "A:1", "B:3").counters("B", 100, 0);
        int b = 0;
        for (int i = 0; i < 20_000; i++)
        {
            b += f.pick().equals("B") ? 1 : 0;
        }
        // Draws are uniform in [0, 4] (total + 1): B for r in {2, 3, 4} -> 3/5 each; both on B: 9/25 = 36%.
        assertThat(b / 20_000.0).isBetween(0.34, 0.38);
    }

    @Test
    void twosShouldSpreadIdleServersByWeight()
    {
        final Fixture f = Fixture.of(SchedulerKind.TWOS, "A:1", "B:3");
        int a = 0;
        for (int i = 0; i < 20_000; i++)
        {
            a += f.pick().equals("A") ? 1 : 0;
        }
        // Equal load: choice1 wins; r = 0 or 1 -> A: 2/5 of draws.
        assertThat(a / 20_000.0).isBetween(0.38, 0.42);
    }

    @Test
    void twosShouldBeRepeatableForASeedAndNeverPickUnavailableServers()
    {
        final String first = Fixture.of(SchedulerKind.TWOS, "A:1", "B:0", "C:2", "D:1").picks(200);
        final String again = Fixture.of(SchedulerKind.TWOS, "A:1", "B:0", "C:2", "D:1").picks(200);
        assertThat(first).isEqualTo(again).doesNotContain("B").doesNotContain("-");
        assertThat(Fixture.of(SchedulerKind.TWOS, "A:0").pick()).isEqualTo("-");
    }
}
