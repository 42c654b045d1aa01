package io.fleet.director.forward;

import io.fleet.director.conn.TcpState;
import io.fleet.director.packet.FrameWriter;
import io.fleet.director.packet.IcmpHeader;
import io.fleet.director.packet.PacketParser;
import io.fleet.director.packet.ParseResult;
import io.fleet.director.packet.ParsedPacket;
import io.fleet.director.packet.TcpHeader;
import io.fleet.director.service.ForwardingMethod;
import io.fleet.director.service.IpAddress;
import io.fleet.director.service.SchedulerKind;
import io.fleet.director.service.VirtualService;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.fleet.director.forward.CoreHarness.CLIENT;
import static io.fleet.director.forward.CoreHarness.CLIENT6;
import static io.fleet.director.forward.CoreHarness.CLIENT_MAC;
import static io.fleet.director.forward.CoreHarness.DIRECTOR_MAC;
import static io.fleet.director.forward.CoreHarness.LOCAL;
import static io.fleet.director.forward.CoreHarness.OWN4;
import static io.fleet.director.forward.CoreHarness.RS1;
import static io.fleet.director.forward.CoreHarness.RS1_6;
import static io.fleet.director.forward.CoreHarness.RS1_MAC;
import static io.fleet.director.forward.CoreHarness.RS2;
import static io.fleet.director.forward.CoreHarness.RS2_MAC;
import static io.fleet.director.forward.CoreHarness.VIP;
import static io.fleet.director.forward.CoreHarness.VIP6;
import static io.fleet.director.forward.CoreHarness.config;
import static io.fleet.director.forward.CoreHarness.fromClient;
import static io.fleet.director.forward.CoreHarness.fromDirector;
import static io.fleet.director.forward.CoreHarness.rs;
import static io.fleet.director.forward.CoreHarness.service;
import static io.fleet.director.forward.CoreHarness.tcp;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Golden tables of the forwarding core, Katran style: a description, the input frame, the expected verdict and
 * the expected output frame. Expected frames are built from scratch by {@link FrameWriter}, which computes every
 * checksum in full, so they check the core's incremental (RFC 1624) updates independently.
 */
class ForwardingCoreGoldenTest
{
    private static final byte[] DATA = "GET / HTTP/1.1\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    record Golden(String description, byte[] in, Verdict verdict, byte[] out)
    {
    }

    private static void check(final CoreHarness h, final Golden g)
    {
        assertThat(h.send(g.in)).as(g.description).isEqualTo(g.verdict);
        if (g.out == null)
        {
            assertThat(h.out).as(g.description + ": no frame out").isEmpty();
        }
        else
        {
            assertThat(hex(h.only())).as(g.description).isEqualTo(hex(g.out));
        }
    }

    @Test
    void directRoutingShouldRewriteOnlyTheMacs()
    {
        final CoreHarness h = new CoreHarness(config(service(tcp(VIP, 80, SchedulerKind.RR),
            rs(RS1, 80, ForwardingMethod.DR), rs(RS2, 80, ForwardingMethod.DR))));
        for (final Golden g : List.of(
            new Golden("SYN to the VIP goes to RS1 (rr) with RS1's MAC",
                fromClient(CLIENT, VIP).tcp(40000, 80, TcpHeader.SYN, 1000, 0, new byte[0]),
                Verdict.FORWARDED,
                fromDirector(RS1_MAC, CLIENT, VIP).tcp(40000, 80, TcpHeader.SYN, 1000, 0, new byte[0])),
            new Golden("the connection's data follows it",
                fromClient(CLIENT, VIP).tcp(40000, 80, TcpHeader.ACK | TcpHeader.PSH, 1001, 5000, DATA),
                Verdict.FORWARDED,
                fromDirector(RS1_MAC, CLIENT, VIP).tcp(40000, 80, TcpHeader.ACK | TcpHeader.PSH, 1001, 5000, DATA)),
            new Golden("another connection goes to RS2",
                fromClient(CLIENT, VIP).tcp(40001, 80, TcpHeader.SYN, 7, 0, new byte[0]),
                Verdict.FORWARDED,
                fromDirector(RS2_MAC, CLIENT, VIP).tcp(40001, 80, TcpHeader.SYN, 7, 0, new byte[0]))))
        {
            check(h, g);
        }
        final int e = h.core.table(false).find(new io.fleet.director.service.FlowKey().ipv4(6, CLIENT.ipv4(), 40000, VIP.ipv4(), 80));
        assertThat(TcpState.name(h.core.table(false).state(e))).isEqualTo("ESTABLISHED");
        assertThat(h.core.destination(0).server().activeConnections()).isEqualTo(1);
        assertThat(h.core.destination(1).server().inactiveConnections()).isEqualTo(1);
    }

