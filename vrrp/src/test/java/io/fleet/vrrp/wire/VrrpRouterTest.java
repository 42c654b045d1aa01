package io.fleet.vrrp.wire;

import java.util.ArrayList;
import java.util.List;

import io.fleet.vrrp.election.VipAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;

/** The RFC 5798 state machine with an injected clock. */
@Timeout(10)
class VrrpRouterTest
{
    private static final long MS = 1_000_000L;
    private static final byte[] SELF = {10, (byte)200, 0, 1};
    private static final VipAddress VIP = VipAddress.parse("10.200.0.100");

    private final List<String> events = new ArrayList<>();

    private VrrpRouter router(final int version, final int priority, final int intervalCs, final boolean preempt)
    {
        return new VrrpRouter(version, priority, intervalCs, preempt, SELF, new VrrpRouter.Actions()
        {
            @Override
            public void sendAdvert(final int p)
            {
                events.add("advert " + p);
            }

            @Override
            public void stateChanged(final VrrpState from, final VrrpState to)
            {
                events.add(from + "->" + to);
            }
        });
    }

    private static Advert advert(final int priority, final int intervalCs, final String source)
    {
        return new Advert(3, 51, priority, intervalCs, 0, new byte[0], List.of(VIP), VipAddress.parse(source));
    }

    @Test
    void shouldComputeMasterDownIntervalAsThreeIntervalsPlusSkew()
    {
        // Keepalived's default (priority 100, 1 s): skew = 156/256 s = 609.375 ms, down = 3.609375 s.
        final VrrpRouter r = router(3, 100, 100, true);
        assertThat(r.skewTimeNs()).isEqualTo(609_375_000L);
        assertThat(r.masterDownIntervalNs()).isEqualTo(3_609_375_000L);
        assertThat(router(2, 150, 100, true).masterDownIntervalNs()).isEqualTo(3_000_000_000L + 414_062_500L);
    }

    @Test
    void shouldBecomeMasterWhenNoAdvertArrivesWithinMasterDownInterval()
    {
        final VrrpRouter r = router(3, 100, 100, true);
        r.startup(0);
        assertThat(r.state()).isEqualTo(VrrpState.BACKUP);
        assertThat(r.nextDeadlineNs()).isEqualTo(3_609_375_000L);
        r.onTime(3_609_374_999L);
        assertThat(r.state()).isEqualTo(VrrpState.BACKUP);
        r.onTime(3_609_375_000L);
        assertThat(r.state()).isEqualTo(VrrpState.MASTER);
        assertThat(events).containsExactly("INITIALIZE->BACKUP", "advert 100", "BACKUP->MASTER");
    }

    @Test
    void shouldAdvertiseEveryIntervalAsMaster()
    {
        final VrrpRouter r = router(3, 100, 35, true);
        r.startup(0);
        r.onTime(r.nextDeadlineNs());
        events.clear();
        final long start = r.nextDeadlineNs();
        for (int i = 0; i < 4; i++)
        {
            r.onTime(start + i * 350 * MS);
        }
        assertThat(events).containsExactly("advert 100", "advert 100", "advert 100", "advert 100");
        assertThat(r.nextDeadlineNs()).isEqualTo(start + 4 * 350 * MS);
    }

    @Test
    void shouldBecomeMasterAtOnceWhenOwningTheAddresses()
    {
        final VrrpRouter r = router(3, 255, 100, true);
        r.startup(0);
        assertThat(r.state()).isEqualTo(VrrpState.MASTER);
        assertThat(events).containsExactly("advert 255", "INITIALIZE->MASTER");
    }

    @Test
    void shouldStayBackupWhileAHigherPriorityMasterAdvertises()
    {
        final VrrpRouter r = router(3, 100, 100, true);
        r.startup(0);
        for (long t = 900 * MS; t < 20_000 * MS; t += 1_000 * MS)
        {
            r.onAdvert(advert(150, 100, "10.200.0.2"), t);
            r.onTime(t + 999 * MS);
        }
        assertThat(r.state()).isEqualTo(VrrpState.BACKUP);
    }

    @Test
    void shouldPreemptALowerPriorityMasterByLettingTheTimerFire()
    {
        final VrrpRouter r = router(3, 150, 100, true);
        r.startup(0);
        r.onAdvert(advert(100, 100, "10.200.0.2"), 1_000 * MS);
        // The lower-priority advert is ignored: Master_Down_Timer (started at 0) fires at 3 + 106/256 s.
        r.onTime(3_414_062_500L);
        assertThat(r.state()).isEqualTo(VrrpState.MASTER);
    }

