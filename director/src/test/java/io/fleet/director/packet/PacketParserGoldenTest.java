package io.fleet.director.packet;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Golden frames (hand-built from the RFC layouts by {@code golden_frames.py}, cross-checked with tcpdump) and the
 * fields the parser must report; every bad frame is wrong in exactly one way and must give exactly that reason.
 */
@Timeout(30)
class PacketParserGoldenTest
{
    private static final int CLIENT4 = 0xCB007101;      // 203.0.113.1
    private static final int VIP4 = 0xC633640A;         // 198.51.100.10
    private static final int GATEWAY4 = 0xC6336401;     // 198.51.100.1
    private static final int DB8 = 0x20010DB8;          // 2001:db8::/32

    private final PacketParser parser = new PacketParser();
    private final ParsedPacket p = new ParsedPacket();

    private ParsedPacket parseOk(final String name)
    {
        final byte[] frame = GoldenFrames.get(name);
        final int code = parser.parse(new UnsafeBuffer(frame), 0, frame.length, p);
        assertThat(ParseResult.describe(code)).as(name).isEqualTo("OK");
        return p;
    }

    @Test
    void shouldReportEveryFieldOfAnIpv4TcpSyn()
    {
        parseOk("ipv4_tcp_syn");
        assertThat(p.vlanTci).isEqualTo(ParsedPacket.NO_VLAN);
        assertThat(p.etherType).isEqualTo(0x0800);
        assertThat(p.l3Offset).isEqualTo(14);
        assertThat(p.ipVersion).isEqualTo(4);
        assertThat(p.l3HeaderLength).isEqualTo(20);
        assertThat(p.ipTotalLength).isEqualTo(44);
        assertThat(p.ttl).isEqualTo(64);
        assertThat(p.dontFragment).isTrue();
        assertThat(new int[] {p.src0, p.src1, p.src2, p.src3}).containsExactly(0, 0, 0, CLIENT4);
        assertThat(new int[] {p.dst0, p.dst1, p.dst2, p.dst3}).containsExactly(0, 0, 0, VIP4);
        assertThat(p.l4Protocol).isEqualTo(6);
        assertThat(p.l4Offset).isEqualTo(34);
        assertThat(p.srcPort).isEqualTo(40000);
        assertThat(p.dstPort).isEqualTo(80);
        assertThat(p.tcpFlags).isEqualTo(TcpHeader.SYN);
        assertThat(p.payloadOffset).as("after 24 bytes of TCP header with MSS").isEqualTo(58);
        assertThat(p.fragment).isFalse();
        assertThat(p.fragmentId).isZero();
        assertThat(p.icmpType).isEqualTo(-1);
        assertThat(p.hasPorts()).isTrue();
    }

    @Test
    void shouldReadThroughOneVlanTag()
    {
        parseOk("vlan_ipv4_udp");
        assertThat(p.vlanTci).isEqualTo(0x2064);
        assertThat(p.etherType).isEqualTo(0x0800);
        assertThat(p.l3Offset).isEqualTo(18);
        assertThat(p.ipTotalLength).isEqualTo(33);
        assertThat(p.dontFragment).isFalse();
        assertThat(p.l4Protocol).isEqualTo(17);
        assertThat(p.srcPort).isEqualTo(5353);
        assertThat(p.dstPort).isEqualTo(53);
        assertThat(p.payloadOffset).isEqualTo(46);
    }

    @Test
    void shouldSkipIpv4Options()
    {
        parseOk("ipv4_options_tcp_ack");
        assertThat(p.l3HeaderLength).isEqualTo(28);
        assertThat(p.l4Offset).isEqualTo(42);
        assertThat(p.ttl).isEqualTo(63);
        assertThat(p.tcpFlags).isEqualTo(TcpHeader.PSH | TcpHeader.ACK);
        assertThat(p.payloadOffset).isEqualTo(62);
        assertThat(p.ipEnd()).isEqualTo(80);
    }