    @Test
    void natShouldRewriteTheDestinationAndTranslateRepliesBack()
    {
        final CoreHarness h = new CoreHarness(config(service(tcp(VIP, 80, SchedulerKind.WLC),
            rs(RS1, 8080, ForwardingMethod.NAT))));
        for (final Golden g : List.of(
            new Golden("SYN: destination VIP:80 becomes RS1:8080",
                fromClient(CLIENT, VIP).tcp(40000, 80, TcpHeader.SYN, 1000, 0, new byte[0]),
                Verdict.FORWARDED,
                fromDirector(RS1_MAC, CLIENT, RS1).tcp(40000, 8080, TcpHeader.SYN, 1000, 0, new byte[0])),
            new Golden("SYN-ACK from RS1:8080: source becomes VIP:80, to the client's MAC",
                FrameWriter.frame().macs(RS1_MAC, DIRECTOR_MAC).ip(RS1, CLIENT)
                    .tcp(8080, 40000, TcpHeader.SYN | TcpHeader.ACK, 5000, 1001, new byte[0]),
                Verdict.FORWARDED,
                fromDirector(CLIENT_MAC, VIP, CLIENT).tcp(80, 40000, TcpHeader.SYN | TcpHeader.ACK, 5000, 1001, new byte[0])),
            new Golden("data from the client",
                fromClient(CLIENT, VIP).tcp(40000, 80, TcpHeader.ACK, 1001, 5001, DATA),
                Verdict.FORWARDED,
                fromDirector(RS1_MAC, CLIENT, RS1).tcp(40000, 8080, TcpHeader.ACK, 1001, 5001, DATA))))
        {
            check(h, g);
        }
        assertThat(h.core.destination(0).packetsIn()).isEqualTo(2);
        assertThat(h.core.destination(0).packetsOut()).isEqualTo(1);
        final long[] vs = new long[7];
        h.core.serviceCounters(0, vs);
        // 1 connection, 2 packets in, 1 out, bytes in = 40 + 58 (IP lengths), bytes out 40, 1 active, 0 inactive.
        assertThat(vs).containsExactly(1, 2, 1, 98, 40, 1, 0);
    }

    @Test
    void natShouldHandleUdpIncludingAZeroChecksum()
    {
        final VirtualService dns = VirtualService.udp(VIP, 53).scheduler(SchedulerKind.RR).build();
        final CoreHarness h = new CoreHarness(config(service(dns, rs(RS1, 5353, ForwardingMethod.NAT))));
        check(h, new Golden("UDP with checksum",
            fromClient(CLIENT, VIP).udp(5000, 53, DATA), Verdict.FORWARDED,
            fromDirector(RS1_MAC, CLIENT, RS1).udp(5000, 5353, DATA)));
        check(h, new Golden("UDP over IPv4 without checksum stays without (RFC 768)",
            fromClient(CLIENT, VIP).udpChecksum(false).udp(5001, 53, DATA), Verdict.FORWARDED,
            fromDirector(RS1_MAC, CLIENT, RS1).udpChecksum(false).udp(5001, 5353, DATA)));
        check(h, new Golden("the reply",
            FrameWriter.frame().macs(RS1_MAC, DIRECTOR_MAC).ip(RS1, CLIENT).udp(5353, 5000, DATA), Verdict.FORWARDED,
            fromDirector(CLIENT_MAC, VIP, CLIENT).udp(53, 5000, DATA)));
    }

