package io.fleet.simulator.drill;

import io.fleet.director.packet.EthernetHeader;
import io.fleet.director.packet.FrameWriter;
import io.fleet.director.packet.PacketParser;
import io.fleet.director.packet.ParseResult;
import io.fleet.director.packet.ParsedPacket;
import io.fleet.director.packet.TcpHeader;
import io.fleet.director.service.IpAddress;
import io.fleet.simulator.fabric.Fabric;
import org.agrona.collections.LongHashSet;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The real servers: each a host on the fabric with its own MAC and address, holding the VIPs on a loopback as a DR
 * (or TUN) real server does. A server keeps the set of flows it has seen open; it answers a SYN (or a flow's first
 * datagram) and then every segment of a flow it knows, straight to the clients' router (DR: replies bypass the
 * director). A mid-flow segment of a flow it does not know gets a reset (an ICMP port unreachable for UDP), which
 * is how a client learns its flow broke. A dead server answers nothing.
 */
final class ServerFarm
{
    static final int RS_BASE = 0x0A01_0001; // 10.1.0.1
    static final long MAC_BASE = 0x02_00_0A_00_00_00L;
    private static final byte[] NO_BYTES = new byte[0];

    private final Fabric fabric;
    private final Workload workload;
    private final int[] vips;
    private final long routerMac;
    private final int[] ports;
    private final LongHashSet[] known;
    private final boolean[] dead;
    /** New flows each server got, per director (index 0 unused: directors count from 1). */
    final long[][] newFlows;
    final long[] resets;
    private final PacketParser parser = new PacketParser();
    private final ParsedPacket pkt = new ParsedPacket();
    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[0]);
    private final FrameWriter writer = FrameWriter.frame();
    private final java.util.function.LongToIntFunction directorOfMac;
    private long nowNs;

    ServerFarm(final Fabric fabric, final Workload workload, final int count, final int[] vips, final long routerMac,
        final int maxDirectors, final java.util.function.LongToIntFunction directorOfMac)
    {
        this.fabric = fabric;
        this.workload = workload;
        this.vips = vips;
        this.routerMac = routerMac;
        this.directorOfMac = directorOfMac;
        this.ports = new int[count];
        this.known = new LongHashSet[count];
        this.dead = new boolean[count];
        this.newFlows = new long[count][maxDirectors + 1];
        this.resets = new long[count];
        for (int i = 0; i < count; i++)
        {
            final int rs = i;
            known[i] = new LongHashSet();
            ports[i] = fabric.attach("rs" + (i + 1), (frame, now) -> onFrame(rs, frame, now));
        }
    }

    static IpAddress address(final int rs)
    {
        return IpAddress.ofIpv4(RS_BASE + rs);
    }

    static long mac(final int rs)
    {
        return MAC_BASE + rs + 1;
    }

    void kill(final int rs)
    {
        dead[rs] = true;
    }

    boolean dead(final int rs)
    {
        return dead[rs];
    }

    private void onFrame(final int rs, final byte[] frame, final long now)
    {
        nowNs = now;
        if (Fabric.mac(frame, 0) != mac(rs))
        {
            return; // a NIC drops frames for other MACs (flooded unknown unicast, broadcasts we do not answer)
        }
        buffer.wrap(frame);
        if (parser.parse(buffer, 0, frame.length, pkt) != ParseResult.OK || pkt.ipVersion != 4)
        {
            return;
        }
        byte[] inner = frame;
        if (pkt.l4Protocol == 4)
        {
            // TUN: IP-in-IP; the server decapsulates and handles the inner packet as if it had come directly.
            final int innerStart = pkt.l3Offset + pkt.l3HeaderLength;
            inner = new byte[14 + frame.length - innerStart];
            System.arraycopy(frame, 0, inner, 0, 14);
            System.arraycopy(frame, innerStart, inner, 14, frame.length - innerStart);
            buffer.wrap(inner);
            if (parser.parse(buffer, 0, inner.length, pkt) != ParseResult.OK)
            {
                return;
            }
        }
        if (!isVip(pkt.dst3) || !pkt.hasPorts())
        {
            return;
        }
        final int index = workload.indexOf(pkt.src3, pkt.srcPort);
        if (index < 0)
        {
            return;
        }
        final Flow flow = workload.byIndex()[index];
        final long key = ((long)pkt.src3 << 16) | pkt.srcPort;
        final boolean tcp = pkt.l4Protocol == 6;
        final int seq = tcp ? buffer.getInt(pkt.l4Offset + 4, java.nio.ByteOrder.BIG_ENDIAN)
            : buffer.getInt(pkt.payloadOffset, java.nio.ByteOrder.BIG_ENDIAN);
        final boolean first = tcp ? (pkt.tcpFlags & (TcpHeader.SYN | TcpHeader.ACK)) == TcpHeader.SYN : seq == 0;
        if (first && flow.rs < 0)
        {
            flow.rs = rs;
            flow.director = directorOfMac.applyAsInt(EthernetHeader.readMac(buffer, 6));
        }
        if (dead[rs])
        {
            return;
        }
        final FrameWriter reply = writer.macs(mac(rs), routerMac).ipv4(pkt.dst3, pkt.src3);
        if (first)
        {
            if (known[rs].add(key))
            {
                final int d = flow.director;
                newFlows[rs][d >= 0 && d < newFlows[rs].length ? d : 0]++;
            }
            send(rs, tcp ? reply.tcp(pkt.dstPort, pkt.srcPort, TcpHeader.SYN | TcpHeader.ACK, 0, seq, NO_BYTES)
                : reply.udp(pkt.dstPort, pkt.srcPort, seqBytes(seq)));
            return;
        }
        if (tcp && (pkt.tcpFlags & TcpHeader.RST) != 0)
        {
            known[rs].remove(key);
            return;
        }
        if (!known[rs].contains(key))
        {
            resets[rs]++;
            send(rs, tcp ? reply.tcp(pkt.dstPort, pkt.srcPort, TcpHeader.RST | TcpHeader.ACK, 0, seq, NO_BYTES)
                : writer.macs(mac(rs), routerMac).ipv4(RS_BASE + rs, pkt.src3).icmpError(3, 3, 0, inner));
            return;
        }
        if (tcp && (pkt.tcpFlags & TcpHeader.FIN) != 0)
        {
            known[rs].remove(key);
            send(rs, reply.tcp(pkt.dstPort, pkt.srcPort, TcpHeader.FIN | TcpHeader.ACK, 0, seq, NO_BYTES));
            return;
        }
        if (!tcp && seq < 0)
        {
            known[rs].remove(key); // the client's last datagram
        }
        send(rs, tcp ? reply.tcp(pkt.dstPort, pkt.srcPort, TcpHeader.ACK, 0, seq, NO_BYTES)
            : reply.udp(pkt.dstPort, pkt.srcPort, seqBytes(seq)));
    }

    private boolean isVip(final int address)
    {
        for (final int v : vips)
        {
            if (v == address)
            {
                return true;
            }
        }
        return false;
    }

    static byte[] seqBytes(final int seq)
    {
        return new byte[] {(byte)(seq >>> 24), (byte)(seq >>> 16), (byte)(seq >>> 8), (byte)seq};
    }

    private void send(final int rs, final byte[] frame)
    {
        fabric.transmit(ports[rs], frame, nowNs);
    }
}
