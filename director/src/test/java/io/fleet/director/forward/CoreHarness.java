package io.fleet.director.forward;

import io.fleet.director.conn.Timeouts;
import io.fleet.director.packet.FrameWriter;
import io.fleet.director.sched.SchedulerFactory;
import io.fleet.director.sched.SchedulerOptions;
import io.fleet.director.service.ForwardingMethod;
import io.fleet.director.service.IpAddress;
import io.fleet.director.service.RealServer;
import io.fleet.director.service.SchedulerKind;
import io.fleet.director.service.Service;
import io.fleet.director.service.VirtualService;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.ArrayList;
import java.util.List;

/** A forwarding core in memory: frames in as byte arrays, frames out captured. Addresses are documentation ranges. */
final class CoreHarness
{
    static final long DIRECTOR_MAC = 0x02_00_00_00_0D_01L;
    static final long CLIENT_MAC = 0x02_00_00_00_0C_01L;
    static final long RS1_MAC = 0x02_00_00_00_0A_01L;
    static final long RS2_MAC = 0x02_00_00_00_0A_02L;
    static final IpAddress OWN4 = IpAddress.parse("own", "192.0.2.2");
    static final IpAddress OWN6 = IpAddress.parse("own", "2001:db8::2");
    static final IpAddress VIP = IpAddress.parse("vip", "198.51.100.10");
    static final IpAddress VIP6 = IpAddress.parse("vip", "2001:db8::10");
    static final IpAddress CLIENT = IpAddress.parse("client", "203.0.113.7");
    static final IpAddress CLIENT6 = IpAddress.parse("client", "2001:db8:c::7");
    static final IpAddress RS1 = IpAddress.parse("rs", "192.0.2.11");
    static final IpAddress RS2 = IpAddress.parse("rs", "192.0.2.12");
    static final IpAddress RS1_6 = IpAddress.parse("rs", "2001:db8::11");
    static final IpAddress LOCAL = IpAddress.parse("local", "192.0.2.100");

    final List<byte[]> out = new ArrayList<>();
    final ForwardingCore core;
    long nowNs = 1_000_000_000L;

    CoreHarness(final ForwardingConfig config)
    {
        this.core = new ForwardingCore(config.portMac(DIRECTOR_MAC).ipv4(OWN4).ipv6(OWN6), (buffer, offset, length) ->
        {
            final byte[] copy = new byte[length];
            buffer.getBytes(offset, copy);
            out.add(copy);
        }, nowNs);
    }

    /** A service with real servers in scan order. */
    static Service service(final VirtualService vs, final RealServer... servers)
    {
        return Service.of(vs, SchedulerFactory.create(vs, SchedulerOptions.DEFAULTS.withRandomSeed(1)), List.of(servers));
    }

    static VirtualService tcp(final IpAddress vip, final int port, final SchedulerKind kind)
    {
        return VirtualService.tcp(vip, port).scheduler(kind).build();
    }

    static RealServer rs(final IpAddress address, final int port, final ForwardingMethod method)
    {
        return RealServer.of(address, port, method, 1, 0, 0);
    }

    static ForwardingConfig config(final Service... services)
    {
        final ForwardingConfig c = new ForwardingConfig()
            .capacity(64, 64)
            .wheel(10_000_000L, 256)
            .staticMac(RS1, RS1_MAC)
            .staticMac(RS2, RS2_MAC)
            .staticMac(RS1_6, RS1_MAC)
            .timeouts(new Timeouts())
            .epochOffsetNs(1_700_000_000_000_000_000L);
        for (final Service s : services)
        {
            c.service(s);
        }
        return c;
    }

    /** Frames from the client (its MAC) to the director's MAC. */
    static FrameWriter fromClient(final IpAddress src, final IpAddress dst)
    {
        return FrameWriter.frame().macs(CLIENT_MAC, DIRECTOR_MAC).ip(src, dst);
    }

    /** The frame as the director should send it: MACs changed, addresses as given. */
    static FrameWriter fromDirector(final long dstMac, final IpAddress src, final IpAddress dst)
    {
        return FrameWriter.frame().macs(DIRECTOR_MAC, dstMac).ip(src, dst);
    }

    Verdict send(final byte[] frame)
    {
        out.clear();
        final UnsafeBuffer b = new UnsafeBuffer(frame.clone());
        return core.process(b, 0, frame.length, nowNs);
    }

    byte[] only()
    {
        if (out.size() != 1)
        {
            throw new AssertionError("expected one frame out, got " + out.size());
        }
        return out.get(0);
    }

    void advance(final long ns)
    {
        nowNs += ns;
        core.poll(nowNs);
    }
}
