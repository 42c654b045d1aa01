package io.fleet.director.packet;

import io.fleet.director.service.IpAddress;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * FrameWriter against the golden frames byte for byte (they come from an independent generator), and every frame
 * it builds checked with the plain reference checksum, pseudo-header assembled here from the frame's bytes.
 */
@Timeout(30)
class FrameWriterTest
{
    static final long MAC_A = 0x5254_00AB_CDEFL;      // 52:54:00:ab:cd:ef, the golden frames' source
    static final long MAC_B = 0x5254_0012_3456L;      // 52:54:00:12:34:56, their destination
    static final int C4 = 0xCB007101;                 // 203.0.113.1
    static final int V4 = 0xC633640A;                 // 198.51.100.10
    static final IpAddress C6 = IpAddress.parse("test", "2001:db8::1");
    static final IpAddress V6 = IpAddress.parse("test", "2001:db8::10");
    static final byte[] MSS_1460 = HexFormat.of().parseHex("020405b4");

    private final PacketParser parser = new PacketParser();

    private static FrameWriter golden()
    {
        // The golden generator's defaults: identification 0x1c46, DF, TTL 64, window 64240.
        return FrameWriter.frame().macs(MAC_A, MAC_B).identification(0x1C46).dontFragment(true).window(64240);
    }