    @Test
    void shouldUseTheEchoIdentifierAsBothPorts()
    {
        parseOk("ipv4_icmp_echo");
        assertThat(p.l4Protocol).isEqualTo(1);
        assertThat(p.icmpType).isEqualTo(8);
        assertThat(p.icmpCode).isZero();
        assertThat(p.srcPort).isEqualTo(0x1234);
        assertThat(p.dstPort).isEqualTo(0x1234);
        assertThat(p.icmpError).isFalse();

        parseOk("icmpv6_echo");
        assertThat(p.l4Protocol).isEqualTo(58);
        assertThat(p.icmpType).isEqualTo(128);
        assertThat(p.srcPort).isEqualTo(0x7777);
        assertThat(p.dstPort).isEqualTo(0x7777);
    }

    @Test
    void shouldDescribeThePacketAFragmentationNeededErrorQuotes()
    {
        parseOk("ipv4_icmp_frag_needed");
        assertThat(p.src3).isEqualTo(0xC00002FE);
        assertThat(p.icmpType).isEqualTo(3);
        assertThat(p.icmpCode).isEqualTo(4);
        assertThat(p.icmpError).isTrue();
        assertThat(p.innerL3Offset).isEqualTo(42);
        assertThat(p.innerIpVersion).isEqualTo(4);
        assertThat(p.innerL3HeaderLength).isEqualTo(20);
        assertThat(p.innerProtocol).isEqualTo(6);
        assertThat(p.innerL4Offset).isEqualTo(62);
        assertThat(p.innerSrc3).as("the quoted packet went from the VIP to the client").isEqualTo(VIP4);
        assertThat(p.innerDst3).isEqualTo(CLIENT4);
        assertThat(p.innerSrcPort).isEqualTo(80);
        assertThat(p.innerDstPort).isEqualTo(40000);
        assertThat(p.srcPort).as("an ICMP error has no ports of its own").isZero();
    }

    @Test
    void shouldDescribeThePacketATimeExceededQuotes()
    {
        parseOk("ipv4_icmp_time_exceeded");
        assertThat(p.icmpType).isEqualTo(11);
        assertThat(p.innerProtocol).isEqualTo(17);
        assertThat(p.innerSrc3).isEqualTo(CLIENT4);
        assertThat(p.innerDst3).isEqualTo(0xC0000263);
        assertThat(p.innerSrcPort).isEqualTo(33434);
        assertThat(p.innerDstPort).isEqualTo(33435);
    }

    @Test
    void shouldGiveTheFirstIpv4FragmentItsPortsAndLaterOnesNone()
    {
        parseOk("ipv4_first_fragment_udp");
        assertThat(p.fragment).isTrue();
        assertThat(p.moreFragments).isTrue();
        assertThat(p.fragmentOffset).isZero();
        assertThat(p.fragmentId).isEqualTo(0xABCD);
        assertThat(p.srcPort).isEqualTo(5000);
        assertThat(p.dstPort).isEqualTo(53);

        parseOk("ipv4_later_fragment_udp");
        assertThat(p.fragment).isTrue();
        assertThat(p.moreFragments).isFalse();
        assertThat(p.fragmentOffset).isEqualTo(1480);
        assertThat(p.fragmentId).isEqualTo(0xABCD);
        assertThat(p.l4Protocol).isEqualTo(17);
        assertThat(p.srcPort).isZero();
        assertThat(p.dstPort).isZero();
        assertThat(p.hasPorts()).isFalse();
    }

    @Test
    void shouldReportArpAddresses()
    {
        parseOk("arp_request");
        assertThat(p.etherType).isEqualTo(0x0806);
        assertThat(p.ipVersion).isZero();
        assertThat(p.arpOperation).isEqualTo(ArpPacket.OPERATION_REQUEST);
        assertThat(p.src3).isEqualTo(GATEWAY4);
        assertThat(p.dst3).isEqualTo(VIP4);

        parseOk("arp_reply_padded");
        assertThat(p.arpOperation).isEqualTo(ArpPacket.OPERATION_REPLY);
        assertThat(p.src3).isEqualTo(VIP4);
        assertThat(p.dst3).isEqualTo(GATEWAY4);
    }

