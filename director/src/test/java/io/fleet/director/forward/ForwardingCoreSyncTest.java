package io.fleet.director.forward;

import io.fleet.director.conn.ConnectionRecord;
import io.fleet.director.packet.TcpHeader;
import io.fleet.director.service.ForwardingMethod;
import io.fleet.director.service.SchedulerKind;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;

import static io.fleet.director.forward.CoreHarness.CLIENT;
import static io.fleet.director.forward.CoreHarness.LOCAL;
import static io.fleet.director.forward.CoreHarness.RS1;
import static io.fleet.director.forward.CoreHarness.RS1_MAC;
import static io.fleet.director.forward.CoreHarness.RS2;
import static io.fleet.director.forward.CoreHarness.VIP;
import static io.fleet.director.forward.CoreHarness.config;
import static io.fleet.director.forward.CoreHarness.fromClient;
import static io.fleet.director.forward.CoreHarness.fromDirector;
import static io.fleet.director.forward.CoreHarness.rs;
import static io.fleet.director.forward.CoreHarness.service;
import static io.fleet.director.forward.CoreHarness.tcp;
import static org.assertj.core.api.Assertions.assertThat;

/** The hook sync plugs into: events out of one core, records into another, and a flow that survives the move. */
class ForwardingCoreSyncTest
{
    private static CoreHarness director(final ForwardingMethod method)
    {
        // Two real servers and rr: a fresh director would send the next new connection to RS1, so a flow that
        // lands on RS2 only got there through the record.
        final int port = method == ForwardingMethod.DR ? 80 : 8080;
        return new CoreHarness(config(service(tcp(VIP, 80, SchedulerKind.RR),
            rs(RS1, port, method), rs(RS2, port, method))).syncRing(64 * 1024).fullnat(List.of(LOCAL), 30000, 30099));
    }

    private static CoreHarness fullNatDirector(final int localPorts)
    {
        return fullNatDirector(30000, 30000 + localPorts - 1);
    }

    private static CoreHarness fullNatDirector(final int minPort, final int maxPort)
    {
        return new CoreHarness(config(service(tcp(VIP, 80, SchedulerKind.RR),
            rs(RS1, 8080, ForwardingMethod.FULLNAT), rs(RS2, 8080, ForwardingMethod.FULLNAT)))
            .syncRing(64 * 1024).fullnat(List.of(LOCAL), minPort, maxPort));
    }

    private static List<byte[]> drain(final CoreHarness h, final int wantType)
    {
        final List<byte[]> records = new ArrayList<>();
        h.core.events().read((type, buffer, offset, length) ->
        {
            if (type == wantType)
            {
                final byte[] r = new byte[length];
                buffer.getBytes(offset, r);
                records.add(r);
            }
        });
        return records;
    }

    @Test
    void shouldPublishCreatedChangedAndClosedEvents()
    {
        final CoreHarness a = director(ForwardingMethod.DR);
        a.send(fromClient(CLIENT, VIP).tcp(40000, 80, TcpHeader.SYN, 1, 0, new byte[0]));
        a.send(fromClient(CLIENT, VIP).tcp(40000, 80, TcpHeader.ACK, 2, 1, new byte[0]));
        final List<String> types = new ArrayList<>();
        a.core.events().read((type, buffer, offset, length) ->
        {
            types.add(type + ":" + length);
        });
        // created (NONE), changed (SYN_RECV), changed (ESTABLISHED)
        assertThat(types).containsExactly("1:32", "2:32", "2:32");
        a.advance(16L * 60 * 1_000_000_000L);
        assertThat(drain(a, ForwardingCore.EVENT_CLOSED)).hasSize(1);
    }

