package io.fleet.director.packet;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Timeout;

import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Jazzer fuzz targets for the parser. In a normal build they replay the inputs under
 * {@code src/test/resources/io/fleet/director/packet/PacketParserFuzzTestInputs/<method>/} (the golden frames
 * and every crash found so far); {@code JAZZER_FUZZ=1 mvn -pl director test -Dtest=PacketParserFuzzTest} fuzzes.
 *
 * <p>A finding is any exception (the exactly-sized buffer turns every read past the frame into one) or a
 * broken invariant of an accepted frame: offsets inside the frame, ports only where they exist, and the same
 * answer whether the frame sits alone or inside a larger buffer. The timeout covers a fuzzing run (each
 * target stops itself after 5 minutes); replaying the inputs takes seconds.
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class PacketParserFuzzTest
{
    private final PacketParser parser = new PacketParser();
    private final ParsedPacket alone = new ParsedPacket();
    private final ParsedPacket embedded = new ParsedPacket();

    @FuzzTest(maxDuration = "5m")
    void parseAnyFrame(final byte[] frame)
    {
        check(frame);
    }

    /**
     * The same, but with the IPv4 header checksum repaired before parsing, so that mutations reach the
     * transport and ICMP layers instead of stopping at {@link ParseError#IPV4_BAD_HEADER_CHECKSUM}.
     */
    @FuzzTest(maxDuration = "5m")
    void parseWithRepairedIpv4Checksum(final byte[] frame)
    {
        repairIpv4Checksums(frame);
        check(frame);
    }

    private void check(final byte[] frame)
    {
        final int code = parser.parse(new UnsafeBuffer(frame), 0, frame.length, alone);
        assertThat(code == ParseResult.OK || ParseError.of(code) != null).as("code %d", code).isTrue();

        final byte[] larger = new byte[frame.length + 64];
        Arrays.fill(larger, (byte)0x5A);
        System.arraycopy(frame, 0, larger, 32, frame.length);
        final int again = parser.parse(new UnsafeBuffer(larger), 32, frame.length, embedded);
        assertThat(again).as("same verdict inside a larger buffer").isEqualTo(code);
        if (code != ParseResult.OK)
        {
            return;
        }
        assertThat(embedded.l4Offset - 32).isEqualTo(alone.ipVersion == 0 ? -32 : alone.l4Offset);
        assertThat(embedded.srcPort).isEqualTo(alone.srcPort);
        assertThat(embedded.innerDstPort).isEqualTo(alone.innerDstPort);

        final ParsedPacket p = alone;
        final int end = frame.length;
        assertThat(p.l3Offset).isBetween(14, 18);
        if (p.ipVersion == 0)
        {
            assertThat(p.etherType).isEqualTo(EthernetHeader.ETHER_TYPE_ARP);
            assertThat(p.l3Offset + ArpPacket.LENGTH).isLessThanOrEqualTo(end);
            return;
        }
        assertThat(p.ipEnd()).isLessThanOrEqualTo(end);
        assertThat(p.l4Offset).isEqualTo(p.l3Offset + p.l3HeaderLength);
        assertThat(p.l4Offset).isLessThanOrEqualTo(p.ipEnd());
        assertThat(p.payloadOffset).isBetween(p.l4Offset, p.ipEnd());
        assertThat(p.srcPort).isBetween(0, 65535);
        assertThat(p.dstPort).isBetween(0, 65535);
        if (p.fragmentOffset != 0)
        {
            assertThat(p.srcPort | p.dstPort | p.tcpFlags).as("a later fragment has no transport header").isZero();
            assertThat(p.fragment).isTrue();
        }
        if (p.icmpError)
        {
            assertThat(p.innerL3Offset).isEqualTo(p.l4Offset + 8);
            assertThat(p.innerL4Offset).isEqualTo(p.innerL3Offset + p.innerL3HeaderLength);
            assertThat(p.innerL4Offset).isLessThanOrEqualTo(p.ipEnd());
            if (p.innerSrcPort != 0 || p.innerDstPort != 0)
            {
                assertThat(p.innerL4Offset + 8).as("quoted ports are read from 8 quoted bytes").isLessThanOrEqualTo(p.ipEnd());
            }
        }
    }

    /** Rewrites the header checksum of an IPv4 frame (tagged or not) if the header is there to sum. */
    static void repairIpv4Checksums(final byte[] frame)
    {
        if (frame.length < 14)
        {
            return;
        }
        final UnsafeBuffer b = new UnsafeBuffer(frame);
        int l3 = 14;
        int etherType = b.getShort(12, ByteOrder.BIG_ENDIAN) & 0xFFFF;
        if (etherType == EthernetHeader.ETHER_TYPE_VLAN && frame.length >= 18)
        {
            etherType = b.getShort(16, ByteOrder.BIG_ENDIAN) & 0xFFFF;
            l3 = 18;
        }
        if (etherType != EthernetHeader.ETHER_TYPE_IPV4 || frame.length < l3 + 20)
        {
            return;
        }
        final int headerLength = (frame[l3] & 0x0F) * 4;
        if (headerLength >= 20 && l3 + headerLength <= frame.length)
        {
            new Ipv4Header().wrap(b, l3).updateHeaderChecksum();
        }
    }
}
