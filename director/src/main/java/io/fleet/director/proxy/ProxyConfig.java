package io.fleet.director.proxy;

import io.fleet.director.conn.TcpState;
import io.fleet.director.conn.Timeouts;

/**
 * Settings of proxy mode. Idle timeouts come from the director's {@link Timeouts} (the same settings as the
 * forwarding core, {@code ipvsadm --set}): an established TCP connection with no byte either way for
 * {@code tcpEstablishedTimeoutNs} is closed, so is a half-closed one idle for {@code tcpFinWaitTimeoutNs}, and a
 * UDP session with no datagram either way for {@code udpTimeoutNs} expires.
 *
 * @param eventLoopThreads        Netty event loops; with epoll, one TCP and one UDP listener per loop and VIP:port
 *                                ({@code SO_REUSEPORT}).
 * @param preferEpoll             use epoll when the native transport loads; false forces NIO (tests, other OSes).
 * @param tcpEstablishedTimeoutNs idle timeout of an established TCP connection (IPVS: 900 s).
 * @param tcpFinWaitTimeoutNs     idle timeout once one side has sent FIN (IPVS FIN_WAIT: 120 s).
 * @param udpTimeoutNs            idle timeout of a UDP session (IPVS: 300 s).
 * @param connectTimeoutMs        how long a connect to a real server may take before the next pick is tried.
 * @param connectAttempts         real servers tried for one client connection before it is closed (at least 1).
 * @param maxUdpSessions          UDP sessions per service; a datagram from a new client beyond it is dropped.
 * @param writeLowWaterMark       bytes queued on a channel below which it is writable again (back-pressure).
 * @param writeHighWaterMark      bytes queued on a channel above which the other side stops reading.
 * @param preferIoUring           use Netty's io_uring transport when it loads (and {@code preferEpoll} is set):
 *                                an experiment, off by default; see docs/proxy.md, Benchmark.
 */
public record ProxyConfig(
    int eventLoopThreads,
    boolean preferEpoll,
    long tcpEstablishedTimeoutNs,
    long tcpFinWaitTimeoutNs,
    long udpTimeoutNs,
    int connectTimeoutMs,
    int connectAttempts,
    int maxUdpSessions,
    int writeLowWaterMark,
    int writeHighWaterMark,
    boolean preferIoUring)
{
    public ProxyConfig
    {
        if (eventLoopThreads < 1)
        {
            throw new IllegalArgumentException("event-loop threads must be at least 1, got " + eventLoopThreads);
        }
        if (tcpEstablishedTimeoutNs <= 0 || tcpFinWaitTimeoutNs <= 0 || udpTimeoutNs <= 0)
        {
            throw new IllegalArgumentException("timeouts must be positive");
        }
        if (connectTimeoutMs < 1 || connectAttempts < 1 || maxUdpSessions < 1)
        {
            throw new IllegalArgumentException("connect timeout, connect attempts and UDP sessions must be at least 1");
        }
        if (writeLowWaterMark < 1 || writeHighWaterMark < writeLowWaterMark)
        {
            throw new IllegalArgumentException("write water marks must satisfy 0 < low <= high");
        }
    }

    /** One event loop per core, epoll when available, IPVS's default timeouts, 3 connect attempts of 1 s. */
    public static ProxyConfig defaults()
    {
        final Timeouts ipvs = new Timeouts();
        return new ProxyConfig(Runtime.getRuntime().availableProcessors(), true, ipvs.tcpNs(TcpState.ESTABLISHED),
            ipvs.tcpNs(TcpState.FIN_WAIT), ipvs.udpNs(), 1000, 3, 65536, 32 * 1024, 64 * 1024, false);
    }

    /** The idle timeouts of the given settings (TCP established, FIN_WAIT, UDP). */
    public ProxyConfig timeouts(final Timeouts timeouts)
    {
        return new ProxyConfig(eventLoopThreads, preferEpoll, timeouts.tcpNs(TcpState.ESTABLISHED),
            timeouts.tcpNs(TcpState.FIN_WAIT), timeouts.udpNs(), connectTimeoutMs, connectAttempts, maxUdpSessions,
            writeLowWaterMark, writeHighWaterMark, preferIoUring);
    }

    public ProxyConfig eventLoopThreads(final int threads)
    {
        return new ProxyConfig(threads, preferEpoll, tcpEstablishedTimeoutNs, tcpFinWaitTimeoutNs, udpTimeoutNs,
            connectTimeoutMs, connectAttempts, maxUdpSessions, writeLowWaterMark, writeHighWaterMark, preferIoUring);
    }

    public ProxyConfig preferEpoll(final boolean epoll)
    {
        return new ProxyConfig(eventLoopThreads, epoll, tcpEstablishedTimeoutNs, tcpFinWaitTimeoutNs, udpTimeoutNs,
            connectTimeoutMs, connectAttempts, maxUdpSessions, writeLowWaterMark, writeHighWaterMark, preferIoUring);
    }

    /** Idle timeouts in nanoseconds, for tests that cannot wait the 1 s minimum of {@link Timeouts}. */
    public ProxyConfig idleTimeoutsNs(final long tcpEstablishedNs, final long tcpFinWaitNs, final long udpNs)
    {
        return new ProxyConfig(eventLoopThreads, preferEpoll, tcpEstablishedNs, tcpFinWaitNs, udpNs,
            connectTimeoutMs, connectAttempts, maxUdpSessions, writeLowWaterMark, writeHighWaterMark, preferIoUring);
    }

    public ProxyConfig preferIoUring(final boolean ioUring)
    {
        return new ProxyConfig(eventLoopThreads, preferEpoll, tcpEstablishedTimeoutNs, tcpFinWaitTimeoutNs,
            udpTimeoutNs, connectTimeoutMs, connectAttempts, maxUdpSessions, writeLowWaterMark, writeHighWaterMark,
            ioUring);
    }

    public ProxyConfig connect(final int timeoutMs, final int attempts)
    {
        return new ProxyConfig(eventLoopThreads, preferEpoll, tcpEstablishedTimeoutNs, tcpFinWaitTimeoutNs,
            udpTimeoutNs, timeoutMs, attempts, maxUdpSessions, writeLowWaterMark, writeHighWaterMark, preferIoUring);
    }

    public ProxyConfig maxUdpSessions(final int sessions)
    {
        return new ProxyConfig(eventLoopThreads, preferEpoll, tcpEstablishedTimeoutNs, tcpFinWaitTimeoutNs,
            udpTimeoutNs, connectTimeoutMs, connectAttempts, sessions, writeLowWaterMark, writeHighWaterMark, preferIoUring);
    }
}
