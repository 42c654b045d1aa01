package io.fleet.simulator.drill;

import io.fleet.director.packet.ArpPacket;
import io.fleet.director.packet.EthernetHeader;
import io.fleet.director.packet.FrameWriter;
import io.fleet.director.packet.IcmpHeader;
import io.fleet.director.packet.Ipv4Header;
import io.fleet.director.packet.PacketParser;
import io.fleet.director.packet.ParseResult;
import io.fleet.director.packet.ParsedPacket;
import io.fleet.director.packet.TcpHeader;
import io.fleet.director.service.IpAddress;
import io.fleet.simulator.fabric.Fabric;
import org.agrona.collections.Long2LongHashMap;
import org.agrona.collections.LongHashSet;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteOrder;

/**
 * The real servers: each a host on the fabric with its own MAC and one address per VIP group ({@code 10.(16+g).x.y}),
 * as a NAT real server needs to route each group's replies through that group's gateway (source-based policy
 * routing, {@code ip rule from 10.(16+g).0.0/16 lookup g}). Per method, as LVS's real servers are set up:
 * <ul>
 *   <li>DR and TUN: the VIPs on a loopback; replies from the VIP go straight to the clients' router.</li>
 *   <li>NAT: replies from the server's address of the flow's group go to that group's gateway
 *       ({@link #gateway}), which the group's VIP holder answers ARP for: the reply passes the director.</li>
 *   <li>FULLNAT: the request comes from the fleet's local address (on the link), and the reply goes back to it, to
 *       whichever director answers ARP for it.</li>
 * </ul>
 * A server keeps the set of flows it has seen open, keyed by the source it sees (the client, or FULLNAT's local
 * address and port); it answers a SYN (or a flow's first datagram) and then every segment of a flow it knows. A
 * mid-flow segment of a flow it does not know gets a reset (an ICMP port unreachable for UDP), which is how a client
 * learns its flow broke. A dead server answers nothing. Next hops (gateways, local addresses) are learned from ARP
 * replies and gratuitous ARPs, one cache for the farm (every server sees the same broadcasts); a missing one is
 * asked for and the reply is dropped, as a host's stack does.
 */
final class ServerFarm
{
    static final long MAC_BASE = 0x02_00_0A_00_00_00L;
    /** FULLNAT local address of group g: 10.15.255.(1+g), held by the group's holder. */
    static final int LOCAL_BASE = 0x0A0F_FF01;
    private static final long ARP_RETRY_NS = 100_000_000L;
    private static final long MISSING = -1;
    private static final long GROUP_BIT = 0x0100_0000_0000L;
    private static final byte[] NO_BYTES = new byte[0];
    /** TCP option kind carrying the client's address and port (experimental, RFC 4727), as FULLNAT's TOA does. */
    static final int TAG_OPTION = 253;

