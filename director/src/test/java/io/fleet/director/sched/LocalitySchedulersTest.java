package io.fleet.director.sched;

import io.fleet.director.service.FlowKey;
import io.fleet.director.service.RealServer;
import io.fleet.director.service.Scheduler;
import io.fleet.director.service.SchedulerKind;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Golden behaviour of lblc and lblcr against ip_vs_lblc.c and ip_vs_lblcr.c. */
class LocalitySchedulersTest
{
    private static final long HOUR_NS = 3600L * 1_000_000_000L;

    private static FlowKey toDestination(final int address)
    {
        return new FlowKey().ipv4(6, 0x0A000001, 1234, address, 80);
    }

    private static String pick(final Scheduler s, final int destination, final long nowNs)
    {
        return Fixture.name(s.pick(toDestination(destination), nowNs));
    }

    @Test
    void lblcShouldKeepEachDestinationOnItsServer()
    {
        final Fixture f = Fixture.of(SchedulerKind.LBLC, "A", "B", "C");
        // First sight of each destination: wlc, each pick counted as a connection so the next goes elsewhere.
        final String[] first = new String[3];
        for (int d = 0; d < 3; d++)
        {
            final RealServer rs = f.scheduler.pick(toDestination(100 + d), 0);
            rs.counters(rs.activeConnections() + 1, 0);
            first[d] = Fixture.name(rs);
        }
        assertThat(first).containsExactly("A", "B", "C");
        for (int d = 0; d < 3; d++)
        {
            assertThat(pick(f.scheduler, 100 + d, HOUR_NS)).isEqualTo(first[d]);
        }
    }

    @Test
    void lblcShouldMoveADestinationWhenItsServerIsOverloadedInLblcsSense()
    {
        // is_overloaded: active > weight while some server has active * 2 < weight.
        final Fixture f = Fixture.of(SchedulerKind.LBLC, "A:2", "B:2");
        assertThat(pick(f.scheduler, 7, 0)).isEqualTo("A");
        f.counters("A", 3, 0);
        assertThat(pick(f.scheduler, 7, 1)).isEqualTo("B");
        f.counters("B", 3, 0);
        assertThat(pick(f.scheduler, 7, 2)).as("nobody below half its weight: stay").isEqualTo("B");
    }

    @Test
    void lblcShouldReScheduleWhenTheServerIsQuiescedOrRemoved()
    {
        final Fixture f = Fixture.of(SchedulerKind.LBLC, "A", "B");
        assertThat(pick(f.scheduler, 7, 0)).isEqualTo("A");
        f.get("A").edit(null, 0, 0, 0);
        assertThat(pick(f.scheduler, 7, 1)).isEqualTo("B");
        f.get("A").edit(null, 1, 0, 0);
        assertThat(pick(f.scheduler, 7, 2)).as("the entry now points at B").isEqualTo("B");
        f.update(f.get("A"));
        assertThat(pick(f.scheduler, 7, 3)).isEqualTo("A");
    }

    @Test
    void lblcShouldForgetEntriesAfterTheExpiration()
    {
        final Scheduler s = SchedulerFactory.create(SchedulerKind.LBLC, false, false,
            SchedulerOptions.DEFAULTS.withLocality(HOUR_NS, HOUR_NS, 16, 32));
        final Fixture f = Fixture.of(s, "A", "B");
        assertThat(pick(s, 7, 0)).isEqualTo("A");
        f.counters("A", 0, 5);
        assertThat(pick(s, 7, HOUR_NS - 1)).isEqualTo("A");
        assertThat(pick(s, 7, 2 * HOUR_NS)).as("idle for an hour: re-scheduled by wlc").isEqualTo("B");
    }

    @Test
    void lblcTableShouldStayBounded()
    {
        final Scheduler s = SchedulerFactory.create(SchedulerKind.LBLC, false, false,
            SchedulerOptions.DEFAULTS.withLocality(HOUR_NS, HOUR_NS, 16, 32));
        Fixture.of(s, "A", "B");
        for (int d = 0; d < 1000; d++)
        {
            s.pick(toDestination(d), 0);
        }
        assertThat(((LocalityLeastConnectionScheduler)s).tableSize()).isLessThanOrEqualTo(32);
    }

    @Test
    void lblcrShouldGrowTheSetWhenItsLeastLoadedMemberIsOverloaded()
    {
        final Fixture f = Fixture.of(SchedulerKind.LBLCR, "A:2", "B:2", "C:2");
        final LocalityReplicatedScheduler s = (LocalityReplicatedScheduler)f.scheduler;
        assertThat(pick(s, 9, 0)).isEqualTo("A");
        f.counters("A", 3, 0);
        assertThat(pick(s, 9, 1)).isEqualTo("B");
        assertThat(Fixture.names(s.members(toDestination(9)))).containsExactly("B", "A");
        f.counters("A", 0, 0).counters("B", 1, 0);
        assertThat(pick(s, 9, 2)).as("least loaded member of the set").isEqualTo("A");
    }

    @Test
    void lblcrShouldShedTheMostLoadedMemberOfAStaleSet()
    {
        final Scheduler sched = SchedulerFactory.create(SchedulerKind.LBLCR, false, false,
            SchedulerOptions.DEFAULTS.withLocality(HOUR_NS, HOUR_NS, 16, 32));
        final Fixture f = Fixture.of(sched, "A:2", "B:2", "C:2");
        final LocalityReplicatedScheduler s = (LocalityReplicatedScheduler)sched;
        pick(s, 9, 0);
        f.counters("A", 3, 0);
        pick(s, 9, 1);
        f.counters("B", 1, 0);
        assertThat(Fixture.names(s.members(toDestination(9)))).containsExactly("B", "A");
        // Unchanged for over an hour: the most loaded (A, 3/2) leaves; B serves.
        assertThat(pick(s, 9, 2 * HOUR_NS)).isEqualTo("B");
        assertThat(Fixture.names(s.members(toDestination(9)))).containsExactly("B");
    }
}