    @Test
    void anotherDirectorShouldCarryOnAnEstablishedNatFlowFromItsRecord()
    {
        final CoreHarness a = director(ForwardingMethod.NAT);
        final CoreHarness b = director(ForwardingMethod.NAT);
        // Burn RS1 on A so that the flow under test goes to RS2.
        a.send(fromClient(CLIENT, VIP).tcp(39999, 80, TcpHeader.SYN, 1, 0, new byte[0]));
        a.send(fromClient(CLIENT, VIP).tcp(40000, 80, TcpHeader.SYN, 1, 0, new byte[0]));
        a.send(fromClient(CLIENT, VIP).tcp(40000, 80, TcpHeader.ACK, 2, 1, new byte[0]));
        final List<byte[]> records = drain(a, ForwardingCore.EVENT_CHANGED);
        final byte[] last = records.get(records.size() - 1);
        assertThat(last).hasSize(ConnectionRecord.IPV4_LENGTH);

        // Director A dies; B receives the record through sync and then the client's next segment.
        final UnsafeBuffer record = new UnsafeBuffer(last);
        assertThat(b.core.remote().write(ForwardingCore.REMOTE_RECORD, record, 0, last.length)).isTrue();
        b.core.poll(b.nowNs);
        assertThat(b.core.counters().remoteRecordsApplied()).isEqualTo(1);
        final byte[] data = "more".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        assertThat(b.send(fromClient(CLIENT, VIP).tcp(40000, 80, TcpHeader.ACK, 3, 1, data))).isEqualTo(Verdict.FORWARDED);
        assertThat(ForwardingCoreGoldenTest.hex(b.only())).isEqualTo(ForwardingCoreGoldenTest.hex(
            fromDirector(CoreHarness.RS2_MAC, CLIENT, RS2).tcp(40000, 8080, TcpHeader.ACK, 3, 1, data)));
        assertThat(b.core.destination(1).server().activeConnections()).as("counted as established on B").isEqualTo(1);
        // And the reply direction works on B too.
        assertThat(b.send(io.fleet.director.packet.FrameWriter.frame().macs(CoreHarness.RS2_MAC, CoreHarness.DIRECTOR_MAC)
            .ip(RS2, CLIENT).tcp(8080, 40000, TcpHeader.ACK, 1, 7, data))).isEqualTo(Verdict.DROP_NEIGHBOUR_MISS);
    }

    @Test
    void aFullNatRecordShouldReserveItsLocalPortOnTheOtherDirector()
    {
        final CoreHarness a = director(ForwardingMethod.FULLNAT);
        final CoreHarness b = director(ForwardingMethod.FULLNAT);
        a.send(fromClient(CLIENT, VIP).tcp(40000, 80, TcpHeader.SYN, 1, 0, new byte[0]));
        final byte[] created = drain(a, ForwardingCore.EVENT_CREATED).get(0);
        b.core.remote().write(ForwardingCore.REMOTE_RECORD, new UnsafeBuffer(created), 0, created.length);
        b.core.poll(b.nowNs);
        // B's own new connection must not reuse A's local pair 30000.
        b.send(fromClient(io.fleet.director.service.IpAddress.parse("c", "203.0.113.9"), VIP)
            .tcp(1234, 80, TcpHeader.SYN, 1, 0, new byte[0]));
        final io.fleet.director.packet.ParsedPacket p = ForwardingCoreGoldenTest.parse(b.only());
        assertThat(p.srcPort).isNotEqualTo(30000);
        assertThat(p.src3).isEqualTo(LOCAL.ipv4());
    }

    @Test
    @Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aDirectorShouldStillHandOutEveryLocalPortAfterTheOtherDirectorsConnectionsExpire()
    {
        // The lab's FULLNAT drill: B holds A's replicated connections (their pairs reserved), they close and expire on
        // B, then B takes over and opens connections of its own. Once, the pool lost track of a reserved pair freed
        // before its turn in the ring and B's worker spun forever in allocate.
        final CoreHarness a = fullNatDirector(20);
        final CoreHarness b = fullNatDirector(20);
        for (int i = 0; i < 10; i++)
        {
            a.send(fromClient(CLIENT, VIP).tcp(41000 + i, 80, TcpHeader.SYN, 1, 0, new byte[0]));
        }
        for (final byte[] created : drain(a, ForwardingCore.EVENT_CREATED))
        {
            assertThat(b.core.remote().write(ForwardingCore.REMOTE_RECORD, new UnsafeBuffer(created), 0, created.length)).isTrue();
        }
        b.core.poll(b.nowNs);
        assertThat(b.core.counters().remoteRecordsApplied()).isEqualTo(10);
        b.advance(16L * 60 * 1_000_000_000L);
        assertThat(b.core.table(false).size()).as("A's records expired on B").isZero();

        final java.util.Set<Integer> ports = new java.util.HashSet<>();
        for (int i = 0; i < 20; i++)
        {
            assertThat(b.send(fromClient(CLIENT, VIP).tcp(50000 + i, 80, TcpHeader.SYN, 1, 0, new byte[0])))
                .as("new connection %d on B", i).isEqualTo(Verdict.FORWARDED);
            final io.fleet.director.packet.ParsedPacket p = ForwardingCoreGoldenTest.parse(b.only());
            assertThat(ports.add(p.srcPort)).as("local port %d handed out twice", p.srcPort).isTrue();
        }
        assertThat(ports).as("every one of the 20 local ports").hasSize(20);
        assertThat(b.send(fromClient(CLIENT, VIP).tcp(50020, 80, TcpHeader.SYN, 1, 0, new byte[0])))
            .isEqualTo(Verdict.DROP_LOCAL_PORTS_EXHAUSTED);
    }