    @Test
    void natShouldWorkForIpv6()
    {
        final CoreHarness h = new CoreHarness(config(service(tcp(VIP6, 443, SchedulerKind.WLC),
            rs(RS1_6, 8443, ForwardingMethod.NAT))));
        check(h, new Golden("IPv6 SYN",
            fromClient(CLIENT6, VIP6).tcp(50000, 443, TcpHeader.SYN, 1, 0, new byte[0]), Verdict.FORWARDED,
            fromDirector(RS1_MAC, CLIENT6, RS1_6).tcp(50000, 8443, TcpHeader.SYN, 1, 0, new byte[0])));
        check(h, new Golden("IPv6 reply",
            FrameWriter.frame().macs(RS1_MAC, DIRECTOR_MAC).ip(RS1_6, CLIENT6)
                .tcp(8443, 50000, TcpHeader.SYN | TcpHeader.ACK, 9, 2, new byte[0]), Verdict.FORWARDED,
            fromDirector(CLIENT_MAC, VIP6, CLIENT6).tcp(443, 50000, TcpHeader.SYN | TcpHeader.ACK, 9, 2, new byte[0])));
    }

    @Test
    void fullNatShouldTranslateBothEndsAndBack()
    {
        final CoreHarness h = new CoreHarness(config(service(tcp(VIP, 80, SchedulerKind.RR),
            rs(RS1, 8080, ForwardingMethod.FULLNAT))).fullnat(List.of(LOCAL), 20000, 20009));
        check(h, new Golden("SYN: client:40000 -> VIP:80 becomes LOCAL:20000 -> RS1:8080",
            fromClient(CLIENT, VIP).tcp(40000, 80, TcpHeader.SYN, 1000, 0, new byte[0]), Verdict.FORWARDED,
            fromDirector(RS1_MAC, LOCAL, RS1).tcp(20000, 8080, TcpHeader.SYN, 1000, 0, new byte[0])));
        check(h, new Golden("second client connection takes the next local port",
            fromClient(CLIENT, VIP).tcp(40001, 80, TcpHeader.SYN, 1, 0, new byte[0]), Verdict.FORWARDED,
            fromDirector(RS1_MAC, LOCAL, RS1).tcp(20001, 8080, TcpHeader.SYN, 1, 0, new byte[0])));
        check(h, new Golden("reply RS1:8080 -> LOCAL:20000 becomes VIP:80 -> client:40000",
            FrameWriter.frame().macs(RS1_MAC, DIRECTOR_MAC).ip(RS1, LOCAL)
                .tcp(8080, 20000, TcpHeader.SYN | TcpHeader.ACK, 5, 1001, new byte[0]), Verdict.FORWARDED,
            fromDirector(CLIENT_MAC, VIP, CLIENT).tcp(80, 40000, TcpHeader.SYN | TcpHeader.ACK, 5, 1001, new byte[0])));
        check(h, new Golden("the director answers ARP for its local address",
            FrameWriter.frame().macs(RS1_MAC, 0).arpRequest(RS1.ipv4(), LOCAL.ipv4()), Verdict.ANSWERED,
            FrameWriter.frame().macs(DIRECTOR_MAC, RS1_MAC).arpReply(LOCAL.ipv4(), RS1_MAC, RS1.ipv4())));
    }

