package io.fleet.director.sched;

import io.fleet.director.service.RealServer;
import io.fleet.director.service.SchedulerKind;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Golden picks of wrr against ip_vs_wrr.c. */
class WeightedRoundRobinSchedulerTest
{
    @Test
    void shouldFollowTheIpvsSequenceForWeights432()
    {
        // Seed 004 (the LVS scheduling article): weights 4, 3, 2 give AABABCABC per cycle of sum(W) picks.
        assertThat(Fixture.of(SchedulerKind.WRR, "A:4", "B:3", "C:2").picks(18)).isEqualTo("AABABCABC".repeat(2));
    }

    @Test
    void shouldStepByTheGcdOfTheWeights()
    {
        // gcd 2, mw = 4 - (2 - 1) = 3: passes at cw 3 and 1 -> A, A B.
        assertThat(Fixture.of(SchedulerKind.WRR, "A:4", "B:2").picks(6)).isEqualTo("AABAAB");
        assertThat(Fixture.of(SchedulerKind.WRR, "A:6", "B:3", "C:3").picks(8)).isEqualTo("AABCAABC");
    }

    @Test
    void shouldBehaveAsRoundRobinWithEqualWeights()
    {
        assertThat(Fixture.of(SchedulerKind.WRR, "A:3", "B:3", "C:3").picks(6)).isEqualTo("ABCABC");
    }

    @Test
    void shouldRestartAtTheHeadWhenTheServersChange()
    {
        // After AA the state is cl=A, cw=3. ip_vs_wrr_dest_changed resets cl to the head; with gcd 1 cw stays 3.
        final Fixture f = Fixture.of(SchedulerKind.WRR, "A:4", "B:3", "C:2");
        assertThat(f.picks(2)).isEqualTo("AA");
        f.get("C").edit(null, 1, 0, 0);
        f.update(f.servers);
        assertThat(f.picks(8)).isEqualTo("ABABABCA");
    }

    @Test
    void shouldNeverPickQuiescedOrOverloadedServers()
    {
        final Fixture f = Fixture.of(SchedulerKind.WRR, "A:2", "B:0", "C:1");
        assertThat(f.picks(6)).isEqualTo("AACAAC");
        f.get("A").edit(null, 2, 1, 0);
        f.counters("A", 1, 0);
        assertThat(f.picks(3)).isEqualTo("CCC");
        assertThat(Fixture.of(SchedulerKind.WRR, "A:0", "B:0").picks(2)).isEqualTo("--");
    }
}
