package io.fleet.director.sched;

import io.fleet.director.service.SchedulerKind;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Golden picks of lc, wlc, sed and nq against ip_vs_lc.c, ip_vs_wlc.c, ip_vs_sed.c and ip_vs_nq.c. */
class LeastConnectionFamilyTest
{
    @Test
    void lcShouldWeighActiveConnections256TimesInactiveOnes()
    {
        // ip_vs_dest_conn_overhead = active * 256 + inactive: one active (256) outweighs 200 inactive.
        final Fixture f = Fixture.of(SchedulerKind.LC, "A", "B").counters("A", 1, 0).counters("B", 0, 200);
        assertThat(f.pick()).isEqualTo("B");
        f.counters("B", 0, 256);
        assertThat(f.pick()).as("a tie goes to the earlier server").isEqualTo("A");
    }

    @Test
    void lcShouldIgnoreWeightsExceptZero()
    {
        final Fixture f = Fixture.of(SchedulerKind.LC, "A:1", "B:100", "C:0").counters("B", 1, 0);
        assertThat(f.picks(3, true)).isEqualTo("AAB");
    }

    @Test
    void lcShouldAlternateWhenEveryPickBecomesAnEstablishedConnection()
    {
        assertThat(Fixture.of(SchedulerKind.LC, "A", "B", "C").picks(6, true)).isEqualTo("ABCABC");
    }

    @Test
    void wlcShouldCompareOverheadPerWeightByCrossMultiplication()
    {
        // A: 256/1, B: 512/2 -> equal, the earlier server wins (strict '>').
        final Fixture f = Fixture.of(SchedulerKind.WLC, "A:1", "B:2").counters("A", 1, 0).counters("B", 2, 0);
        assertThat(f.pick()).isEqualTo("A");
        f.counters("B", 2, 1); // 513/2 > 256/1 still
        assertThat(f.pick()).isEqualTo("A");
        final Fixture g = Fixture.of(SchedulerKind.WLC, "A:1", "B:3").counters("A", 1, 0).counters("B", 2, 0);
        assertThat(g.pick()).as("256*3 > 512*1").isEqualTo("B");
    }

    @Test
    void wlcShouldShareNewConnectionsInProportionToWeight()
    {
        final Fixture f = Fixture.of(SchedulerKind.WLC, "A:3", "B:1");
        final String picks = f.picks(400, true);
        assertThat(picks.chars().filter(c -> c == 'A').count()).isEqualTo(300);
        assertThat(f.get("A").activeConnections()).isEqualTo(300);
    }

    @Test
    void wlcShouldSkipOverloadedAndQuiescedServers()
    {
        final Fixture f = Fixture.of(SchedulerKind.WLC, "A:5", "B:0", "C:1").counters("C", 3, 0);
        f.get("A").edit(null, 5, 4, 0);
        f.counters("A", 4, 0);
        assertThat(f.pick()).isEqualTo("C");
    }

    @Test
    void sedShouldCountOnlyActiveConnectionsPlusOne()
    {
        // (active + 1) / weight: A 1/1 vs B 3/3 tie -> A; B with weight 4: 1*4 > 3*1 -> B.
        assertThat(Fixture.of(SchedulerKind.SED, "A:1", "B:3").counters("B", 2, 0).pick()).isEqualTo("A");
        assertThat(Fixture.of(SchedulerKind.SED, "A:1", "B:4").counters("B", 2, 0).pick()).isEqualTo("B");
        assertThat(Fixture.of(SchedulerKind.SED, "A:1", "B:1").counters("A", 0, 1000).pick())
            .as("inactive connections do not count").isEqualTo("A");
    }

    @Test
    void sedShouldPreferTheHeavierServerEvenWhenIdle()
    {
        // Unlike nq, sed sends the first connections to the high-weight server: A (w=1) idle 1/1 vs B (w=10) 1/10.
        assertThat(Fixture.of(SchedulerKind.SED, "A:1", "B:10").picks(5, true)).isEqualTo("BBBBB");
    }

    @Test
    void nqShouldSendToTheFirstIdleServerWhateverItsWeight()
    {
        final Fixture f = Fixture.of(SchedulerKind.NQ, "A:1", "B:10");
        assertThat(f.picks(2, true)).isEqualTo("AB");
        // Both busy now: sed decides. A: (1+1)/1 = 2, B: (k+1)/10 -> B while (k+1)/10 < 2, i.e. up to 19 active.
        assertThat(f.picks(18, true)).isEqualTo("B".repeat(18));
        assertThat(f.picks(1, true)).as("B at 19 active: 20/10 ties 2/1, the earlier server wins").isEqualTo("A");
    }

    @Test
    void leastConnectionFamilyShouldPickNothingWithoutAvailableServers()
    {
        for (final SchedulerKind kind : new SchedulerKind[] {SchedulerKind.LC, SchedulerKind.WLC, SchedulerKind.SED,
            SchedulerKind.NQ})
        {
            assertThat(Fixture.of(kind, "A:0", "B:0").pick()).as(kind.ipvsName()).isEqualTo("-");
        }
    }

    @Test
    void shouldNotOverflowWithLargeCountersAndWeights()
    {
        final Fixture f = Fixture.of(SchedulerKind.WLC, "A:65535", "B:65534");
        f.counters("A", Integer.MAX_VALUE / 256, 0).counters("B", Integer.MAX_VALUE / 256, 0);
        assertThat(f.pick()).isEqualTo("A");
        assertThat(f.get("A").connectionOverhead()).isPositive();
    }
}