    @Test
    void tunnellingShouldWrapThePacketInIpip()
    {
        final CoreHarness h = new CoreHarness(config(service(tcp(VIP, 80, SchedulerKind.RR),
            rs(RS1, 80, ForwardingMethod.TUN))));
        final byte[] syn = fromClient(CLIENT, VIP).tcp(40000, 80, TcpHeader.SYN, 1000, 0, new byte[0]);
        check(h, new Golden("IPv4-in-IPv4 (protocol 4) from the director's address to RS1",
            syn, Verdict.FORWARDED,
            fromDirector(RS1_MAC, OWN4, RS1).identification(0).ipPayload(4, FrameWriter.ipPacketOf(syn))));
    }

    @Test
    void tunnellingShouldAnswerTooBigWhenTheOuterHeaderDoesNotFit()
    {
        final CoreHarness h = new CoreHarness(config(service(tcp(VIP, 80, SchedulerKind.RR),
            rs(RS1, 80, ForwardingMethod.TUN))).mtu(1500));
        h.send(fromClient(CLIENT, VIP).tcp(40000, 80, TcpHeader.SYN, 1000, 0, new byte[0]));
        final byte[] big = fromClient(CLIENT, VIP).dontFragment(true)
            .tcp(40000, 80, TcpHeader.ACK, 1001, 1, new byte[1500 - 40]);
        assertThat(h.send(big)).isEqualTo(Verdict.DROP_TOO_BIG);
        final ParsedPacket p = parse(h.only());
        assertThat(p.icmpType).isEqualTo(IcmpHeader.V4_DESTINATION_UNREACHABLE);
        assertThat(p.icmpCode).isEqualTo(IcmpHeader.V4_CODE_FRAGMENTATION_NEEDED);
        assertThat(new UnsafeBuffer(h.only()).getShort(p.l4Offset + 6, java.nio.ByteOrder.BIG_ENDIAN)).isEqualTo((short)1480);
        assertThat(p.src3).isEqualTo(VIP.ipv4());
        assertThat(p.dst3).isEqualTo(CLIENT.ipv4());
        assertThat(p.innerSrcPort).isEqualTo(40000);
        assertThat(checksumOk(h.only(), p)).isTrue();
    }

    @Test
    void shouldAnswerArpAndPingForTheVipOnly()
    {
        final CoreHarness h = new CoreHarness(config(service(tcp(VIP, 80, SchedulerKind.RR), rs(RS1, 80, ForwardingMethod.DR))));
        check(h, new Golden("ARP who-has VIP", FrameWriter.frame().macs(CLIENT_MAC, 0).arpRequest(CLIENT.ipv4(), VIP.ipv4()),
            Verdict.ANSWERED, FrameWriter.frame().macs(DIRECTOR_MAC, CLIENT_MAC).arpReply(VIP.ipv4(), CLIENT_MAC, CLIENT.ipv4())));
        check(h, new Golden("ARP who-has another address", FrameWriter.frame().macs(CLIENT_MAC, 0)
            .arpRequest(CLIENT.ipv4(), IpAddress.parse("x", "192.0.2.99").ipv4()), Verdict.CONSUMED, null));
        check(h, new Golden("ping the VIP", fromClient(CLIENT, VIP).icmpEcho(true, 7, 1, DATA), Verdict.ANSWERED,
            fromDirector(CLIENT_MAC, VIP, CLIENT).identification(1).icmpEcho(false, 7, 1, DATA)));
        h.core.hold(VIP, false);
        check(h, new Golden("not held: no ARP answer", FrameWriter.frame().macs(CLIENT_MAC, 0)
            .arpRequest(CLIENT.ipv4(), VIP.ipv4()), Verdict.CONSUMED, null));
    }

