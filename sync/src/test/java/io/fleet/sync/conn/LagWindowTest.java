package io.fleet.sync.conn;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class LagWindowTest
{
    @Property
    void aValueFallsInABucketWhoseRangeHoldsItWithinOneSixteenth(@ForAll @LongRange(min = 0, max = 60_000_000L) final long ms)
    {
        final int b = LagWindow.bucket(ms);
        assertThat(LagWindow.upper(b)).isGreaterThanOrEqualTo(ms);
        assertThat(b == 0 || LagWindow.upper(b - 1) < ms).isTrue();
        assertThat(LagWindow.upper(b) - ms).isLessThanOrEqualTo(Math.max(0, ms / 16));
    }

    @Test
    void shouldGivePercentilesOfWhatWasRecorded()
    {
        final LagWindow w = new LagWindow();
        assertThat(w.percentileMs(99)).isZero();
        for (int i = 1; i <= 100; i++)
        {
            w.record(i);
        }
        w.record(-5);
        assertThat(w.percentileMs(50)).isBetween(50L, 53L);
        assertThat(w.percentileMs(99)).isBetween(99L, 103L);
        assertThat(w.percentileMs(100)).isBetween(100L, 103L);
    }
}