    @Test
    void aNewerRecordShouldReplaceTheMappingOfAnEntryThatLingersHere()
    {
        // B still holds an old connection of the client's 5-tuple (its own, closing); the client reuses the tuple,
        // A schedules it afresh to RS2 with another local pair, and then A dies. B must carry on A's mapping: the
        // old one sends the client's segments to a server and pair that never saw this connection (it answers RST).
        final CoreHarness a = director(ForwardingMethod.FULLNAT);
        final CoreHarness b = director(ForwardingMethod.FULLNAT);
        b.send(fromClient(CLIENT, VIP).tcp(40000, 80, TcpHeader.SYN, 1, 0, new byte[0]));
        final io.fleet.director.packet.ParsedPacket old = ForwardingCoreGoldenTest.parse(b.only());
        assertThat(old.dst3).isEqualTo(RS1.ipv4());
        b.send(fromClient(CLIENT, VIP).tcp(40000, 80, TcpHeader.FIN | TcpHeader.ACK, 2, 1, new byte[0]));
        assertThat(b.core.destination(0).server().activeConnections() + b.core.destination(0).server().inactiveConnections())
            .isEqualTo(1);

        a.send(fromClient(CLIENT, VIP).tcp(39999, 80, TcpHeader.SYN, 1, 0, new byte[0])); // RS1 taken on A
        a.send(fromClient(CLIENT, VIP).tcp(40000, 80, TcpHeader.SYN, 7, 0, new byte[0]));
        final io.fleet.director.packet.ParsedPacket fresh = ForwardingCoreGoldenTest.parse(a.only());
        assertThat(fresh.dst3).isEqualTo(RS2.ipv4());
        assertThat(fresh.srcPort).isNotEqualTo(old.srcPort);
        a.send(fromClient(CLIENT, VIP).tcp(40000, 80, TcpHeader.ACK, 8, 1, new byte[0]));
        final List<byte[]> changed = drain(a, ForwardingCore.EVENT_CHANGED);
        final byte[] last = changed.get(changed.size() - 1);
        assertThat(b.core.remote().write(ForwardingCore.REMOTE_RECORD, new UnsafeBuffer(last), 0, last.length)).isTrue();
        b.core.poll(b.nowNs);
        assertThat(b.core.counters().remoteRecordsRemapped()).isEqualTo(1);

        final byte[] data = "next".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        assertThat(b.send(fromClient(CLIENT, VIP).tcp(40000, 80, TcpHeader.ACK, 8, 1, data))).isEqualTo(Verdict.FORWARDED);
        final io.fleet.director.packet.ParsedPacket carried = ForwardingCoreGoldenTest.parse(b.only());
        assertThat(carried.dst3).as("the server A chose").isEqualTo(RS2.ipv4());
        assertThat(carried.srcPort).as("the local port A chose").isEqualTo(fresh.srcPort);
        assertThat(b.core.destination(0).server().activeConnections() + b.core.destination(0).server().inactiveConnections())
            .as("the lingering entry no longer counts on RS1").isZero();
        // RS2's answer to A's pair reaches the client through B.
        assertThat(b.send(io.fleet.director.packet.FrameWriter.frame().macs(CoreHarness.RS2_MAC, CoreHarness.DIRECTOR_MAC)
            .ip(RS2, LOCAL).tcp(8080, fresh.srcPort, TcpHeader.ACK, 1, 12, data))).isIn(Verdict.FORWARDED, Verdict.DROP_NEIGHBOUR_MISS);
        assertThat(b.core.counters().verdict(Verdict.DROP_NO_SERVICE) + b.core.counters().verdict(Verdict.DROP_NOT_FOR_US)).isZero();
    }

