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
import io.fleet.simulator.fabric.Fabric;
import org.agrona.collections.IntArrayList;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * The clients, behind their router: one host on the fabric (one MAC, as a data centre's edge router is) that keeps
 * an ARP cache for the VIPs, learned from ARP replies and gratuitous ARPs, and sends every flow's frames to the MAC
 * it has for the flow's VIP. Each flow opens (SYN, or a first datagram), sends a data segment every data-interval
 * and waits for its answer, retransmitting with a doubling timeout, and closes (FIN, or a last datagram) at its
 * end. A reset or an ICMP unreachable breaks it at once; an answer missing for client-timeout breaks it too. The
 * cause is decided from what the simulation knows about the flow (see {@link Cause}).
 */
final class Clients
{
    static final long ROUTER_MAC = 0x02_00_00_00_0C_01L;
    static final int ROUTER_IP = 0xC000_0201; // 192.0.2.1
    static final int TCP_PORT = 80;
    static final int UDP_PORT = 53;
    private static final long SLOT_NS = 5_000_000L;
    private static final int SLOTS = 8_192;
    private static final long FIRST_RTO_NS = 200_000_000L;
    private static final long ARP_RETRY_NS = 100_000_000L;
    private static final long GROUP_BIT = 0x0100_0000_0000L;
    private static final byte[] NO_BYTES = new byte[0];
    private static final byte[] DATA = "GET / HTTP/1.1\r\nHost: sim\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    /** A change of the router's ARP entry for a VIP. */
    record ArpChange(long atNs, int vip, long mac)
    {
    }

    /** What the clients tell the drill. */
    interface Observer
    {
        void onEstablished(Flow flow, long nowNs);

        void onBroken(Flow flow, long nowNs);

        void onDone(Flow flow, long nowNs);

        /** The router now sends a VIP's traffic to another MAC (an ARP reply or a gratuitous ARP). */
        void onArpChange(int vip, long mac);
    }

    private final Fabric fabric;
    private final Family family;
    private final int port;
    private final Workload workload;
    private final Flow[] byStart;
    private final int[] vips;
    private final long[] vipMac;
    private final long[] arpSentNs;
    private final ServerFarm farm;
    private final Knobs knobs;
    private final Observer observer;
    private final IntArrayList[] wheel = new IntArrayList[SLOTS];
    private final List<ArpChange> arpChanges = new ArrayList<>();
    private final PacketParser parser = new PacketParser();
    private final ParsedPacket pkt = new ParsedPacket();
    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[0]);
    private final FrameWriter arp = FrameWriter.frame().macs(ROUTER_MAC, EthernetHeader.BROADCAST_MAC);
    /** One writer for every flow's frames (a writer per frame was a third of the simulation's garbage). */
    private final FrameWriter writer = FrameWriter.frame();
    private long startNs;
    private long wheelNs;
    private int next;
    private long nowNs;
    int active;
    long opened;
    long completed;
    long broken;
    long unroutable;
    /** Answers to a flow that did not come from its VIP and service port (NAT/FULLNAT not translated back). */
    long notFromVip;

    Clients(final Fabric fabric, final Workload workload, final int[] vips, final ServerFarm farm, final Knobs knobs,
        final Observer observer, final Family family)
    {
        this.family = family;
        this.fabric = fabric;
        this.workload = workload;
        this.byStart = workload.byStart();
        this.vips = vips;
        this.vipMac = new long[vips.length];
        this.arpSentNs = new long[vips.length];
        java.util.Arrays.fill(vipMac, -1);
        this.farm = farm;
        this.knobs = knobs;
        this.observer = observer;
        for (int i = 0; i < SLOTS; i++)
        {
            wheel[i] = new IntArrayList();
        }
        this.port = fabric.attach("router", this::onFrame);
    }

    int port()
    {
        return port;
    }

    /** Traffic time starts now. */
    void start(final long nowNs)
    {
        this.startNs = nowNs;
        this.wheelNs = nowNs;
    }

    /** MAC the router sends a VIP's traffic to, or -1. */
    long macOf(final int vip)
    {
        return vipMac[vip];
    }

    List<ArpChange> arpChanges()
    {
        return arpChanges;
    }

    /** Asks for every VIP's MAC (before traffic starts). */
    void resolveAll(final long now)
    {
        this.nowNs = now;
        for (int v = 0; v < vips.length; v++)
        {
            arpRequest(v, now);
        }
    }

    boolean allResolved()
    {
        for (final long m : vipMac)
        {
            if (m < 0)
            {
                return false;
            }
        }
        return true;
    }

    /**
     * Opens the flows whose start has come (until {@code lastStartMs}) and runs every flow whose timer is due.
     *
     * @return work done.
     */
    int tick(final long now)
    {
        this.nowNs = now;
        int work = 0;
        final long elapsedMs = (now - startNs) / 1_000_000L;
        while (next < byStart.length && byStart[next].startMs <= elapsedMs)
        {
            open(byStart[next++], now);
            work++;
        }
        while (now - wheelNs >= 0)
        {
            final IntArrayList slot = wheel[(int)((wheelNs / SLOT_NS) & (SLOTS - 1))];
            final int n = slot.size();
            if (n > 0)
            {
                final int[] due = new int[n];
                for (int i = 0; i < n; i++)
                {
                    due[i] = slot.getInt(i);
                }
                slot.clear();
                for (final int index : due)
                {
                    final Flow f = workload.byIndex()[index];
                    if (!f.active())
                    {
                        continue;
                    }
                    // Each time a flow's timer is set it is scheduled again: older entries are stale.
                    if (f.nextNs - (wheelNs + SLOT_NS) >= 0 || f.firedNs == f.nextNs)
                    {
                        continue;
                    }
                    f.firedNs = f.nextNs;
                    onTimer(f, now);
                    work++;
                }
            }
            wheelNs += SLOT_NS;
        }
        return work;
    }

    /** Whether every flow has started and none waits for an answer. */
    boolean quiet()
    {
        return next >= byStart.length && active == 0;
    }

    int started()
    {
        return next;
    }

    private void schedule(final Flow f)
    {
        final long at = Math.max(f.nextNs, wheelNs);
        wheel[(int)((at / SLOT_NS) & (SLOTS - 1))].addInt(f.index);
    }

    private void open(final Flow f, final long now)
    {
        f.state = Flow.OPENING;
        f.seq = 0;
        f.firstSentNs = now;
        active++;
        opened++;
        transmit(f, now);
    }

    private void onTimer(final Flow f, final long now)
    {
        if (f.awaiting)
        {
            if (now - f.firstSentNs >= knobs.clientTimeoutMs * 1_000_000L)
            {
                breakFlow(f, false, now);
                return;
            }
            f.retries++;
            transmit(f, now);
            return;
        }
        // Idle between data segments: send the next one (or close at the end).
        f.seq++;
        f.firstSentNs = now;
        f.retries = 0;
        if ((now - startNs) / 1_000_000L >= f.endMs)
        {
            f.state = Flow.CLOSING;
        }
        transmit(f, now);
    }

    /** Sends the flow's current segment and sets its retransmission timer. */
    private void transmit(final Flow f, final long now)
    {
        f.awaiting = true;
        f.sentNs = now;
        final long rto = Math.min(FIRST_RTO_NS << Math.min(f.retries, 4), 1_600_000_000L);
        f.nextNs = now + rto;
        schedule(f);
        final long mac = vipMac[f.vip];
        if (mac < 0)
        {
            unroutable++;
            arpRequest(f.vip, now);
            return;
        }
        final FrameWriter w = family.ip(writer.macs(ROUTER_MAC, mac), f.clientIp, vips[f.vip]);
        final byte[] frame;
        if (f.udp)
        {
            final int seq = f.state == Flow.CLOSING ? f.seq | Integer.MIN_VALUE : f.seq;
            final byte[] payload = new byte[4 + 6 + DATA.length];
            System.arraycopy(ServerFarm.seqBytes(seq), 0, payload, 0, 4);
            tag(payload, 4, f);
            System.arraycopy(DATA, 0, payload, 10, DATA.length);
            frame = w.udp(f.clientPort, UDP_PORT, payload);
        }
        else
        {
            final byte[] option = new byte[8];
            option[0] = (byte)ServerFarm.TAG_OPTION;
            option[1] = 8;
            tag(option, 2, f);
            w.tcpOptions(option);
            if (f.state == Flow.OPENING)
            {
                frame = w.tcp(f.clientPort, TCP_PORT, TcpHeader.SYN, 0, 0, NO_BYTES);
            }
            else if (f.state == Flow.CLOSING)
            {
                frame = w.tcp(f.clientPort, TCP_PORT, TcpHeader.FIN | TcpHeader.ACK, f.seq, 1, NO_BYTES);
            }
            else
            {
                frame = w.tcp(f.clientPort, TCP_PORT, TcpHeader.ACK | TcpHeader.PSH, f.seq, 1, DATA);
            }
        }
        fabric.transmit(port, frame, now);
    }

    /**
     * The flow's client port and address, as FULLNAT's TOA option carries them: the simulated server needs them to
     * tell which flow a FULLNAT connection (from the director's local address) carries.
     */
    private static void tag(final byte[] into, final int at, final Flow f)
    {
        into[at] = (byte)(f.clientPort >>> 8);
        into[at + 1] = (byte)f.clientPort;
        into[at + 2] = (byte)(f.clientIp >>> 24);
        into[at + 3] = (byte)(f.clientIp >>> 16);
        into[at + 4] = (byte)(f.clientIp >>> 8);
        into[at + 5] = (byte)f.clientIp;
    }

    private void arpRequest(final int vip, final long now)
    {
        if (now - arpSentNs[vip] < ARP_RETRY_NS && arpSentNs[vip] != 0)
        {
            return;
        }
        arpSentNs[vip] = now;
        // IPv6: a neighbour solicitation from the router's address, to the VIP's solicited-node group.
        fabric.transmit(port, family.ipv6 ? family.ip(arp, ROUTER_IP, vips[vip]).neighbourSolicitation(family.address(vips[vip]))
            : arp.arpRequest(ROUTER_IP, vips[vip]), now);
    }

    private void onFrame(final byte[] frame, final long now)
    {
        nowNs = now;
        final long destination = Fabric.mac(frame, 0);
        if (destination != ROUTER_MAC && (destination & GROUP_BIT) == 0)
        {
            return; // neither ours nor broadcast / multicast (IPv6's neighbour discovery)
        }
        buffer.wrap(frame);
        if (parser.parse(buffer, 0, frame.length, pkt) != ParseResult.OK)
        {
            return;
        }
        if (pkt.etherType == EthernetHeader.ETHER_TYPE_ARP)
        {
            onArp(now);
            return;
        }
        if (pkt.ipVersion != family.version())
        {
            return;
        }
        if (family.ipv6 && pkt.l4Protocol == Ipv4Header.PROTOCOL_ICMPV6 && pkt.icmpType == IcmpHeader.V6_NEIGHBOR_ADVERTISEMENT)
        {
            // Solicited or unsolicited (the election's takeover burst): the target is the VIP, the sender its holder.
            onNeighbour(buffer.getInt(pkt.l4Offset + 8 + 12, ByteOrder.BIG_ENDIAN), Fabric.mac(frame, 6), now);
            return;
        }
        if (pkt.icmpError)
        {
            // A server's port unreachable for a datagram of a flow it does not know: the quoted packet names the flow.
            final int src = pkt.innerSrc3;
            final int srcPort = buffer.getShort(pkt.innerL4Offset, ByteOrder.BIG_ENDIAN) & 0xFFFF;
            final Flow f = flow(src, srcPort);
            if (f != null && f.active())
            {
                breakFlow(f, true, now);
            }
            return;
        }
        if (!pkt.hasPorts())
        {
            return;
        }
        final Flow f = flow(pkt.dst3, pkt.dstPort);
        if (f == null || !f.active())
        {
            return;
        }
        final boolean tcp = pkt.l4Protocol == 6;
        if (pkt.src3 != vips[f.vip] || pkt.srcPort != (tcp ? TCP_PORT : UDP_PORT))
        {
            notFromVip++; // a client stack would not match it to its socket: the flow waits, and breaks in the end
            return;
        }
        if (tcp && (pkt.tcpFlags & TcpHeader.RST) != 0)
        {
            breakFlow(f, true, now);
            return;
        }
        final int acked = tcp ? buffer.getInt(pkt.l4Offset + 8, ByteOrder.BIG_ENDIAN)
            : buffer.getInt(pkt.payloadOffset, ByteOrder.BIG_ENDIAN);
        final int expected = !tcp && f.state == Flow.CLOSING ? f.seq | Integer.MIN_VALUE : f.seq;
        if (!f.awaiting || acked != expected)
        {
            return; // a duplicate answer to a retransmission
        }
        f.awaiting = false;
        f.retries = 0;
        if (f.state == Flow.CLOSING)
        {
            f.state = Flow.DONE;
            active--;
            completed++;
            observer.onDone(f, now);
            return;
        }
        if (f.state == Flow.OPENING)
        {
            f.state = Flow.ESTABLISHED;
            f.establishedNs = now;
            observer.onEstablished(f, now);
            // TCP: the handshake's ACK travels with the first data; the next segment goes at once.
            f.nextNs = now;
            onTimer(f, now);
            return;
        }
        f.nextNs = now + knobs.dataIntervalMs * 1_000_000L;
        schedule(f);
    }

    private void onArp(final long now)
    {
        onNeighbour(buffer.getInt(pkt.l3Offset + ArpPacket.SENDER_IP_OFFSET, ByteOrder.BIG_ENDIAN),
            EthernetHeader.readMac(buffer, pkt.l3Offset + ArpPacket.SENDER_MAC_OFFSET), now);
    }

    private void onNeighbour(final int senderIp, final long senderMac, final long now)
    {
        for (int v = 0; v < vips.length; v++)
        {
            if (vips[v] == senderIp && vipMac[v] != senderMac)
            {
                vipMac[v] = senderMac;
                arpChanges.add(new ArpChange(now, v, senderMac));
                observer.onArpChange(v, senderMac);
            }
        }
    }

    private Flow flow(final int clientIp, final int clientPort)
    {
        final int index = workload.indexOf(clientIp, clientPort);
        return index < 0 ? null : workload.byIndex()[index];
    }

    private void breakFlow(final Flow f, final boolean reset, final long now)
    {
        f.state = Flow.BROKEN;
        f.awaiting = false;
        f.brokenNs = now;
        active--;
        broken++;
        f.cause = cause(f, reset);
        observer.onBroken(f, now);
    }

    private Cause cause(final Flow f, final boolean reset)
    {
        if (f.rs >= 0 && farm.dead(f.rs))
        {
            return Cause.RS_FAILURE;
        }
        final boolean failover = reset
            || f.lastDrop == io.fleet.director.forward.Verdict.DROP_TCP_NOT_SYN.ordinal();
        if (failover)
        {
            return knobs.sync && f.unsyncedAtFault ? Cause.DIRECTOR_FAILOVER_UNSYNCED : Cause.DIRECTOR_FAILOVER;
        }
        if (f.lastDrop == io.fleet.director.forward.Verdict.DROP_TABLE_FULL.ordinal())
        {
            return Cause.TABLE_FULL;
        }
        return Cause.NO_ROUTE;
    }
}
