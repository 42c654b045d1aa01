package io.fleet.director.forward;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.fleet.director.packet.Checksums;
import io.fleet.director.packet.PacketParser;
import io.fleet.director.packet.ParseResult;
import io.fleet.director.packet.ParsedPacket;
import io.fleet.director.service.ForwardingMethod;
import io.fleet.director.service.SchedulerKind;
import io.fleet.director.service.VirtualService;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteOrder;
import java.util.List;

import static io.fleet.director.forward.CoreHarness.LOCAL;
import static io.fleet.director.forward.CoreHarness.RS1;
import static io.fleet.director.forward.CoreHarness.RS1_6;
import static io.fleet.director.forward.CoreHarness.RS2;
import static io.fleet.director.forward.CoreHarness.VIP;
import static io.fleet.director.forward.CoreHarness.VIP6;
import static io.fleet.director.forward.CoreHarness.config;
import static io.fleet.director.forward.CoreHarness.rs;
import static io.fleet.director.forward.CoreHarness.service;
import static io.fleet.director.forward.CoreHarness.tcp;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The whole core under arbitrary input: the fuzzer's bytes are cut into frames (two-byte length, then the
 * frame) and fed to a director with every method configured (DR :80, NAT :81, TUN :82, FULLNAT :83, UDP NAT
 * :53, persistent :443, IPv6 NAT :80), with the IPv4 header checksum repaired so mutations reach deeper.
 * Findings: any exception, a frame sent that does not parse, counters that do not add up. In a normal build the
 * inputs under {@code src/test/resources/io/fleet/director/forward/ForwardingCoreFuzzTestInputs/} replay.
 */
class ForwardingCoreFuzzTest
{
    private final PacketParser parser = new PacketParser();
    private final ParsedPacket parsed = new ParsedPacket();

    @FuzzTest(maxDuration = "10m")
    void processFrames(final byte[] input)
    {
        final int[] sent = {0};
        final ForwardingConfig c = config(
            service(tcp(VIP, 80, SchedulerKind.RR), rs(RS1, 80, ForwardingMethod.DR), rs(RS2, 80, ForwardingMethod.DR)),
            service(tcp(VIP, 81, SchedulerKind.WLC), rs(RS1, 8081, ForwardingMethod.NAT)),
            service(tcp(VIP, 82, SchedulerKind.SH), rs(RS1, 82, ForwardingMethod.TUN)),
            service(tcp(VIP, 83, SchedulerKind.SH), rs(RS2, 8083, ForwardingMethod.FULLNAT)),
            service(VirtualService.udp(VIP, 53).scheduler(SchedulerKind.RR).build(), rs(RS2, 5353, ForwardingMethod.NAT)),
            service(VirtualService.tcp(VIP, 443).persistence(60).build(), rs(RS1, 443, ForwardingMethod.DR)),
            service(tcp(VIP6, 80, SchedulerKind.LC), rs(RS1_6, 8080, ForwardingMethod.NAT)))
            .capacity(32, 32).fragments(64).neighbours(64).fullnat(List.of(LOCAL), 2000, 2015).syncRing(4096).mtu(1280)
            .portMac(CoreHarness.DIRECTOR_MAC).ipv4(CoreHarness.OWN4).ipv6(CoreHarness.OWN6);
        final ForwardingCore core = new ForwardingCore(c, (buffer, offset, length) ->
        {
            sent[0]++;
            final int rc = parser.parse(new UnsafeBuffer(copy(buffer, offset, length)), 0, length, parsed);
            assertThat(rc).as("a frame the core sends must parse: %s", ParseResult.describe(rc)).isEqualTo(ParseResult.OK);
        }, 0);
        long now = 0;
        int at = 0;
        int frames = 0;
        while (at + 2 <= input.length)
        {
            final int length = ((input[at] & 0xFF) << 8 | (input[at + 1] & 0xFF)) % 1600;
            at += 2;
            final int n = Math.min(length, input.length - at);
            final byte[] frame = new byte[n];
            System.arraycopy(input, at, frame, 0, n);
            at += n;
            repairIpv4Checksum(frame);
            now += 1_000_000_000L;
            core.poll(now);
            core.process(new UnsafeBuffer(frame), 0, frame.length, now);
            frames++;
        }
        // An hour on, then two minutes more: a template outlives the connections it placed by up to a minute.
        core.poll(now + 3_600_000_000_000L);
        core.poll(now + 3_720_000_000_000L);
        long verdicts = 0;
        for (final Verdict v : Verdict.values())
        {
            verdicts += core.counters().verdict(v);
        }
        assertThat(verdicts).isEqualTo(frames);
        assertThat(core.counters().framesOut()).isEqualTo(sent[0]);
        assertThat(core.table(false).size()).as("everything expired an hour later").isZero();
    }

    private static byte[] copy(final org.agrona.DirectBuffer b, final int offset, final int length)
    {
        final byte[] out = new byte[length];
        b.getBytes(offset, out);
        return out;
    }

    /** Fixes the header checksum of an untagged IPv4 frame, so that mutations get past it. */
    static void repairIpv4Checksum(final byte[] frame)
    {
        if (frame.length < 34 || frame[12] != 0x08 || frame[13] != 0x00)
        {
            return;
        }
        final int ihl = (frame[14] & 0x0F) * 4;
        if (ihl < 20 || 14 + ihl > frame.length)
        {
            return;
        }
        final UnsafeBuffer b = new UnsafeBuffer(frame);
        b.putShort(24, (short)0);
        b.putShort(24, (short)Checksums.checksum(b, 14, ihl), ByteOrder.BIG_ENDIAN);
    }
}