    private final Fabric fabric;
    private final Family family;
    private final Workload workload;
    private final int[] vips;
    private final long routerMac;
    private final int[] ports;
    private final LongHashSet[] known;
    private final boolean[] dead;
    /** New flows each server got, per director (index 0 unused: directors count from 1). */
    final long[][] newFlows;
    final long[] resets;
    /** Replies a server could not send: no MAC for its next hop yet (it asked). */
    long nextHopMisses;
    private final Long2LongHashMap nextHops = new Long2LongHashMap(MISSING);
    private final Long2LongHashMap arpAskedNs = new Long2LongHashMap(MISSING);
    private final PacketParser parser = new PacketParser();
    private final ParsedPacket pkt = new ParsedPacket();
    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[0]);
    private final FrameWriter writer = FrameWriter.frame();
    private final FrameWriter arp = FrameWriter.frame();
    private final java.util.function.LongToIntFunction directorOfMac;
    private long nowNs;

    ServerFarm(final Fabric fabric, final Workload workload, final int count, final int[] vips, final long routerMac,
        final int maxDirectors, final java.util.function.LongToIntFunction directorOfMac, final Family family)
    {
        this.family = family;
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

    /** The address of server {@code rs} in VIP group {@code group}: 10.(16+group).hi.lo. */
    static int address4(final int group, final int rs)
    {
        return 0x0A10_0000 + (group << 16) + rs + 1;
    }

    /** The gateway of group {@code group}'s servers (NAT): 10.(16+group).255.254, held with the group's VIP. */
    static int gateway(final int group)
    {
        return 0x0A10_FFFE + (group << 16);
    }

    static int local(final int group)
    {
        return LOCAL_BASE + group;
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
        final long destination = Fabric.mac(frame, 0);
        final boolean mine = destination == mac(rs);
        // Broadcasts and multicasts (IPv6 neighbour discovery): every server hears the same ones, so the first server
        // learns next hops for the farm.
        if (!mine && ((destination & GROUP_BIT) == 0 || rs != 0))
        {
            return; // a NIC drops frames for other MACs (flooded unknown unicast)
        }
        buffer.wrap(frame);
        if (parser.parse(buffer, 0, frame.length, pkt) != ParseResult.OK)
        {
            return;
        }
        if (pkt.etherType == EthernetHeader.ETHER_TYPE_ARP)
        {
            // Gratuitous ARPs and ARP replies (the director's core answers for the gateway or local address it holds).
            final int senderIp = buffer.getInt(pkt.l3Offset + ArpPacket.SENDER_IP_OFFSET, ByteOrder.BIG_ENDIAN);
            if (senderIp != 0)
            {
                nextHops.put(senderIp & 0xFFFF_FFFFL, EthernetHeader.readMac(buffer, pkt.l3Offset + ArpPacket.SENDER_MAC_OFFSET));
            }
            return;
        }
        if (pkt.ipVersion != family.version())
        {
            return;
        }
        if (family.ipv6 && pkt.l4Protocol == Ipv4Header.PROTOCOL_ICMPV6 && pkt.icmpType == IcmpHeader.V6_NEIGHBOR_ADVERTISEMENT)
        {
            nextHops.put(buffer.getInt(pkt.l4Offset + 8 + 12, ByteOrder.BIG_ENDIAN) & 0xFFFF_FFFFL, Fabric.mac(frame, 6));
            return;
        }
        if (!mine)
        {
            return;
        }
        byte[] inner = frame;
        if (pkt.l4Protocol == 4 || pkt.l4Protocol == 41)
        {
            // TUN: IP-in-IP (IPv6: IPv6-in-IPv6); the server decapsulates and handles the inner packet as if it had come directly.
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
        if (!pkt.hasPorts())
        {
            return;
        }
        final int vip = vipIndex(pkt.dst3);
        final int group = vip >= 0 ? vip : ownGroup(rs, pkt.dst3);
        if (group < 0)
        {
            return;
        }
        final boolean tcp = pkt.l4Protocol == 6;
        final int index = flowIndex(tcp);
        if (index < 0)
        {
            return;
        }
        final Flow flow = workload.byIndex()[index];
        final long key = ((pkt.src3 & 0xFFFF_FFFFL) << 16) | pkt.srcPort;
        final int seq = tcp ? buffer.getInt(pkt.l4Offset + 4, ByteOrder.BIG_ENDIAN)
            : buffer.getInt(pkt.payloadOffset, ByteOrder.BIG_ENDIAN);
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
        // DR/TUN: from the VIP to the router. NAT: to the group's gateway. FULLNAT: back to the local address.
        final long nextHop = vip >= 0 ? routerMac : nextHop(isLocal(pkt.src3) ? pkt.src3 : gateway(group));
        if (nextHop == MISSING)
        {
            nextHopMisses++;
            return;
        }
        final FrameWriter reply = family.ip(writer.macs(mac(rs), nextHop), pkt.dst3, pkt.src3);
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
                : family.ip(writer.macs(mac(rs), nextHop), address4(group, rs), pkt.src3)
                    .icmpError(family.unreachableType(), family.portUnreachableCode(), 0, inner));
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

    /**
     * The client flow a segment belongs to: from the client's tag (a TCP option, or the datagram's bytes 4-9: port, address), which
     * FULLNAT needs since the source is the director's local address; the source address and port otherwise.
     */
    private int flowIndex(final boolean tcp)
    {
        if (tcp)
        {
            int o = pkt.l4Offset + TcpHeader.MIN_HEADER_LENGTH;
            while (o + 8 <= pkt.payloadOffset)
            {
                final int kind = buffer.getByte(o) & 0xFF;
                if (kind == 0)
                {
                    break;
                }
                if (kind == 1)
                {
                    o++;
                    continue;
                }
                final int length = buffer.getByte(o + 1) & 0xFF;
                if (kind == TAG_OPTION && length == 8)
                {
                    return workload.indexOf(buffer.getInt(o + 4, ByteOrder.BIG_ENDIAN),
                        buffer.getShort(o + 2, ByteOrder.BIG_ENDIAN) & 0xFFFF);
                }
                o += Math.max(2, length);
            }
        }
        else if (pkt.payloadOffset + 10 <= pkt.frameLength)
        {
            return workload.indexOf(buffer.getInt(pkt.payloadOffset + 6, ByteOrder.BIG_ENDIAN),
                buffer.getShort(pkt.payloadOffset + 4, ByteOrder.BIG_ENDIAN) & 0xFFFF);
        }
        return workload.indexOf(pkt.src3, pkt.srcPort);
    }

    /** The next-hop cache as text (FLEET_SIM_DEBUG). */
    String nextHopsForDebug(final java.util.function.LongToIntFunction director)
    {
        final StringBuilder b = new StringBuilder();
        nextHops.forEach((ip, mac) -> b.append(family.address((int)ip.longValue())).append("->d").append(director.applyAsInt(mac)).append(' '));
        return b.toString() + "(misses " + nextHopMisses + ")";
    }

    private long nextHop(final int address)
    {
        final long mac = nextHops.get(address & 0xFFFF_FFFFL);
        if (mac == MISSING)
        {
            final long asked = arpAskedNs.get(address & 0xFFFF_FFFFL);
            if (asked == MISSING || nowNs - asked >= ARP_RETRY_NS)
            {
                arpAskedNs.put(address & 0xFFFF_FFFFL, nowNs);
                arp.macs(mac(0), EthernetHeader.BROADCAST_MAC);
                fabric.transmit(ports[0], family.ipv6
                    ? family.ip(arp, address4(0, 0), address).neighbourSolicitation(family.address(address))
                    : arp.arpRequest(address4(0, 0), address), nowNs);
            }
        }
        return mac;
    }

    private static boolean isLocal(final int address)
    {
        return address - LOCAL_BASE >= 0 && address - LOCAL_BASE < 64;
    }

    /** The VIP group whose server address {@code address} is, if it is {@code rs}'s; else -1. */
    private static int ownGroup(final int rs, final int address)
    {
        final int group = ((address >>> 16) & 0xFF) - 16;
        return (address >>> 24) == 10 && group >= 0 && group < 64 && address4(group, rs) == address ? group : -1;
    }

    private int vipIndex(final int address)
    {
        for (int v = 0; v < vips.length; v++)
        {
            if (vips[v] == address)
            {
                return v;
            }
        }
        return -1;
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