    @Test
    void aReplicatedFullNatConnectionShouldTakeItsReplyTupleOverFromAnEntryThatOutlivedItsConnection()
    {
        // The lab's lost FULLNAT drills: B kept a copy of A's closing connection X longer than A kept X itself; A
        // reused X's local pair for Y; when Y's record came, B bound both to one reply tuple, took over from A, and
        // sent the server's answers for Y to X's client (RST), breaking every connection A had opened on old pairs.
        final CoreHarness a = fullNatDirector(30000, 30001);
        final CoreHarness b = fullNatDirector(30100, 30199);
        b.send(fromClient(CLIENT, VIP).tcp(39000, 80, TcpHeader.SYN, 1, 0, new byte[0])); // B knows the client's MAC
        a.send(fromClient(CLIENT, VIP).tcp(40000, 80, TcpHeader.SYN, 1, 0, new byte[0]));
        assertThat(ForwardingCoreGoldenTest.parse(a.only()).dst3).isEqualTo(RS1.ipv4());
        final byte[] x = drain(a, ForwardingCore.EVENT_CREATED).get(0);
        b.core.remote().write(ForwardingCore.REMOTE_RECORD, new UnsafeBuffer(x), 0, x.length);
        b.core.poll(b.nowNs);
        a.advance(2L * 60 * 1_000_000_000L); // X is over on A (its pair is free again); B's copy lives on
        a.send(fromClient(CLIENT, VIP).tcp(39999, 80, TcpHeader.SYN, 1, 0, new byte[0])); // RS2, the other pair
        a.send(fromClient(CLIENT, VIP).tcp(40001, 80, TcpHeader.SYN, 1, 0, new byte[0]));
        a.send(fromClient(CLIENT, VIP).tcp(40001, 80, TcpHeader.ACK, 2, 1, new byte[0]));
        final io.fleet.director.packet.ParsedPacket toServer = ForwardingCoreGoldenTest.parse(a.only());
        assertThat(toServer.srcPort).as("A reused X's pair").isEqualTo(30000);
        assertThat(toServer.dst3).as("for X's server").isEqualTo(RS1.ipv4());
        final List<byte[]> changed = drain(a, ForwardingCore.EVENT_CHANGED);
        final byte[] y = changed.get(changed.size() - 1);
        assertThat(b.core.table(false).size()).as("X's copy still on B, beside B's own").isEqualTo(2);

        b.core.remote().write(ForwardingCore.REMOTE_RECORD, new UnsafeBuffer(y), 0, y.length);
        b.core.poll(b.nowNs);
        assertThat(b.core.counters().fullnatPairsTakenOver()).isEqualTo(1);
        assertThat(b.core.table(false).size()).as("X's copy gave way to Y").isEqualTo(2);
        // The server's answer to the pair reaches Y's client, port 40001, through B.
        final byte[] data = "ok".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        assertThat(b.send(io.fleet.director.packet.FrameWriter.frame().macs(RS1_MAC, CoreHarness.DIRECTOR_MAC).ip(RS1, LOCAL)
            .tcp(8080, 30000, TcpHeader.ACK, 1, 2, data))).isEqualTo(Verdict.FORWARDED);
        assertThat(ForwardingCoreGoldenTest.parse(b.only()).dstPort).isEqualTo(40001);
    }

