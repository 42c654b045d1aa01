package io.fleet.sync.conn;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class HybridLogicalClockTest
{
    @Test
    void shouldKeepGrowingWhenTheWallClockStepsBack()
    {
        final HybridLogicalClock clock = new HybridLogicalClock();
        final long a = clock.tick(1000);
        final long b = clock.tick(900);
        assertThat(b).isGreaterThan(a);
        assertThat(HybridLogicalClock.physicalMs(b)).isEqualTo(1000);
        assertThat(HybridLogicalClock.logical(b)).isEqualTo(1);
    }

    @Test
    void shouldIssueTimestampsAboveAnObservedRemoteOne()
    {
        final HybridLogicalClock clock = new HybridLogicalClock();
        final long remote = HybridLogicalClock.of(5000, 7);
        clock.observe(remote);
        assertThat(clock.tick(4000)).isGreaterThan(remote);
    }

    @Test
    void shouldFollowTheWallClockWhenItIsAhead()
    {
        final HybridLogicalClock clock = new HybridLogicalClock();
        clock.tick(1000);
        assertThat(clock.tick(2000)).isEqualTo(HybridLogicalClock.of(2000, 0));
    }
}
