package io.fleet.director.proxy;

import io.netty.channel.DefaultEventLoop;
import io.netty.util.concurrent.ImmediateEventExecutor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The per-loop idle timer driven by hand with an injected clock, and once for real on an event loop. */
@Timeout(10)
class IdleTimerTest
{
    private static final long MS = 1_000_000L;

    private final IdleTimer timer = new IdleTimer(ImmediateEventExecutor.INSTANCE, 10 * MS);

    private static final class Conn extends IdleTimer.Entry
    {
        int idle;

        @Override
        void onIdle()
        {
            idle++;
        }
    }

    @Test
    void shouldCloseAnEntryQuietForItsTimeoutButNotBefore()
    {
        final Conn c = new Conn();
        timer.add(c, 100 * MS);

        timer.sweep(0);             // the add counts as activity: stamped 0
        timer.sweep(99 * MS);
        assertThat(c.idle).isZero();

        assertThat(timer.sweep(100 * MS)).isEqualTo(1);
        assertThat(c.idle).isEqualTo(1);
        assertThat(timer.size()).isZero();

        timer.sweep(500 * MS);
        assertThat(c.idle).as("an entry found idle is no longer watched").isEqualTo(1);
    }

    @Test
    void shouldKeepAnEntryThatIsTouchedBetweenSweeps()
    {
        final Conn busy = new Conn();
        final Conn quiet = new Conn();
        timer.add(busy, 100 * MS);
        timer.add(quiet, 100 * MS);
        timer.sweep(0);

        for (long nowMs = 10; nowMs <= 1_000; nowMs += 10)
        {
            busy.touch();
            timer.sweep(nowMs * MS);
        }

        assertThat(busy.idle).isZero();
        assertThat(quiet.idle).isEqualTo(1);
        assertThat(timer.size()).isEqualTo(1);
    }

    @Test
    void shouldCountASwitchedTimeoutFromTheSwitch()
    {
        final Conn c = new Conn();
        timer.add(c, 1_000 * MS);
        timer.sweep(0);
        timer.sweep(900 * MS);

        IdleTimer.timeout(c, 50 * MS);  // FIN seen: FIN_WAIT's timeout from now on
        timer.sweep(910 * MS);
        timer.sweep(950 * MS);
        assertThat(c.idle).as("50 ms after the switch, not after the last read").isZero();

        timer.sweep(960 * MS);
        assertThat(c.idle).isEqualTo(1);
    }

    @Test
    void shouldNeverCallARemovedEntryAndLetOthersGoOn()
    {
        final Conn a = new Conn();
        final Conn b = new Conn();
        final Conn c = new Conn();
        timer.add(a, 10 * MS);
        timer.add(b, 10 * MS);
        timer.add(c, 10 * MS);
        timer.sweep(0);

        timer.remove(b);
        timer.remove(b);            // a second remove is harmless (a relay closes once, but may be asked twice)
        assertThat(timer.size()).isEqualTo(2);

        assertThat(timer.sweep(20 * MS)).isEqualTo(2);
        assertThat(a.idle).isEqualTo(1);
        assertThat(b.idle).isZero();
        assertThat(c.idle).isEqualTo(1);
    }

    @Test
    void shouldTickAnEighthOfTheShortestTimeoutBetweenOneMillisecondAndOneSecond()
    {
        assertThat(IdleTimer.tickFor(900_000 * MS, 120_000 * MS)).isEqualTo(1_000 * MS);
        assertThat(IdleTimer.tickFor(900_000 * MS, 800 * MS)).isEqualTo(100 * MS);
        assertThat(IdleTimer.tickFor(2 * MS)).isEqualTo(MS);
    }

    @Test
    void shouldFireOnItsEventLoopWhenNothingHappens() throws InterruptedException
    {
        final DefaultEventLoop loop = new DefaultEventLoop();
        try
        {
            final IdleTimer real = new IdleTimer(loop, IdleTimer.tickFor(50 * MS));
            final CountDownLatch fired = new CountDownLatch(1);
            final boolean[] onLoop = new boolean[1];
            final IdleTimer.Entry e = new IdleTimer.Entry()
            {
                @Override
                void onIdle()
                {
                    onLoop[0] = loop.inEventLoop();
                    fired.countDown();
                }
            };
            real.start();
            loop.execute(() -> real.add(e, 50 * MS));

            assertThat(fired.await(5, TimeUnit.SECONDS)).isTrue();
            assertThat(onLoop[0]).isTrue();
            real.stop();
        }
        finally
        {
            loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }
}
