package io.fleet.director.conn;

import org.junit.jupiter.api.Test;

import static io.fleet.director.conn.TcpState.DIR_INPUT;
import static io.fleet.director.conn.TcpState.DIR_INPUT_ONLY;
import static io.fleet.director.conn.TcpState.DIR_OUTPUT;
import static io.fleet.director.conn.TcpState.FLAG_ACK;
import static io.fleet.director.conn.TcpState.FLAG_FIN;
import static io.fleet.director.conn.TcpState.FLAG_RST;
import static io.fleet.director.conn.TcpState.FLAG_SYN;
import static org.assertj.core.api.Assertions.assertThat;

/** Transitions against ip_vs_proto_tcp.c's tcp_states table. */
class TcpStateTest
{
    private int state = TcpState.NONE;

    private TcpStateTest segment(final int direction, final int flags, final int expected)
    {
        state = TcpState.next(state, direction, flags);
        assertThat(TcpState.name(state)).isEqualTo(TcpState.name(expected));
        return this;
    }

    @Test
    void directRoutingShouldFollowTheClientSideOnly()
    {
        segment(DIR_INPUT_ONLY, FLAG_SYN, TcpState.SYN_RECV)
            .segment(DIR_INPUT_ONLY, FLAG_ACK, TcpState.ESTABLISHED)
            .segment(DIR_INPUT_ONLY, FLAG_ACK, TcpState.ESTABLISHED)
            .segment(DIR_INPUT_ONLY, FLAG_FIN | FLAG_ACK, TcpState.FIN_WAIT)
            .segment(DIR_INPUT_ONLY, FLAG_ACK, TcpState.FIN_WAIT);
    }

    @Test
    void natShouldSeeBothDirections()
    {
        segment(DIR_INPUT, FLAG_SYN, TcpState.SYN_RECV)
            .segment(DIR_OUTPUT, FLAG_SYN | FLAG_ACK, TcpState.SYN_RECV)
            .segment(DIR_INPUT, FLAG_ACK, TcpState.ESTABLISHED)
            .segment(DIR_INPUT, FLAG_FIN | FLAG_ACK, TcpState.CLOSE_WAIT)
            .segment(DIR_OUTPUT, FLAG_FIN | FLAG_ACK, TcpState.TIME_WAIT)
            .segment(DIR_INPUT, FLAG_ACK, TcpState.TIME_WAIT);
    }

    @Test
    void serverClosingFirstShouldPassThroughFinWait()
    {
        state = TcpState.ESTABLISHED;
        segment(DIR_OUTPUT, FLAG_FIN | FLAG_ACK, TcpState.FIN_WAIT)
            .segment(DIR_INPUT, FLAG_FIN | FLAG_ACK, TcpState.TIME_WAIT);
    }

    @Test
    void rstShouldCloseButNotASynRecvConnection()
    {
        state = TcpState.ESTABLISHED;
        segment(DIR_INPUT, FLAG_RST | FLAG_ACK, TcpState.CLOSE);
        state = TcpState.SYN_RECV;
        segment(DIR_INPUT, FLAG_RST, TcpState.SYN_RECV);
        segment(DIR_OUTPUT, FLAG_RST, TcpState.CLOSE);
    }

    @Test
    void aBareAckWithoutAConnectionShouldClose()
    {
        segment(DIR_INPUT_ONLY, FLAG_ACK, TcpState.CLOSE);
        assertThat(TcpState.next(TcpState.ESTABLISHED, DIR_INPUT, 0)).isEqualTo(TcpState.ESTABLISHED);
        assertThat(TcpState.event(FLAG_SYN | FLAG_RST)).isEqualTo(TcpState.EVENT_RST);
        assertThat(TcpState.event(FLAG_SYN | FLAG_FIN)).isEqualTo(TcpState.EVENT_SYN);
    }

    @Test
    void defaultTimeoutsShouldBeIpvss()
    {
        final Timeouts t = new Timeouts();
        assertThat(t.tcpNs(TcpState.ESTABLISHED)).isEqualTo(900_000_000_000L);
        assertThat(t.tcpNs(TcpState.SYN_RECV)).isEqualTo(60_000_000_000L);
        assertThat(t.tcpNs(TcpState.FIN_WAIT)).isEqualTo(120_000_000_000L);
        assertThat(t.tcpNs(TcpState.TIME_WAIT)).isEqualTo(120_000_000_000L);
        assertThat(t.tcpNs(TcpState.CLOSE_WAIT)).isEqualTo(60_000_000_000L);
        assertThat(t.tcpNs(TcpState.LAST_ACK)).isEqualTo(30_000_000_000L);
        assertThat(t.tcpNs(TcpState.CLOSE)).isEqualTo(10_000_000_000L);
        assertThat(t.udpNs()).isEqualTo(300_000_000_000L);
        t.set(7200, 0, 60);
        assertThat(t.tcpNs(TcpState.ESTABLISHED)).isEqualTo(7_200_000_000_000L);
        assertThat(t.tcpNs(TcpState.FIN_WAIT)).as("0 leaves it").isEqualTo(120_000_000_000L);
        assertThat(t.udpNs()).isEqualTo(60_000_000_000L);
    }
}
