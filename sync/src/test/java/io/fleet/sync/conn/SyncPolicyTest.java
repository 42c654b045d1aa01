package io.fleet.sync.conn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class SyncPolicyTest
{
    private static final long NOW = 1_000_000L;
    private final SyncPolicy policy = new SyncPolicy(0.25);

    private static ConnectionChange tcp(final ConnectionState state, final boolean mapping)
    {
        return new ConnectionChange().protocol(ConnectionChange.TCP).state(state).keepsMapping(mapping)
            .stateChanged(true).expiryMs(NOW + 60_000).packetsIn(1);
    }

    @Test
    void shouldSyncHalfOpenTcpWhenNatKeepsAMapping()
    {
        assertThat(policy.decide(tcp(ConnectionState.HALF_OPEN, true), NOW)).isEqualTo(SyncPolicy.Verdict.SYNC_FIRST);
    }

    @Test
    void shouldNotSyncHalfOpenTcpForDirectRouting()
    {
        assertThat(policy.decide(tcp(ConnectionState.HALF_OPEN, false), NOW))
            .isEqualTo(SyncPolicy.Verdict.SKIP_NOT_YET_ELIGIBLE);
    }

    @Test
    void shouldSyncEstablishedTcpForDirectRouting()
    {
        assertThat(policy.decide(tcp(ConnectionState.ESTABLISHED, false), NOW)).isEqualTo(SyncPolicy.Verdict.SYNC_FIRST);
    }

    @Test
    void shouldNotSyncANewTcpConnectionEvenForNat()
    {
        assertThat(policy.decide(tcp(ConnectionState.NEW, true), NOW)).isEqualTo(SyncPolicy.Verdict.SKIP_NOT_YET_ELIGIBLE);
    }

    @Test
    void shouldSyncEveryStateChangeOnceEligible()
    {
        final ConnectionChange closing = tcp(ConnectionState.CLOSING, false).syncedExpiryMs(NOW + 800_000);
        assertThat(policy.decide(closing, NOW)).isEqualTo(SyncPolicy.Verdict.SYNC_STATE_CHANGE);
    }

    @Test
    void shouldSkipTimerRefreshesWhilePeersHoldEnoughLifetime()
    {
        final ConnectionChange refresh = tcp(ConnectionState.ESTABLISHED, false).stateChanged(false)
            .expiryMs(NOW + 900_000).syncedExpiryMs(NOW + 600_000);
        assertThat(policy.decide(refresh, NOW)).isEqualTo(SyncPolicy.Verdict.SKIP_UNCHANGED);
    }

    @Test
    void shouldRefreshALongFlowBeforePeersExpireIt()
    {
        // Peers hold 200 s of a 900 s lifetime: under a quarter, so refresh now rather than let them drop it.
        final ConnectionChange refresh = tcp(ConnectionState.ESTABLISHED, false).stateChanged(false)
            .expiryMs(NOW + 900_000).syncedExpiryMs(NOW + 200_000);
        assertThat(policy.decide(refresh, NOW)).isEqualTo(SyncPolicy.Verdict.SYNC_REFRESH);
    }

    @Test
    void shouldNotSyncAOnePacketUdpFlow()
    {
        final ConnectionChange dns = new ConnectionChange().protocol(ConnectionChange.UDP).packetsIn(1)
            .expiryMs(NOW + 300_000).stateChanged(true);
        assertThat(policy.decide(dns, NOW)).isEqualTo(SyncPolicy.Verdict.SKIP_NOT_YET_ELIGIBLE);
    }

    @Test
    void shouldSyncUdpAfterItsFirstReply()
    {
        final ConnectionChange udp = new ConnectionChange().protocol(ConnectionChange.UDP).packetsIn(1).packetsOut(1)
            .expiryMs(NOW + 300_000);
        assertThat(policy.decide(udp, NOW)).isEqualTo(SyncPolicy.Verdict.SYNC_FIRST);
    }

    @Test
    void shouldSyncUdpAfterItsSecondPacket()
    {
        final ConnectionChange udp = new ConnectionChange().protocol(ConnectionChange.UDP).packetsIn(2)
            .expiryMs(NOW + 300_000);
        assertThat(policy.decide(udp, NOW)).isEqualTo(SyncPolicy.Verdict.SYNC_FIRST);
    }

    @Test
    void shouldNotSyncAnAlreadyExpiredConnection()
    {
        assertThat(policy.decide(tcp(ConnectionState.ESTABLISHED, false).expiryMs(NOW), NOW))
            .isEqualTo(SyncPolicy.Verdict.SKIP_EXPIRED);
    }

    @Test
    void shouldRejectARefreshFractionOutsideZeroToOne()
    {
        assertThatThrownBy(() -> new SyncPolicy(1.0)).isInstanceOf(IllegalArgumentException.class);
    }
}