    @Test
    void shouldReportEveryFieldOfAnIpv6TcpSynAck()
    {
        parseOk("ipv6_tcp_synack");
        assertThat(p.etherType).isEqualTo(0x86DD);
        assertThat(p.ipVersion).isEqualTo(6);
        assertThat(p.l3HeaderLength).isEqualTo(40);
        assertThat(p.ipTotalLength).isEqualTo(60);
        assertThat(p.ttl).isEqualTo(64);
        assertThat(new int[] {p.src0, p.src1, p.src2, p.src3}).containsExactly(DB8, 0, 0, 0x10);
        assertThat(new int[] {p.dst0, p.dst1, p.dst2, p.dst3}).containsExactly(DB8, 0, 0, 1);
        assertThat(p.srcWord(0)).isEqualTo(DB8);
        assertThat(p.dstWord(3)).isEqualTo(1);
        assertThat(p.l4Protocol).isEqualTo(6);
        assertThat(p.l4Offset).isEqualTo(54);
        assertThat(p.srcPort).isEqualTo(443);
        assertThat(p.dstPort).isEqualTo(50000);
        assertThat(p.tcpFlags).isEqualTo(TcpHeader.SYN | TcpHeader.ACK);
    }

    @Test
    void shouldWalkHopByHopDestinationAndRoutingHeaders()
    {
        parseOk("ipv6_ext_udp");
        assertThat(p.l3HeaderLength).isEqualTo(40 + 32);
        assertThat(p.l4Protocol).isEqualTo(17);
        assertThat(p.l4Offset).isEqualTo(86);
        assertThat(p.ipTotalLength).isEqualTo(83);
        assertThat(p.srcPort).isEqualTo(7000);
        assertThat(p.dstPort).isEqualTo(7001);
        assertThat(p.fragment).isFalse();
    }

    @Test
    void shouldGiveTheFirstIpv6FragmentItsPortsAndLaterOnesNone()
    {
        parseOk("ipv6_first_fragment_udp");
        assertThat(p.l3HeaderLength).isEqualTo(48);
        assertThat(p.fragment).isTrue();
        assertThat(p.moreFragments).isTrue();
        assertThat(p.fragmentOffset).isZero();
        assertThat(p.fragmentId).isEqualTo(0xDEADBEEF);
        assertThat(p.srcPort).isEqualTo(7000);
        assertThat(p.dstPort).isEqualTo(53);

        parseOk("ipv6_later_fragment_udp");
        assertThat(p.fragment).isTrue();
        assertThat(p.moreFragments).isFalse();
        assertThat(p.fragmentOffset).isEqualTo(1232);
        assertThat(p.fragmentId).isEqualTo(0xDEADBEEF);
        assertThat(p.l4Protocol).isEqualTo(17);
        assertThat(p.l4Offset).isEqualTo(62);
        assertThat(p.srcPort).isZero();
        assertThat(p.dstPort).isZero();
    }

    @Test
    void shouldDescribeThePacketAPacketTooBigQuotes()
    {
        parseOk("icmpv6_packet_too_big");
        assertThat(new int[] {p.src0, p.src1, p.src2, p.src3}).containsExactly(DB8, 0xFFFF0000, 0, 1);
        assertThat(p.ttl).isEqualTo(255);
        assertThat(p.icmpType).isEqualTo(2);
        assertThat(p.icmpError).isTrue();
        assertThat(p.innerIpVersion).isEqualTo(6);
        assertThat(p.innerL3Offset).isEqualTo(62);
        assertThat(p.innerL3HeaderLength).isEqualTo(40);
        assertThat(p.innerL4Offset).isEqualTo(102);
        assertThat(p.innerProtocol).isEqualTo(6);
        assertThat(new int[] {p.innerSrc0, p.innerSrc1, p.innerSrc2, p.innerSrc3}).containsExactly(DB8, 0, 0, 0x10);
        assertThat(new int[] {p.innerDst0, p.innerDst1, p.innerDst2, p.innerDst3}).containsExactly(DB8, 0, 0, 1);
        assertThat(p.innerSrcPort).isEqualTo(443);
        assertThat(p.innerDstPort).isEqualTo(50000);
    }

