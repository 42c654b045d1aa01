package io.fleet.director.sched;

import io.fleet.director.service.RealServer;
import io.fleet.director.service.SchedulerKind;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Golden picks of rr against ip_vs_rr.c. */
class RoundRobinSchedulerTest
{
    @Test
    void shouldCycleThroughServersInListOrder()
    {
        // ip_vs_rr_schedule: scan from the entry after the cursor, wrap, end with the cursor entry.
        assertThat(Fixture.of(SchedulerKind.RR, "A", "B", "C").picks(7)).isEqualTo("ABCABCA");
    }

    @Test
    void shouldIgnoreWeightValuesButSkipQuiescedAndOverloadedServers()
    {
        final Fixture f = Fixture.of(SchedulerKind.RR, "A:5", "B:0", "C:1", "D:1");
        f.get("D").edit(null, 1, 2, 0);
        f.counters("D", 0, 2); // total 2 >= upper threshold 2: overloaded
        assertThat(f.get("D").overloaded()).isTrue();
        assertThat(f.picks(4)).isEqualTo("ACAC");
    }

    @Test
    void shouldContinueAfterTheRemovedServerWhenTheCursorsServerLeaves()
    {
        // ip_vs_rr_del_dest moves the cursor to the previous entry: cursor on B, B deleted -> next is C.
        final Fixture f = Fixture.of(SchedulerKind.RR, "A", "B", "C");
        assertThat(f.picks(2)).isEqualTo("AB");
        f.update(f.get("A"), f.get("C"));
        assertThat(f.picks(3)).isEqualTo("CAC");
    }

    @Test
    void shouldKeepTheCursorWhenAServerIsAddedAtTheHead()
    {
        // ipvsadm -a inserts at the list head; a running cursor reaches the new server only after wrapping.
        final Fixture f = Fixture.of(SchedulerKind.RR, "A", "B");
        assertThat(f.picks(1)).isEqualTo("A");
        f.update(Fixture.server("C"), f.get("A"), f.get("B"));
        assertThat(f.picks(4)).isEqualTo("BCAB");
    }

    @Test
    void shouldPickNothingWhenNoServerIsAvailable()
    {
        assertThat(Fixture.of(SchedulerKind.RR, "A:0", "B:0").picks(2)).isEqualTo("--");
        assertThat(Fixture.of(SchedulerKind.RR).picks(1)).isEqualTo("-");
    }
}
