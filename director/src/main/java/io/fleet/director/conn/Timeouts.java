package io.fleet.director.conn;

import java.util.concurrent.TimeUnit;

/**
 * Connection timeouts per TCP state and for UDP, IPVS's defaults (ip_vs_proto_tcp.c {@code tcp_timeouts},
 * ip_vs_proto_udp.c), settable at run time like {@code ipvsadm --set tcp tcpfin udp}. Held as nanoseconds in a
 * plain array read by the forwarding worker; a change is made by the worker itself (through its command queue).
 */
public final class Timeouts
{
    private final long[] tcpNs = new long[TcpState.COUNT];
    private long udpNs;
    private long icmpNs;

    public Timeouts()
    {
        tcp(TcpState.NONE, 2);
        tcp(TcpState.ESTABLISHED, 15 * 60);
        tcp(TcpState.SYN_SENT, 2 * 60);
        tcp(TcpState.SYN_RECV, 60);
        tcp(TcpState.FIN_WAIT, 2 * 60);
        tcp(TcpState.TIME_WAIT, 2 * 60);
        tcp(TcpState.CLOSE, 10);
        tcp(TcpState.CLOSE_WAIT, 60);
        tcp(TcpState.LAST_ACK, 30);
        tcp(TcpState.LISTEN, 2 * 60);
        tcp(TcpState.SYNACK, 120);
        udpNs = TimeUnit.SECONDS.toNanos(5 * 60);
        icmpNs = TimeUnit.SECONDS.toNanos(60);
    }

    /** Sets one TCP state's timeout in seconds (at least 1). */
    public Timeouts tcp(final int state, final long seconds)
    {
        tcpNs[state] = TimeUnit.SECONDS.toNanos(check("tcp " + TcpState.name(state), seconds));
        return this;
    }

    public long tcpNs(final int state)
    {
        return tcpNs[state];
    }

    /**
     * {@code ipvsadm --set TCP TCPFIN UDP}: established TCP, TCP after FIN (FIN_WAIT), and UDP, in seconds; 0 leaves
     * a value unchanged, as ipvsadm does.
     */
    public Timeouts set(final long tcpS, final long tcpFinS, final long udpS)
    {
        if (tcpS != 0)
        {
            tcp(TcpState.ESTABLISHED, tcpS);
        }
        if (tcpFinS != 0)
        {
            tcp(TcpState.FIN_WAIT, tcpFinS);
        }
        if (udpS != 0)
        {
            udpNs = TimeUnit.SECONDS.toNanos(check("udp", udpS));
        }
        return this;
    }

    public long udpNs()
    {
        return udpNs;
    }

    public long icmpNs()
    {
        return icmpNs;
    }

    private static long check(final String what, final long seconds)
    {
        if (seconds < 1 || seconds > 31_536_000L)
        {
            throw new IllegalArgumentException(what + " timeout must be 1..31536000 s, got " + seconds);
        }
        return seconds;
    }
}