    @Test
    void shouldAnswerNeighbourSolicitationsForAnIpv6Vip()
    {
        final CoreHarness h = new CoreHarness(config(service(tcp(VIP6, 80, SchedulerKind.RR), rs(RS1_6, 80, ForwardingMethod.DR))));
        final byte[] ns = FrameWriter.frame().macs(CLIENT_MAC, 0).ip(CLIENT6, VIP6).neighbourSolicitation(VIP6);
        check(h, new Golden("NS for the VIP -> solicited, override NA with the director's MAC", ns, Verdict.ANSWERED,
            FrameWriter.frame().macs(DIRECTOR_MAC, CLIENT_MAC).ip(VIP6, CLIENT6).neighbourAdvertisement(VIP6, false, true, true)));
    }

    @Test
    void shouldDropWithAReasonAndCountIt()
    {
        final CoreHarness h = new CoreHarness(config(service(tcp(VIP, 80, SchedulerKind.RR), rs(RS1, 80, ForwardingMethod.DR))));
        check(h, new Golden("not a VIP", fromClient(CLIENT, IpAddress.parse("x", "192.0.2.99"))
            .tcp(1, 80, TcpHeader.SYN, 0, 0, new byte[0]), Verdict.DROP_NOT_FOR_US, null));
        check(h, new Golden("a frame for another director's MAC (flooded, or seen by a promiscuous capture)",
            FrameWriter.frame().macs(CLIENT_MAC, 0x02_00_00_00_0D_09L).ip(CLIENT, VIP).tcp(1, 80, TcpHeader.SYN, 0, 0, new byte[0]),
            Verdict.DROP_NOT_FOR_US, null));
        check(h, new Golden("VIP, no service on that port", fromClient(CLIENT, VIP).tcp(1, 81, TcpHeader.SYN, 0, 0, new byte[0]),
            Verdict.DROP_NO_SERVICE, null));
        check(h, new Golden("mid-flow segment of an unknown connection", fromClient(CLIENT, VIP)
            .tcp(1, 80, TcpHeader.ACK, 0, 0, DATA), Verdict.DROP_TCP_NOT_SYN, null));
        check(h, new Golden("truncated frame", java.util.Arrays.copyOf(
            fromClient(CLIENT, VIP).tcp(1, 80, TcpHeader.SYN, 0, 0, new byte[0]), 30), Verdict.DROP_MALFORMED, null));
        assertThat(h.core.counters().verdict(Verdict.DROP_NOT_FOR_US)).isEqualTo(2);
        assertThat(h.core.counters().verdict(Verdict.DROP_MALFORMED)).isEqualTo(1);
        assertThat(h.core.counters().report()).contains("drop_tcp_not_syn").contains("malformed_truncated_ipv4");
    }

    @Test
    void shouldRefuseNewConnectionsWhenTheTableIsFullButKeepEstablishedOnes()
    {
        final CoreHarness h = new CoreHarness(config(service(tcp(VIP, 80, SchedulerKind.RR), rs(RS1, 80, ForwardingMethod.DR)))
            .capacity(2, 2));
        assertThat(h.send(fromClient(CLIENT, VIP).tcp(1, 80, TcpHeader.SYN, 0, 0, new byte[0]))).isEqualTo(Verdict.FORWARDED);
        assertThat(h.send(fromClient(CLIENT, VIP).tcp(2, 80, TcpHeader.SYN, 0, 0, new byte[0]))).isEqualTo(Verdict.FORWARDED);
        assertThat(h.send(fromClient(CLIENT, VIP).tcp(3, 80, TcpHeader.SYN, 0, 0, new byte[0]))).isEqualTo(Verdict.DROP_TABLE_FULL);
        assertThat(h.send(fromClient(CLIENT, VIP).tcp(1, 80, TcpHeader.ACK, 1, 1, DATA))).isEqualTo(Verdict.FORWARDED);
    }

