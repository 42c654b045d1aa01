package io.fleet.vrrp.drill;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Three director JVMs in a Pekko cluster on loopback: kill -9 the holder of a VIP; another director holds it and
 * has sent gratuitous ARPs. Timing is printed, never asserted tightly: the benchmark measures it.
 */
@Timeout(180)
class MultiJvmDrillTest
{
    @Test
    void shouldMoveTheVipAndSendGratuitousArpsAfterKillMinusNineOfTheHolder() throws Exception
    {
        try (Drill drill = new Drill())
        {
            drill.startAll();
            drill.awaitStable(90_000);
            final Drill.Takeover t = drill.killHolder();
            System.out.printf("killed node %d, node %d took over: %.1f ms after its last frame, %.1f ms after the kill%n",
                t.oldHolder(), t.newHolder(), t.takeoverNs() / 1e6, t.killToGarpNs() / 1e6);
            assertThat(t.newHolder()).isNotEqualTo(t.oldHolder()).isBetween(0, 2);
            assertThat(drill.isAlive(t.oldHolder())).isFalse();
            assertThat(drill.holder()).as("the heir reports MASTER").isEqualTo(t.newHolder());
            assertThat(t.killToGarpNs()).as("sub-Keepalived takeover").isLessThan(3_600_000_000L);
        }
    }
}