    @Test
    void theLiveConnectionShouldKeepItsReplyTupleWhenAClosingCopyArrivesAfterIt()
    {
        // A catch-up transfer goes bucket by bucket, not in the order records were written: the closing copy of X can
        // come after the record of Y that reused X's pair. The live connection keeps the tuple.
        final CoreHarness a = fullNatDirector(30000, 30001);
        final CoreHarness c = fullNatDirector(30100, 30199);
        c.send(fromClient(CLIENT, VIP).tcp(39000, 80, TcpHeader.SYN, 1, 0, new byte[0])); // C knows the client's MAC
        a.send(fromClient(CLIENT, VIP).tcp(40000, 80, TcpHeader.SYN, 1, 0, new byte[0]));
        a.send(fromClient(CLIENT, VIP).tcp(40000, 80, TcpHeader.FIN | TcpHeader.ACK, 2, 1, new byte[0]));
        final List<byte[]> xChanges = drain(a, ForwardingCore.EVENT_CHANGED);
        final byte[] closingX = xChanges.get(xChanges.size() - 1);
        a.advance(2L * 60 * 1_000_000_000L);
        a.send(fromClient(CLIENT, VIP).tcp(39999, 80, TcpHeader.SYN, 1, 0, new byte[0]));
        a.send(fromClient(CLIENT, VIP).tcp(40001, 80, TcpHeader.SYN, 1, 0, new byte[0]));
        a.send(fromClient(CLIENT, VIP).tcp(40001, 80, TcpHeader.ACK, 2, 1, new byte[0]));
        assertThat(ForwardingCoreGoldenTest.parse(a.only()).srcPort).isEqualTo(30000);
        final List<byte[]> yChanges = drain(a, ForwardingCore.EVENT_CHANGED);
        final byte[] y = yChanges.get(yChanges.size() - 1);

        c.core.remote().write(ForwardingCore.REMOTE_RECORD, new UnsafeBuffer(y), 0, y.length);
        c.core.remote().write(ForwardingCore.REMOTE_RECORD, new UnsafeBuffer(closingX), 0, closingX.length);
        c.core.poll(c.nowNs);
        assertThat(c.core.counters().fullnatPairsTakenOver()).isEqualTo(1);
        final byte[] data = "ok".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        assertThat(c.send(io.fleet.director.packet.FrameWriter.frame().macs(RS1_MAC, CoreHarness.DIRECTOR_MAC).ip(RS1, LOCAL)
            .tcp(8080, 30000, TcpHeader.ACK, 1, 2, data))).isEqualTo(Verdict.FORWARDED);
        assertThat(ForwardingCoreGoldenTest.parse(c.only()).dstPort).as("Y's client, not X's").isEqualTo(40001);
    }

    @Test
    void aSynOnAClosingConnectionsTupleShouldBeScheduledAfresh()
    {
        // IPVS's conn_reuse_mode 1: the client reuses its port while the old entry is closing (here a replicated copy
        // that outlived the connection); the new connection must not inherit the old server and FULLNAT pair.
        final CoreHarness b = director(ForwardingMethod.FULLNAT);
        b.send(fromClient(CLIENT, VIP).tcp(40000, 80, TcpHeader.SYN, 1, 0, new byte[0]));
        final io.fleet.director.packet.ParsedPacket first = ForwardingCoreGoldenTest.parse(b.only());
        assertThat(first.dst3).isEqualTo(RS1.ipv4());
        b.send(fromClient(CLIENT, VIP).tcp(40000, 80, TcpHeader.FIN | TcpHeader.ACK, 2, 1, new byte[0]));
        assertThat(b.send(fromClient(CLIENT, VIP).tcp(40000, 80, TcpHeader.SYN, 900, 0, new byte[0]))).isEqualTo(Verdict.FORWARDED);
        final io.fleet.director.packet.ParsedPacket again = ForwardingCoreGoldenTest.parse(b.only());
        assertThat(again.dst3).as("rr's next server, not the old mapping").isEqualTo(RS2.ipv4());
        assertThat(again.srcPort).as("a fresh local pair").isNotEqualTo(first.srcPort);
        assertThat(b.core.counters().connectionsReused()).isEqualTo(1);
        assertThat(b.core.table(false).size()).isEqualTo(1);
        // A retransmitted SYN of a live connection keeps its mapping.
        assertThat(b.send(fromClient(CLIENT, VIP).tcp(40000, 80, TcpHeader.SYN, 900, 0, new byte[0]))).isEqualTo(Verdict.FORWARDED);
        assertThat(ForwardingCoreGoldenTest.parse(b.only()).dst3).isEqualTo(RS2.ipv4());
        assertThat(b.core.counters().connectionsReused()).isEqualTo(1);
    }

    @Test
    void shouldRejectRecordsForUnknownServicesAndCountThem()
    {
        final CoreHarness a = director(ForwardingMethod.DR);
        final byte[] junk = new byte[32];
        junk[0] = 0x10;
        a.core.remote().write(ForwardingCore.REMOTE_RECORD, new UnsafeBuffer(junk), 0, 32);
        a.core.remote().write(ForwardingCore.REMOTE_RECORD, new UnsafeBuffer(new byte[8]), 0, 8);
        a.core.poll(a.nowNs);
        assertThat(a.core.counters().remoteRecordsRejected()).isEqualTo(2);
        assertThat(a.core.table(false).size()).isZero();
        assertThat(RS1_MAC).isNotZero();
    }
}