    private static byte[] ascii(final String s)
    {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static void assertSameAsGolden(final byte[] built, final String name)
    {
        assertThat(HexFormat.of().formatHex(built)).as(name).isEqualTo(HexFormat.of().formatHex(GoldenFrames.get(name)));
    }

    @Test
    void shouldBuildTheGoldenIpv4FramesByteForByte()
    {
        assertSameAsGolden(golden().ipv4(C4, V4).tcpOptions(MSS_1460).tcp(40000, 80, TcpHeader.SYN, 1000, 0, new byte[0]),
            "ipv4_tcp_syn");
        assertSameAsGolden(golden().vlan(0x2064).identification(0x0101).dontFragment(false).ipv4(C4, V4)
            .udp(5353, 53, ascii("hello")), "vlan_ipv4_udp");
        assertSameAsGolden(golden().ipv4(C4, V4).ttl(63).ipv4Options(HexFormat.of().parseHex("9404000001010100"))
            .tcp(40000, 80, TcpHeader.PSH | TcpHeader.ACK, 1001, 5001, ascii("GET / HTTP/1.0\r\n\r\n")),
            "ipv4_options_tcp_ack");
        assertSameAsGolden(golden().dontFragment(false).ipv4(C4, V4).icmpEcho(true, 0x1234, 1, ascii("ping-payload")),
            "ipv4_icmp_echo");
    }

    @Test
    void shouldBuildTheGoldenIcmpv4ErrorsByteForByte()
    {
        final byte[] reply = golden().identification(0x2222).ipv4(V4, C4)
            .tcp(80, 40000, TcpHeader.ACK, 7000, 1001, ascii("x".repeat(100)));
        assertSameAsGolden(golden().dontFragment(false).ttl(255).ipv4(0xC00002FE, V4)
            .icmpError(IcmpHeader.V4_DESTINATION_UNREACHABLE, IcmpHeader.V4_CODE_FRAGMENTATION_NEEDED, 1400, reply, 28),
            "ipv4_icmp_frag_needed");

        final byte[] probe = golden().identification(0x3333).dontFragment(false).ttl(1).ipv4(C4, 0xC0000263)
            .udp(33434, 33435, new byte[32]);
        assertSameAsGolden(golden().dontFragment(false).ipv4(0xC0000201, C4)
            .icmpError(IcmpHeader.V4_TIME_EXCEEDED, 0, 0, probe), "ipv4_icmp_time_exceeded");
    }

    @Test
    void shouldCutTheGoldenIpv4FragmentsByteForByte()
    {
        final byte[] whole = golden().identification(0xABCD).dontFragment(false).ipv4(C4, V4)
            .udp(5000, 53, ascii("A".repeat(1600)));
        final List<byte[]> fragments = FrameWriter.fragmentIpv4(whole, 1480);
        assertThat(fragments).hasSize(2);
        assertSameAsGolden(fragments.get(0), "ipv4_first_fragment_udp");
        assertSameAsGolden(fragments.get(1), "ipv4_later_fragment_udp");
    }

    @Test
    void shouldBuildTheGoldenArpFramesByteForByte()
    {
        assertSameAsGolden(golden().arpRequest(0xC6336401, V4), "arp_request");
        assertSameAsGolden(golden().padToMinimum(true).arpReply(V4, MAC_B, 0xC6336401), "arp_reply_padded");
    }

    @Test
    void shouldBuildTheGoldenIpv6FramesByteForByte()
    {
        assertSameAsGolden(golden().ipv6(V6, C6).tcp(443, 50000, TcpHeader.SYN | TcpHeader.ACK, 9000, 1001, new byte[0]),
            "ipv6_tcp_synack");
        assertSameAsGolden(golden().ipv6(C6, V6)
            .ipv6Extension(Ipv6Header.NEXT_HEADER_HOP_BY_HOP, 8)
            .ipv6Extension(Ipv6Header.NEXT_HEADER_DESTINATION_OPTIONS, 16)
            .ipv6Extension(Ipv6Header.NEXT_HEADER_ROUTING, 8)
            .udp(7000, 7001, ascii("ext")), "ipv6_ext_udp");
        assertSameAsGolden(golden().ipv6(C6, V6).icmpEcho(true, 0x7777, 5, ascii("abcdefgh")), "icmpv6_echo");
        assertSameAsGolden(golden().ipv6(C6, V6).neighbourSolicitation(V6), "icmpv6_neighbour_solicitation");

        final byte[] reply = golden().ipv6(V6, C6).tcp(443, 50000, TcpHeader.ACK, 9001, 1001, ascii("y".repeat(1400)));
        assertSameAsGolden(golden().ttl(255).ipv6(IpAddress.parse("test", "2001:db8:ffff::1"), V6)
            .icmpError(IcmpHeader.V6_PACKET_TOO_BIG, 0, 1280, reply), "icmpv6_packet_too_big");

        final List<byte[]> fragments = FrameWriter.fragmentIpv6(
            golden().ipv6(C6, V6).udp(7000, 53, ascii("B".repeat(1300))), 1232, 0xDEADBEEF);
        assertThat(fragments).hasSize(2);
        assertSameAsGolden(fragments.get(0), "ipv6_first_fragment_udp");
        assertSameAsGolden(fragments.get(1), "ipv6_later_fragment_udp");
    }

    @Test
    void shouldBuildANeighbourAdvertisementWithItsTargetLinkLayerAddress()
    {
        final byte[] na = FrameWriter.frame().macs(MAC_A, MAC_B).ipv6(V6, C6)
            .neighbourAdvertisement(V6, false, true, true);
        final ParsedPacket p = parseOk(na);
        assertThat(p.icmpType).isEqualTo(IcmpHeader.V6_NEIGHBOR_ADVERTISEMENT);
        assertThat(p.ttl).isEqualTo(255);
        assertThat(transportChecksumValid(na, p)).isTrue();
        final UnsafeBuffer b = new UnsafeBuffer(na);
        assertThat(new IcmpHeader().wrap(b, p.l4Offset).restOfHeader()).as("S and O flags").isEqualTo(0x6000_0000);
        assertThat(IpAddress.ofBytes(Arrays.copyOfRange(na, p.l4Offset + 8, p.l4Offset + 24))).isEqualTo(V6);
        assertThat(na[p.l4Offset + 24]).as("option: target link-layer address").isEqualTo((byte)2);
        assertThat(EthernetHeader.readMac(b, p.l4Offset + 26)).isEqualTo(MAC_A);
    }

    @Test
    void shouldWriteAZeroChecksumForUdpOverIpv4WhenToldAndNeverOverIpv6()
    {
        final byte[] v4 = FrameWriter.frame().udpChecksum(false).ipv4(C4, V4).udp(1, 2, ascii("x"));
        final ParsedPacket p = parseOk(v4);
        assertThat(new UdpHeader().wrap(new UnsafeBuffer(v4), p.l4Offset).checksum()).isZero();

        final byte[] v6 = FrameWriter.frame().udpChecksum(false).ipv6(C6, V6).udp(1, 2, ascii("x"));
        final ParsedPacket q = parseOk(v6);
        assertThat(new UdpHeader().wrap(new UnsafeBuffer(v6), q.l4Offset).checksum()).isNotZero();
        assertThat(transportChecksumValid(v6, q)).isTrue();
    }

    @Test
    void shouldBuildFramesWhoseChecksumsTheReferenceAccepts()
    {
        for (final byte[] frame : TcpdumpCheckTest.sampleFrames())
        {
            final ParsedPacket p = new ParsedPacket();
            final int code = parser.parse(new UnsafeBuffer(frame), 0, frame.length, p);
            assertThat(ParseResult.describe(code)).isEqualTo("OK");
            if (p.ipVersion == 4)
            {
                assertThat(ReferenceChecksum.referenceFold(frame, p.l3Offset, p.l3HeaderLength)).isEqualTo(0xFFFF);
            }
            if (p.ipVersion != 0 && !p.fragment)
            {
                assertThat(transportChecksumValid(frame, p)).as("%s", p).isTrue();
            }
        }
    }

    private ParsedPacket parseOk(final byte[] frame)
    {
        final ParsedPacket p = new ParsedPacket();
        assertThat(ParseResult.describe(parser.parse(new UnsafeBuffer(frame), 0, frame.length, p))).isEqualTo("OK");
        return p;
    }

    /**
     * The receiver's check, done the plain way: pseudo-header (for all but ICMPv4) built here from the frame's
     * address bytes, plus the transport bytes, must sum to all ones. UDP over IPv4 with checksum 0 passes.
     */
    static boolean transportChecksumValid(final byte[] frame, final ParsedPacket p)
    {
        final int l4Length = p.ipEnd() - p.l4Offset;
        final byte[] transport = Arrays.copyOfRange(frame, p.l4Offset, p.ipEnd());
        if (p.ipVersion == 4 && p.l4Protocol == 1)
        {
            return ReferenceChecksum.referenceFold(transport, 0, transport.length) == 0xFFFF;
        }
        if (p.ipVersion == 4 && p.l4Protocol == 17 && transport[6] == 0 && transport[7] == 0)
        {
            return true;
        }
        final byte[] pseudo;
        if (p.ipVersion == 4)
        {
            pseudo = new byte[12];
            System.arraycopy(frame, p.l3Offset + 12, pseudo, 0, 8);
            pseudo[9] = (byte)p.l4Protocol;
            pseudo[10] = (byte)(l4Length >>> 8);
            pseudo[11] = (byte)l4Length;
        }
        else
        {
            pseudo = new byte[40];
            System.arraycopy(frame, p.l3Offset + 8, pseudo, 0, 32);
            pseudo[34] = (byte)(l4Length >>> 8);
            pseudo[35] = (byte)l4Length;
            pseudo[39] = (byte)p.l4Protocol;
        }
        final byte[] all = new byte[pseudo.length + transport.length];
        System.arraycopy(pseudo, 0, all, 0, pseudo.length);
        System.arraycopy(transport, 0, all, pseudo.length, transport.length);
        return ReferenceChecksum.referenceFold(all, 0, all.length) == 0xFFFF;
    }
}
