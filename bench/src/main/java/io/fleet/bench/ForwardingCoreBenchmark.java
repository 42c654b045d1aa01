package io.fleet.bench;

import io.fleet.director.forward.ForwardingConfig;
import io.fleet.director.forward.ForwardingCore;
import io.fleet.director.forward.Verdict;
import io.fleet.director.packet.FrameWriter;
import io.fleet.director.packet.TcpHeader;
import io.fleet.director.sched.SchedulerFactory;
import io.fleet.director.sched.SchedulerOptions;
import io.fleet.director.service.ForwardingMethod;
import io.fleet.director.service.IpAddress;
import io.fleet.director.service.RealServer;
import io.fleet.director.service.SchedulerKind;
import io.fleet.director.service.Service;
import io.fleet.director.service.VirtualService;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The forwarding core's packet path in memory, one thread: established DR (parse, lookup, MAC rewrite), NAT in
 * both directions (addresses, ports, incremental checksums), and new connections (schedule with wlc over 10 real
 * servers, insert, rewrite). Frames are 64-byte TCP segments of {@value #FLOWS} flows, cycled; the sink discards.
 * Run with {@code -prof gc} to see bytes allocated per operation.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class ForwardingCoreBenchmark
{
    static final int FLOWS = 4096;
    static final long PORT_MAC = 0x02_00_00_00_0D_01L;
    static final long CLIENT_MAC = 0x02_00_00_00_0C_01L;
    static final IpAddress VIP = IpAddress.parse("vip", "198.51.100.10");

    @Param({"DR", "NAT"})
    public String method;

    private ForwardingCore core;
    private UnsafeBuffer[] toServer;
    private byte[][] toServerPristine;
    private UnsafeBuffer[] toClient;
    private byte[][] toClientPristine;
    private int next;
    private long nowNs = 1_000_000_000L;

    private ForwardingCore newCore(final int capacity)
    {
        return newCore(capacity, new io.fleet.director.conn.Timeouts());
    }

    private ForwardingCore newCore(final int capacity, final io.fleet.director.conn.Timeouts timeouts)
    {
        final ForwardingMethod m = ForwardingMethod.valueOf(method);
        final VirtualService vs = VirtualService.tcp(VIP, 80).scheduler(SchedulerKind.WLC).build();
        final List<RealServer> servers = new ArrayList<>();
        final ForwardingConfig config = new ForwardingConfig().portMac(PORT_MAC).capacity(capacity, 1024)
            .wheel(100_000_000L, 4096).timeouts(timeouts);
        for (int i = 0; i < 10; i++)
        {
            final IpAddress a = IpAddress.ofIpv4(0xC0000200 + 11 + i);
            servers.add(RealServer.of(a, m == ForwardingMethod.NAT ? 8080 : 80, m, 1, 0, 0));
            config.staticMac(a, 0x02_00_00_00_0A_00L + i);
        }
        config.service(Service.of(vs, SchedulerFactory.create(vs, SchedulerOptions.DEFAULTS), servers));
        return new ForwardingCore(config, (buffer, offset, length) -> { }, nowNs);
    }

    @Setup(Level.Trial)
    public void setUp()
    {
        core = newCore(FLOWS * 2);
        toServer = new UnsafeBuffer[FLOWS];
        toServerPristine = new byte[FLOWS][];
        toClient = new UnsafeBuffer[FLOWS];
        toClientPristine = new byte[FLOWS][];
        for (int i = 0; i < FLOWS; i++)
        {
            final IpAddress client = IpAddress.ofIpv4(0xCB007100 + i);
            final byte[] syn = FrameWriter.frame().macs(CLIENT_MAC, PORT_MAC).ip(client, VIP)
                .tcp(10000 + i, 80, TcpHeader.SYN, 1, 0, new byte[0]);
            final Verdict v = core.process(new UnsafeBuffer(syn), 0, syn.length, nowNs);
            if (v != Verdict.FORWARDED)
            {
                throw new IllegalStateException("setup SYN was " + v);
            }
            final byte[] ack = FrameWriter.frame().macs(CLIENT_MAC, PORT_MAC).ip(client, VIP)
                .tcp(10000 + i, 80, TcpHeader.ACK, 2, 1, new byte[10]);
            toServerPristine[i] = ack;
            toServer[i] = new UnsafeBuffer(ack.clone());
            // The server's reply (NAT only): from the real server the connection went to.
            final RealServer rs = core.destination(core.table(false).dest(core.table(false).find(
                new io.fleet.director.service.FlowKey().ipv4(6, client.ipv4(), 10000 + i, VIP.ipv4(), 80)))).server();
            final byte[] reply = FrameWriter.frame().macs(0x02_00_00_00_0A_00L, PORT_MAC).ip(rs.address(), client)
                .tcp(rs.port(), 10000 + i, TcpHeader.ACK, 1, 12, new byte[10]);
            toClientPristine[i] = reply;
            toClient[i] = new UnsafeBuffer(reply.clone());
        }
    }

    /** One segment from a client to its real server over an established connection. */
    @Benchmark
    public Verdict established()
    {
        final int i = next;
        next = (i + 1) & (FLOWS - 1);
        final UnsafeBuffer b = toServer[i];
        if (method.equals("NAT"))
        {
            // NAT rewrites addresses in place: restore the client's frame (a 64-byte copy, counted in the figure).
            b.putBytes(0, toServerPristine[i]);
        }
        return core.process(b, 0, b.capacity(), nowNs);
    }

    /** One segment each way (NAT: client to server, then the server's reply translated back). */
    @Benchmark
    public Verdict bothDirections()
    {
        final int i = next;
        next = (i + 1) & (FLOWS - 1);
        final UnsafeBuffer in = toServer[i];
        in.putBytes(0, toServerPristine[i]);
        core.process(in, 0, in.capacity(), nowNs);
        if (!method.equals("NAT"))
        {
            return Verdict.FORWARDED;
        }
        final UnsafeBuffer out = toClient[i];
        out.putBytes(0, toClientPristine[i]);
        return core.process(out, 0, out.capacity(), nowNs);
    }

    /**
     * New connections: a SYN from a new client each time, scheduled by wlc and inserted. Virtual time advances 1 us
     * per SYN and SYN_RECV lasts 1 s, so connections also expire at the rate they are made (the table holds about a
     * million) and the figure includes the timer wheel's share; {@code poll} runs every 1024 SYNs.
     */
    @State(Scope.Thread)
    public static class NewConnections
    {
        ForwardingCore core;
        UnsafeBuffer syn;
        byte[] template;
        int client;
        long nowNs = 1_000_000_000L;

        @Setup(Level.Trial)
        public void setUp(final ForwardingCoreBenchmark outer)
        {
            core = outer.newCore(4_000_000, new io.fleet.director.conn.Timeouts()
                .tcp(io.fleet.director.conn.TcpState.SYN_RECV, 1).tcp(io.fleet.director.conn.TcpState.NONE, 1));
            template = FrameWriter.frame().macs(CLIENT_MAC, PORT_MAC).ip(IpAddress.ofIpv4(0x0A000000), VIP)
                .tcp(40000, 80, TcpHeader.SYN, 1, 0, new byte[0]);
            syn = new UnsafeBuffer(template.clone());
        }
    }

    @Benchmark
    public Verdict newConnection(final NewConnections state)
    {
        final UnsafeBuffer b = state.syn;
        b.putBytes(0, state.template);
        // A new client address each time (2^24 of them, long expired before reuse); fix the IPv4 header checksum.
        final int client = 0x0A000000 + (state.client++ & 0xFF_FFFF);
        b.putInt(14 + 12, client, java.nio.ByteOrder.BIG_ENDIAN);
        b.putShort(14 + 10, (short)0);
        b.putShort(14 + 10, (short)io.fleet.director.packet.Checksums.checksum(b, 14, 20), java.nio.ByteOrder.BIG_ENDIAN);
        state.nowNs += 1_000;
        if ((state.client & 1023) == 0)
        {
            state.core.poll(state.nowNs);
        }
        return state.core.process(b, 0, b.capacity(), state.nowNs);
    }
}
