package io.fleet.director.forward;

import io.fleet.director.packet.FrameWriter;
import io.fleet.director.packet.TcpHeader;
import io.fleet.director.service.ForwardingMethod;
import io.fleet.director.service.IpAddress;
import io.fleet.director.service.SchedulerKind;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;

import static io.fleet.director.forward.CoreHarness.CLIENT_MAC;
import static io.fleet.director.forward.CoreHarness.DIRECTOR_MAC;
import static io.fleet.director.forward.CoreHarness.LOCAL;
import static io.fleet.director.forward.CoreHarness.RS1;
import static io.fleet.director.forward.CoreHarness.RS2;
import static io.fleet.director.forward.CoreHarness.VIP;
import static io.fleet.director.forward.CoreHarness.config;
import static io.fleet.director.forward.CoreHarness.rs;
import static io.fleet.director.forward.CoreHarness.service;
import static io.fleet.director.forward.CoreHarness.tcp;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The packet path allocates nothing: bytes allocated by this thread (HotSpot's per-thread counter, not a timer)
 * across thousands of frames after a warm-up, for new connections and established ones, every method.
 */
class ForwardingCoreAllocationTest
{
    private static long allocated()
    {
        return ((com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean()).getCurrentThreadAllocatedBytes();
    }

    @Test
    void newAndEstablishedConnectionsShouldAllocateNothing()
    {
        for (final ForwardingMethod method : ForwardingMethod.values())
        {
            final int port = method == ForwardingMethod.DR || method == ForwardingMethod.TUN ? 80 : 8080;
            final ForwardingCore core = new ForwardingCore(config(service(tcp(VIP, 80, SchedulerKind.WLC),
                rs(RS1, port, method), rs(RS2, port, method))).capacity(40_000, 16)
                .fullnat(java.util.List.of(LOCAL), 1024, 65535).portMac(DIRECTOR_MAC).ipv4(CoreHarness.OWN4),
                (buffer, offset, length) -> { }, 0);
            final int flows = 2_000;
            final UnsafeBuffer[] syns = new UnsafeBuffer[2 * flows];
            final UnsafeBuffer[] acks = new UnsafeBuffer[2 * flows];
            for (int i = 0; i < 2 * flows; i++)
            {
                final IpAddress client = IpAddress.ofIpv4(0xCB000000 + i);
                syns[i] = new UnsafeBuffer(FrameWriter.frame().macs(CLIENT_MAC, DIRECTOR_MAC).ip(client, VIP)
                    .tcp(1000, 80, TcpHeader.SYN, 1, 0, new byte[0]));
                acks[i] = new UnsafeBuffer(FrameWriter.frame().macs(CLIENT_MAC, DIRECTOR_MAC).ip(client, VIP)
                    .tcp(1000, 80, TcpHeader.ACK, 2, 1, new byte[16]));
            }
            // Warm-up on the first half, measure on the second (new entries, new template-free flows).
            run(core, syns, acks, 0, flows);
            final long before = allocated();
            run(core, syns, acks, flows, 2 * flows);
            final long bytes = allocated() - before;
            // A single allocation per frame, even 16 bytes, would show as 160 KB over these 10,000 frames; what is
            // left (a few hundred bytes) is the JVM's own bookkeeping around the measurement and compilation.
            assertThat(bytes).as("%s: bytes allocated for %d new connections and %d established segments", method,
                flows, 4 * flows).isLessThan(4096);
        }
    }

    private static void run(final ForwardingCore core, final UnsafeBuffer[] syns, final UnsafeBuffer[] acks, final int from, final int to)
    {
        for (int i = from; i < to; i++)
        {
            // Frames are rewritten in place (NAT, FULLNAT): each one is processed once.
            if (core.process(syns[i], 0, syns[i].capacity(), 1_000) != Verdict.FORWARDED)
            {
                throw new AssertionError("SYN " + i + " not forwarded");
            }
        }
        for (int round = 0; round < 4; round++)
        {
            for (int i = from; i < to; i++)
            {
                final UnsafeBuffer ack = acks[i];
                if (round > 0 && ack.getByte(30) != (byte)0xC6)
                {
                    continue; // already translated by NAT/FULLNAT; not a client frame any more
                }
                core.process(ack, 0, ack.capacity(), 2_000);
            }
        }
    }
}