    @Test
    void shouldNotPreemptWithoutPreemptMode()
    {
        final VrrpRouter r = router(3, 150, 100, false);
        r.startup(0);
        for (long t = 900 * MS; t < 20_000 * MS; t += 1_000 * MS)
        {
            r.onAdvert(advert(100, 100, "10.200.0.2"), t);
            r.onTime(t + 999 * MS);
        }
        assertThat(r.state()).isEqualTo(VrrpState.BACKUP);
    }

    @Test
    void shouldTakeOverAfterSkewTimeWhenTheMasterSendsPriorityZero()
    {
        final VrrpRouter r = router(3, 100, 100, true);
        r.startup(0);
        r.onAdvert(advert(150, 100, "10.200.0.2"), 1_000 * MS);
        r.onAdvert(advert(0, 100, "10.200.0.2"), 1_500 * MS);
        assertThat(r.nextDeadlineNs()).isEqualTo(1_500 * MS + 609_375_000L);
        r.onTime(1_500 * MS + 609_375_000L);
        assertThat(r.state()).isEqualTo(VrrpState.MASTER);
    }

    @Test
    void shouldSendPriorityZeroOnShutdownAsMaster()
    {
        final VrrpRouter r = router(3, 255, 100, true);
        r.startup(0);
        events.clear();
        r.shutdown();
        assertThat(events).containsExactly("advert 0", "MASTER->INITIALIZE");
        assertThat(r.nextDeadlineNs()).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void shouldYieldToAHigherPriorityOrAnEqualOneFromAGreaterAddress()
    {
        final VrrpRouter r = router(3, 100, 100, true);
        r.startup(0);
        r.onTime(r.nextDeadlineNs());
        r.onAdvert(advert(100, 100, "10.200.0.0"), 5_000 * MS);
        assertThat(r.state()).as("equal priority, smaller address").isEqualTo(VrrpState.MASTER);
        r.onAdvert(advert(50, 100, "10.200.0.9"), 5_100 * MS);
        assertThat(r.state()).as("lower priority").isEqualTo(VrrpState.MASTER);
        r.onAdvert(advert(100, 100, "10.200.0.2"), 5_200 * MS);
        assertThat(r.state()).as("equal priority, greater address").isEqualTo(VrrpState.BACKUP);

        final VrrpRouter s = router(3, 100, 100, true);
        s.startup(0);
        s.onTime(s.nextDeadlineNs());
        s.onAdvert(advert(101, 100, "10.0.0.1"), 5_000 * MS);
        assertThat(s.state()).isEqualTo(VrrpState.BACKUP);
    }

    @Test
    void shouldAnswerAPriorityZeroAdvertAsMasterWithAnAdvertAtOnce()
    {
        final VrrpRouter r = router(3, 100, 100, true);
        r.startup(0);
        r.onTime(r.nextDeadlineNs());
        events.clear();
        r.onAdvert(advert(0, 100, "10.200.0.2"), 4_000 * MS);
        assertThat(events).containsExactly("advert 100");
        assertThat(r.nextDeadlineNs()).isEqualTo(5_000 * MS);
    }

    @Test
    void shouldLearnTheMastersIntervalInV3()
    {
        final VrrpRouter r = router(3, 100, 100, true);
        r.startup(0);
        r.onAdvert(advert(200, 20, "10.200.0.2"), 100 * MS);
        // Master_Adver_Interval = 20 cs: down = 600 ms + 156 * 200 ms / 256 = 721.875 ms.
        assertThat(r.masterAdverIntervalCs()).isEqualTo(20);
        assertThat(r.nextDeadlineNs()).isEqualTo(100 * MS + 721_875_000L);
    }

    @Test
    void shouldFaultAndRestartOnStartup()
    {
        final VrrpRouter r = router(3, 150, 100, true);
        r.startup(0);
        r.onTime(r.nextDeadlineNs());
        events.clear();
        r.fault();
        assertThat(events).containsExactly("advert 0", "MASTER->FAULT");
        r.startup(10_000 * MS);
        assertThat(r.state()).isEqualTo(VrrpState.BACKUP);
    }
}