    @Test
    void shouldAskForAMissingMacAndForwardOnceItIsLearned()
    {
        final io.fleet.director.forward.ForwardingConfig c = new ForwardingConfig().capacity(8, 8).wheel(10_000_000L, 64);
        c.service(service(tcp(VIP, 80, SchedulerKind.RR), rs(RS1, 80, ForwardingMethod.DR)));
        final CoreHarness h = new CoreHarness(c);
        final byte[] syn = fromClient(CLIENT, VIP).tcp(1, 80, TcpHeader.SYN, 0, 0, new byte[0]);
        assertThat(h.send(syn)).isEqualTo(Verdict.DROP_NEIGHBOUR_MISS);
        assertThat(hex(h.only())).as("broadcast ARP request for RS1 from the director's own address")
            .isEqualTo(hex(pad(FrameWriter.frame().macs(DIRECTOR_MAC, 0).arpRequest(OWN4.ipv4(), RS1.ipv4()))));
        assertThat(h.send(FrameWriter.frame().macs(RS1_MAC, DIRECTOR_MAC).arpReply(RS1.ipv4(), DIRECTOR_MAC, OWN4.ipv4())))
            .isEqualTo(Verdict.CONSUMED);
        assertThat(h.send(syn)).isEqualTo(Verdict.FORWARDED);
        assertThat(parseMacDestination(h.only())).isEqualTo(RS1_MAC);
    }

    @Test
    void persistenceShouldPinAClientToOneServer()
    {
        final VirtualService vs = VirtualService.tcp(VIP, 443).scheduler(SchedulerKind.RR).persistence(600).build();
        final CoreHarness h = new CoreHarness(config(service(vs, rs(RS1, 443, ForwardingMethod.DR), rs(RS2, 443, ForwardingMethod.DR))));
        for (int port = 1000; port < 1010; port++)
        {
            assertThat(h.send(fromClient(CLIENT, VIP).tcp(port, 443, TcpHeader.SYN, 0, 0, new byte[0]))).isEqualTo(Verdict.FORWARDED);
            assertThat(parseMacDestination(h.only())).isEqualTo(RS1_MAC);
        }
        final IpAddress other = IpAddress.parse("c", "203.0.113.8");
        h.send(fromClient(other, VIP).tcp(1, 443, TcpHeader.SYN, 0, 0, new byte[0]));
        assertThat(parseMacDestination(h.only())).as("another client is scheduled").isEqualTo(RS2_MAC);
        assertThat(h.core.destination(0).server().persistentConnections()).isEqualTo(1);
    }

    @Test
    void icmpErrorsAboutAConnectionShouldFollowIt()
    {
        final CoreHarness h = new CoreHarness(config(service(tcp(VIP, 80, SchedulerKind.RR), rs(RS1, 8080, ForwardingMethod.NAT))));
        h.send(fromClient(CLIENT, VIP).tcp(40000, 80, TcpHeader.SYN, 1000, 0, new byte[0]));
        // A router on the client's side could not deliver the VIP's reply: it tells the VIP, quoting VIP:80 -> client.
        final byte[] quoted = FrameWriter.frame().ip(VIP, CLIENT).tcp(80, 40000, TcpHeader.ACK, 5, 1001, DATA);
        final IpAddress router = IpAddress.parse("r", "203.0.113.1");
        final byte[] error = FrameWriter.frame().macs(CLIENT_MAC, DIRECTOR_MAC).ip(router, VIP)
            .icmpError(IcmpHeader.V4_DESTINATION_UNREACHABLE, IcmpHeader.V4_CODE_FRAGMENTATION_NEEDED, 1400, quoted, 28);
        final byte[] quotedAtRs = FrameWriter.frame().ip(RS1, CLIENT).tcp(8080, 40000, TcpHeader.ACK, 5, 1001, DATA);
        final byte[] expected = FrameWriter.frame().macs(DIRECTOR_MAC, RS1_MAC).ip(router, RS1)
            .icmpError(IcmpHeader.V4_DESTINATION_UNREACHABLE, IcmpHeader.V4_CODE_FRAGMENTATION_NEEDED, 1400, quotedAtRs, 28);
        // The quoted TCP checksum cannot be fixed (only 8 bytes are quoted), so compare all but the ICMP checksum
        // and check that one separately.
        assertThat(h.send(error)).isEqualTo(Verdict.FORWARDED);
        final ParsedPacket p = parse(h.only());
        assertThat(p.dst3).isEqualTo(RS1.ipv4());
        assertThat(p.innerSrc3).isEqualTo(RS1.ipv4());
        assertThat(p.innerSrcPort).isEqualTo(8080);
        assertThat(checksumOk(h.only(), p)).isTrue();
        assertThat(hex(h.only())).isEqualTo(hex(expected));
    }