    @Test
    void shouldParseANeighbourSolicitationAsPlainIcmpv6()
    {
        parseOk("icmpv6_neighbour_solicitation");
        assertThat(p.icmpType).isEqualTo(IcmpHeader.V6_NEIGHBOR_SOLICITATION);
        assertThat(p.icmpError).isFalse();
        assertThat(new int[] {p.dst0, p.dst1, p.dst2, p.dst3}).containsExactly(0xFF020000, 0, 1, 0xFF000010);
        assertThat(p.ttl).isEqualTo(255);
        assertThat(p.payloadOffset).as("the target address follows the 8-byte ICMP header").isEqualTo(62);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "bad_unknown_ethertype, UNKNOWN_ETHER_TYPE",
        "bad_qinq, UNKNOWN_ETHER_TYPE",
        "bad_arp_hardware, UNSUPPORTED_ARP",
        "bad_ipv4_version, IPV4_BAD_VERSION",
        "bad_ipv4_ihl, IPV4_BAD_IHL",
        "bad_ipv4_total_length_short, IPV4_BAD_TOTAL_LENGTH",
        "bad_ipv4_total_length_long, IPV4_TOTAL_LENGTH_BEYOND_FRAME",
        "bad_ipv4_checksum, IPV4_BAD_HEADER_CHECKSUM",
        "bad_ipv4_ping_of_death, IPV4_BAD_FRAGMENT",
        "bad_tcp_data_offset, TCP_BAD_DATA_OFFSET",
        "bad_tcp_options_beyond_packet, TRUNCATED_TCP",
        "bad_udp_length_long, UDP_BAD_LENGTH",
        "bad_udp_length_short, UDP_BAD_LENGTH",
        "bad_udp_header_short, TRUNCATED_UDP",
        "bad_icmp_short, TRUNCATED_ICMP",
        "bad_icmp_quote_short, TRUNCATED_QUOTED_PACKET",
        "bad_icmp_quote_not_ipv4, BAD_QUOTED_PACKET",
        "bad_ipv6_version, IPV6_BAD_VERSION",
        "bad_ipv6_payload_long, IPV6_PAYLOAD_BEYOND_FRAME",
        "bad_ipv6_chain_too_long, IPV6_EXTENSION_CHAIN_TOO_LONG",
        "bad_ipv6_extension_truncated, TRUNCATED_IPV6_EXTENSION",
        "bad_ipv6_hop_by_hop_second, IPV6_MISPLACED_HOP_BY_HOP",
        "bad_icmpv6_quote_short, TRUNCATED_QUOTED_PACKET",
    })
    void shouldRefuseAFrameWithOneFaultForThatReason(final String name, final ParseError expected)
    {
        final byte[] frame = GoldenFrames.get(name);
        assertThat(ParseError.of(parser.parse(new UnsafeBuffer(frame), 0, frame.length, p))).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0} cut to {1} bytes -> {2}")
    @CsvSource({
        "ipv4_tcp_syn, 0, TRUNCATED_ETHERNET",
        "ipv4_tcp_syn, 13, TRUNCATED_ETHERNET",
        "ipv4_tcp_syn, 14, TRUNCATED_IPV4",
        "ipv4_tcp_syn, 33, TRUNCATED_IPV4",
        "ipv4_tcp_syn, 57, IPV4_TOTAL_LENGTH_BEYOND_FRAME",
        "ipv4_options_tcp_ack, 40, TRUNCATED_IPV4",
        "vlan_ipv4_udp, 17, TRUNCATED_VLAN",
        "arp_request, 41, TRUNCATED_ARP",
        "ipv6_tcp_synack, 53, TRUNCATED_IPV6",
        "ipv6_tcp_synack, 73, IPV6_PAYLOAD_BEYOND_FRAME",
    })
    void shouldNameTheLayerATruncatedFrameEndsIn(final String name, final int length, final ParseError expected)
    {
        final byte[] frame = GoldenFrames.get(name);
        assertThat(ParseError.of(parser.parse(new UnsafeBuffer(frame), 0, length, p))).isEqualTo(expected);
    }

    static Stream<String> validFrames()
    {
        return GoldenFrames.FRAMES.keySet().stream().filter(n -> !n.startsWith("bad_"));
    }

    @ParameterizedTest
    @MethodSource("validFrames")
    void shouldRefuseEveryTruncationOfAValidFrameWithAReasonNeverAnException(final String name)
    {
        final byte[] frame = GoldenFrames.get(name);
        // The padded ARP reply is complete after 42 bytes: what follows is Ethernet padding.
        final int complete = name.equals("arp_reply_padded") ? 42 : frame.length;
        final UnsafeBuffer buffer = new UnsafeBuffer(frame);
        for (int length = 0; length < frame.length; length++)
        {
            final int code = parser.parse(buffer, 0, length, p);
            if (length < complete)
            {
                assertThat(ParseError.of(code)).as("%s cut to %d bytes", name, length).isNotNull();
            }
            else
            {
                assertThat(code).as("%s cut to %d bytes", name, length).isEqualTo(ParseResult.OK);
            }
        }
        assertThat(parser.parse(buffer, 0, frame.length, p)).isEqualTo(ParseResult.OK);
    }

    @ParameterizedTest
    @MethodSource("validFrames")
    void shouldParseAFrameInTheMiddleOfALargerBufferTheSame(final String name)
    {
        final byte[] frame = GoldenFrames.get(name);
        parser.parse(new UnsafeBuffer(frame), 0, frame.length, p);
        final String alone = p.toString().replace("l3Offset=" + p.l3Offset, "").replaceAll("Offset=\\d+", "");

        final byte[] big = new byte[frame.length + 200];
        Arrays.fill(big, (byte)0xEE);
        System.arraycopy(frame, 0, big, 100, frame.length);
        final ParsedPacket q = new ParsedPacket();
        assertThat(parser.parse(new UnsafeBuffer(big), 100, frame.length, q)).isEqualTo(ParseResult.OK);
        assertThat(q.l3Offset).isEqualTo(p.l3Offset + 100);
        assertThat(q.l4Offset).isEqualTo(p.ipVersion == 0 ? 0 : p.l4Offset + 100);
        assertThat(q.frameOffset).isEqualTo(100);
        assertThat(q.toString().replace("l3Offset=" + q.l3Offset, "").replaceAll("Offset=\\d+", "")).isEqualTo(alone);
    }

    @Test
    void shouldReportARangeOutsideTheBufferInsteadOfThrowing()
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[64]);
        assertThat(ParseError.of(parser.parse(buffer, 10, 60, p))).isEqualTo(ParseError.INVALID_RANGE);
        assertThat(ParseError.of(parser.parse(buffer, -1, 20, p))).isEqualTo(ParseError.INVALID_RANGE);
        assertThat(ParseError.of(parser.parse(buffer, 0, -5, p))).isEqualTo(ParseError.INVALID_RANGE);
        assertThat(ParseError.of(parser.parse(buffer, Integer.MAX_VALUE, 10, p))).isEqualTo(ParseError.INVALID_RANGE);
    }

    @Test
    void shouldExerciseEveryReasonWithTheGoldenFrames()
    {
        final Set<ParseError> seen = EnumSet.noneOf(ParseError.class);
        final ParsedPacket out = new ParsedPacket();
        for (final byte[] frame : GoldenFrames.FRAMES.values())
        {
            final UnsafeBuffer buffer = new UnsafeBuffer(frame);
            for (int length = 0; length <= frame.length; length++)
            {
                final ParseError error = ParseError.of(parser.parse(buffer, 0, length, out));
                if (error != null)
                {
                    seen.add(error);
                }
            }
        }
        seen.add(ParseError.INVALID_RANGE);  // shouldReportARangeOutsideTheBufferInsteadOfThrowing
        assertThat(EnumSet.complementOf(EnumSet.copyOf(seen))).as("reasons no golden frame produces").isEmpty();
    }
}