    @Test
    void laterFragmentsShouldFollowTheFirst()
    {
        final VirtualService vs = VirtualService.udp(VIP, 53).scheduler(SchedulerKind.RR).build();
        final CoreHarness h = new CoreHarness(config(service(vs, rs(RS1, 53, ForwardingMethod.DR), rs(RS2, 53, ForwardingMethod.DR))));
        final byte[] whole = fromClient(CLIENT, VIP).identification(77).udp(5000, 53, new byte[3000]);
        final List<byte[]> fragments = FrameWriter.fragmentIpv4(whole, 1480);
        assertThat(fragments).hasSize(3);
        for (final byte[] f : fragments)
        {
            assertThat(h.send(f)).isEqualTo(Verdict.FORWARDED);
            assertThat(parseMacDestination(h.only())).isEqualTo(RS1_MAC);
        }
        final byte[] orphan = FrameWriter.fragmentIpv4(fromClient(CLIENT, VIP).identification(78).udp(5001, 53, new byte[3000]), 1480).get(1);
        assertThat(h.send(orphan)).isEqualTo(Verdict.DROP_FRAGMENT_UNKNOWN);
    }

    @Test
    void expiryShouldFreeTheEntryAndTheServersCounters()
    {
        final VirtualService vs = VirtualService.udp(VIP, 53).scheduler(SchedulerKind.RR).build();
        final CoreHarness h = new CoreHarness(config(service(vs, rs(RS1, 53, ForwardingMethod.NAT))));
        h.send(fromClient(CLIENT, VIP).udp(5000, 53, DATA));
        assertThat(h.core.table(false).size()).isEqualTo(1);
        assertThat(h.core.destination(0).server().inactiveConnections()).isEqualTo(1);
        h.advance(299_000_000_000L);
        assertThat(h.core.table(false).size()).isEqualTo(1);
        h.advance(2_000_000_000L);
        assertThat(h.core.table(false).size()).isZero();
        assertThat(h.core.destination(0).server().totalConnections()).isZero();
    }

    static ParsedPacket parse(final byte[] frame)
    {
        final ParsedPacket p = new ParsedPacket();
        assertThat(new PacketParser().parse(new UnsafeBuffer(frame), 0, frame.length, p)).isEqualTo(ParseResult.OK);
        return p;
    }

    static long parseMacDestination(final byte[] frame)
    {
        return io.fleet.director.packet.EthernetHeader.readMac(new UnsafeBuffer(frame), 0);
    }

    static boolean checksumOk(final byte[] frame, final ParsedPacket p)
    {
        final UnsafeBuffer b = new UnsafeBuffer(frame);
        return io.fleet.director.packet.Checksums.checksum(b, p.l4Offset, p.ipEnd() - p.l4Offset) == 0
            || io.fleet.director.packet.Checksums.checksum(b, p.l4Offset, p.ipEnd() - p.l4Offset) == 0xFFFF;
    }

    static byte[] pad(final byte[] frame)
    {
        return frame.length >= 60 ? frame : java.util.Arrays.copyOf(frame, 60);
    }

    static String hex(final byte[] bytes)
    {
        final StringBuilder sb = new StringBuilder();
        for (final byte x : bytes)
        {
            sb.append(String.format("%02x", x));
        }
        return sb.toString();
    }
}
