package io.fleet.director.forward;

import io.fleet.director.conn.ConnectionRecord;
import io.fleet.director.conn.ConnectionTable;
import io.fleet.director.conn.LocalPortPool;
import io.fleet.director.conn.TcpState;
import io.fleet.director.conn.Timeouts;
import io.fleet.director.packet.ArpPacket;
import io.fleet.director.packet.Checksums;
import io.fleet.director.packet.EthernetHeader;
import io.fleet.director.packet.IcmpHeader;
import io.fleet.director.packet.Ipv4Header;
import io.fleet.director.packet.Ipv6Header;
import io.fleet.director.packet.PacketParser;
import io.fleet.director.packet.ParseResult;
import io.fleet.director.packet.ParsedPacket;
import io.fleet.director.packet.TcpHeader;
import io.fleet.director.packet.UdpHeader;
import io.fleet.director.service.FlowKey;
import io.fleet.director.service.ForwardingMethod;
import io.fleet.director.service.IpAddress;
import io.fleet.director.service.RealServer;
import io.fleet.director.service.Service;
import io.fleet.director.service.VirtualService;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * The forwarding core of one worker: frames in, frames out, every decision made on plain buffers. It parses a
 * frame, answers ARP / neighbour solicitations and pings for the VIPs it holds, finds the frame's connection
 * (or the NAT/FULLNAT connection a reply belongs to), schedules new connections through the service's scheduler
 * and persistence templates, tracks TCP state as IPVS does, and rewrites the frame for the connection's
 * forwarding method (DR, NAT, TUN, FULLNAT) before handing it to the {@link FrameSink}.
 *
 * <p>Single-threaded: one worker owns the core, its connection tables and its counters. It allocates nothing per
 * frame; every drop has a {@link Verdict} and a counter; malformed input never throws.
 */
public final class ForwardingCore
{
    /** Sync event types on the outbound ring; the payload is a {@link ConnectionRecord}. */
    public static final int EVENT_CREATED = 1;
    public static final int EVENT_CHANGED = 2;
    public static final int EVENT_CLOSED = 3;
    /** Record type on the inbound ring: a connection from another director. */
    public static final int REMOTE_RECORD = 1;

    private static final ByteOrder BE = ByteOrder.BIG_ENDIAN;
    /** The I/G bit of a MAC held as a 48-bit long: set for multicast and broadcast. */
    private static final long GROUP_BIT = 0x0100_0000_0000L;
    /** values() copies the array each call; the packet path must not allocate. */
    private static final ForwardingMethod[] METHODS = ForwardingMethod.values();
    private static final int PROTO_ICMP = 1;
    private static final int PROTO_TCP = 6;
    private static final int PROTO_UDP = 17;
    private static final int PROTO_IPV6_IN_IP = 41;
    private static final int PROTO_ICMPV6 = 58;
    private static final int EXPIRE_BATCH = 4096;
    private static final int REMOTE_BATCH = 1024;
    private static final long NEIGHBOUR_RETRY_NS = 1_000_000_000L;
    private static final long FRAGMENT_TIMEOUT_NS = 30_000_000_000L;

    private final long portMac;
    private final int mtu;
    private final int[] own4;
    private final int[] own6;
    private final long gatewayMac;
    private final Timeouts timeouts;
    private final long epochOffsetNs;
    private final FrameSink sink;

    /** Replaced as a whole by {@link #reconcile}; read on the packet path, so only the worker touches them. */
    private Service[] services;
    private Destination[] destinations;
    private int[][] serviceDestinations;
    /**
     * (service, server address, port) folded to a long -> destination id, so that a replicated record finds its
     * destination without scanning the service's servers (500 servers made that scan a tenth of the simulator's
     * time). A fold can collide: a hit is checked, and a miss or a mismatch falls back to the scan.
     */
    private org.agrona.collections.Long2LongHashMap destinationIndex = new org.agrona.collections.Long2LongHashMap(-1);
    private final java.util.Map<IpAddress, Long> staticMacs;
    private final boolean holdAllVips;
    /** VIPs the election handed over, also those no service uses yet (a service may come later). */
    private final java.util.Set<IpAddress> heldVips = new java.util.HashSet<>();
    private final List<IpAddress> localAddresses;
    /** Addresses the election moves (every VIP group's): answered only while held, FULLNAT local ones included. */
    private final List<IpAddress> electedAddresses;
    private final ConnectionTable table4;
    private final ConnectionTable table6;
    private final LocalPortPool pool4;
    private final LocalPortPool pool6;
    private final NeighbourCache neighbours;
    private final FragmentCache fragments;
    private final CoreCounters counters = new CoreCounters();

    /** Addresses the core answers ARP/ND for: VIPs (while held) and FULLNAT local addresses. */
    private int[] answerWords;
    private boolean[] answerV6;
    private boolean[] answerHeld;

    private final RingBuffer events;
    private final RingBuffer remote;
    private final ConnectionRecord.View remoteView = new ConnectionRecord.View();
    private final org.agrona.concurrent.MessageHandler remoteHandler = this::onRemote;
    private final ConnectionTable.ExpiryHandler expiryHandler = this::onExpire;

    private final PacketParser parser = new PacketParser();
    private final ParsedPacket pkt = new ParsedPacket();
    private final FlowKey key = new FlowKey();
    private final FlowKey templateKey = new FlowKey();
    private final FlowKey replyKey = new FlowKey();
    /** Frames the core builds (tunnels, answers, ICMP errors): the largest IP packet plus room for layer 2. */
    private final UnsafeBuffer scratch = new UnsafeBuffer(new byte[65_536 + 256]);
    private final int[] words = new int[4];
    private final int[] words2 = new int[4];
    private long lastNowNs;
    private long lastClientRequestNs = Long.MIN_VALUE / 2;

    public ForwardingCore(final ForwardingConfig config, final FrameSink sink, final long nowNs)
    {
        this.portMac = config.portMac;
        this.mtu = config.mtu;
        this.own4 = config.ipv4 == null ? null : words(config.ipv4);
        this.own6 = config.ipv6 == null ? null : words(config.ipv6);
        this.gatewayMac = config.gatewayMac;
        this.timeouts = config.timeouts;
        this.epochOffsetNs = config.epochOffsetNs;
        this.sink = sink;
        this.services = config.services.toArray(new Service[0]);
        this.staticMacs = new java.util.HashMap<>(config.staticMacs);
        this.holdAllVips = config.holdVips;

        final List<Destination> dests = new ArrayList<>();
        this.serviceDestinations = new int[services.length][];
        for (int s = 0; s < services.length; s++)
        {
            final RealServer[] servers = services[s].realServers();
            serviceDestinations[s] = new int[servers.length];
            for (int r = 0; r < servers.length; r++)
            {
                final Destination d = newDestination(dests.size(), s, servers[r]);
                serviceDestinations[s][r] = d.id;
                dests.add(d);
            }
        }
        this.destinations = dests.toArray(new Destination[0]);
        rebuildDestinationIndex();
        this.table4 = new ConnectionTable(false, config.capacity4, config.tickNs, config.wheelSlots, nowNs);
        this.table6 = new ConnectionTable(true, config.capacity6, config.tickNs, config.wheelSlots, nowNs);
        final List<IpAddress> local4 = new ArrayList<>();
        final List<IpAddress> local6 = new ArrayList<>();
        for (final IpAddress a : config.localAddresses)
        {
            (a.isIpv6() ? local6 : local4).add(a);
        }
        this.pool4 = local4.isEmpty() ? null : new LocalPortPool(local4.toArray(new IpAddress[0]), config.localPortMin, config.localPortMax);
        this.pool6 = local6.isEmpty() ? null : new LocalPortPool(local6.toArray(new IpAddress[0]), config.localPortMin, config.localPortMax);
        this.neighbours = new NeighbourCache(config.neighbourCapacity);
        this.fragments = new FragmentCache(config.fragmentSlots);
        for (final java.util.Map.Entry<IpAddress, Long> e : config.staticMacs.entrySet())
        {
            final IpAddress a = e.getKey();
            neighbours.learn(a.isIpv6(), a.word(0), a.word(1), a.word(2), a.word(3), e.getValue());
        }

        final List<IpAddress> locals = new ArrayList<>(local4);
        locals.addAll(local6);
        this.localAddresses = locals;
        this.electedAddresses = List.copyOf(config.electedAddresses);
        rebuildAnswers();

        this.events = config.syncRingBytes > 0 ? ring(config.syncRingBytes) : null;
        this.remote = config.syncRingBytes > 0 ? ring(config.syncRingBytes) : null;
        this.lastNowNs = nowNs;
    }

    private static RingBuffer ring(final int bytes)
    {
        final int capacity = Integer.highestOneBit(Math.max(1024, bytes - 1)) << 1;
        return new OneToOneRingBuffer(new UnsafeBuffer(
            ByteBuffer.allocateDirect(capacity + RingBufferDescriptor.TRAILER_LENGTH)));
    }

    private static int[] words(final IpAddress a)
    {
        return new int[] {a.word(0), a.word(1), a.word(2), a.word(3)};
    }

    // ================================================================================================ API

    public CoreCounters counters()
    {
        return counters;
    }

    public ConnectionTable table(final boolean ipv6)
    {
        return ipv6 ? table6 : table4;
    }

    public Destination destination(final int id)
    {
        return destinations[id];
    }

    public int destinationCount()
    {
        return destinations.length;
    }

    public int serviceCount()
    {
        return services.length;
    }

    public Service service(final int index)
    {
        return services[index];
    }

    /**
     * A virtual service's counters, summed over its real servers: connections, packets in, packets out, bytes in,
     * bytes out, active connections, inactive connections (in that order in {@code out}, which needs 7 slots).
     */
    public void serviceCounters(final int service, final long[] out)
    {
        java.util.Arrays.fill(out, 0, 7, 0);
        for (final int id : serviceDestinations[service])
        {
            final Destination d = destinations[id];
            out[0] += d.connections;
            out[1] += d.packetsIn;
            out[2] += d.packetsOut;
            out[3] += d.bytesIn;
            out[4] += d.bytesOut;
            out[5] += d.server.activeConnections();
            out[6] += d.server.inactiveConnections();
        }
    }

    /** The queue of connection events for sync (null when sync is off); the sync side reads it. */
    public RingBuffer events()
    {
        return events;
    }

    /** The queue of connection records from other directors (null when sync is off); the sync side writes it. */
    public RingBuffer remote()
    {
        return remote;
    }

    /** Starts or stops answering for a VIP (the election decides); connections through it go on either way. */
    public void hold(final IpAddress vip, final boolean held)
    {
        if (held)
        {
            heldVips.add(vip);
        }
        else
        {
            heldVips.remove(vip);
        }
        for (int i = 0; i < answerHeld.length; i++)
        {
            if (answerV6[i] == vip.isIpv6() && answerWords[4 * i] == vip.word(0) && answerWords[4 * i + 1] == vip.word(1)
                && answerWords[4 * i + 2] == vip.word(2) && answerWords[4 * i + 3] == vip.word(3))
            {
                answerHeld[i] = held;
            }
        }
    }

    /** Learns a neighbour's MAC (from an ARP or ND reply seen elsewhere, or configuration). */
    public void learn(final IpAddress address, final long mac)
    {
        learn(address.isIpv6(), address.word(0), address.word(1), address.word(2), address.word(3), mac);
    }

    /**
     * Timers and the inbound sync queue; call at the top of every worker cycle.
     *
     * @return work done (entries expired plus records applied).
     */
    public int poll(final long nowNs)
    {
        lastNowNs = nowNs;
        int work = table4.expire(nowNs, EXPIRE_BATCH, expiryHandler);
        work += table6.expire(nowNs, EXPIRE_BATCH, expiryHandler);
        if (remote != null)
        {
            work += remote.read(remoteHandler, REMOTE_BATCH);
        }
        return work;
    }

    /**
     * Processes one frame: parse, decide, rewrite in place (or build into scratch), send.
     *
     * @return what happened to it.
     */
    public Verdict process(final MutableDirectBuffer buffer, final int offset, final int length, final long nowNs)
    {
        lastNowNs = nowNs;
        counters.frameIn();
        final int rc = parser.parse(buffer, offset, length, pkt);
        final Verdict v;
        if (rc != ParseResult.OK)
        {
            counters.parseError(rc);
            v = Verdict.DROP_MALFORMED;
        }
        else if (pkt.etherType == EthernetHeader.ETHER_TYPE_ARP)
        {
            v = onArp(buffer);
        }
        else
        {
            v = onIp(buffer, nowNs);
        }
        counters.count(v);
        return v;
    }

    // ================================================================================================ reconcile

    /**
     * Brings the running services to a new desired state, keeping every connection: an existing service (same
     * protocol, VIP and port) is edited in place ({@link Service#edit}, a new scheduler only when its kind or flags
     * change), a real server that stays keeps its {@link Destination} and counters and takes the new method,
     * weight and thresholds ({@link RealServer#edit}), new services and real servers are added, and the scan order
     * becomes the desired one. A real server (or service) that goes stops receiving new connections at once; as
     * with IPVS's trash list, its {@code Destination} stays while connections or persistence templates bound to it
     * live, so they go on forwarding to it until they end, and it is revived (connections and all) if it comes
     * back before that. Its slot is reused only once nothing refers to it.
     *
     * <p>Call it on the worker's thread only (through the worker's command queue). It allocates: it is control
     * work, never on the packet path.
     *
     * @param desired services with their real servers in scan order, each with a fresh scheduler; the objects are
     *                templates: running services keep their own {@link Service} and {@link RealServer} objects.
     * @return one line per service or server that could not be applied (the rest is applied); empty when all was.
     */
    public List<String> reconcile(final List<Service> desired)
    {
        final List<String> problems = new ArrayList<>();
        final java.util.Map<String, Service> running = new java.util.LinkedHashMap<>();
        for (final Service s : services)
        {
            running.put(s.virtualService().key(), s);
        }
        final List<Service> next = new ArrayList<>();
        for (final Service want : desired)
        {
            final VirtualService vs = want.virtualService();
            if (next.stream().anyMatch(n -> n.virtualService().key().equals(vs.key())))
            {
                problems.add(vs.key() + ": given twice; the first is kept");
                continue;
            }
            final Service have = running.remove(vs.key());
            try
            {
                next.add(have == null ? revive(want) : update(have, want, problems));
            }
            catch (final RuntimeException ex)
            {
                problems.add(vs.key() + ": " + ex.getMessage());
                if (have != null)
                {
                    next.add(have);
                }
            }
        }
        install(next);
        return problems;
    }

    /** A new service; a real server of it still in the trash (same service, address, port) comes back with its connections. */
    private Service revive(final Service want)
    {
        final List<RealServer> list = new ArrayList<>();
        for (final RealServer rs : want.realServers())
        {
            final Destination trashed = trashed(want.virtualService().key(), rs);
            if (trashed != null)
            {
                trashed.server.edit(rs.method(), rs.weight(), rs.upperThreshold(), rs.lowerThreshold());
                list.add(trashed.server);
            }
            else
            {
                list.add(rs);
            }
        }
        return Service.of(want.virtualService(), want.scheduler(), list);
    }

    private Service update(final Service have, final Service want, final List<String> problems)
    {
        have.updateTo(want, rs ->
        {
            final Destination d = trashed(want.virtualService().key(), rs);
            return d == null ? null : d.server;
        }, problems);
        return have;
    }

    private Destination trashed(final String serviceKey, final RealServer rs)
    {
        for (final Destination d : destinations)
        {
            if (d.service < 0 && serviceKey.equals(d.serviceKey) && d.server.address().equals(rs.address())
                && d.server.port() == rs.port())
            {
                return d;
            }
        }
        return null;
    }

    /** Swaps in the new services: destinations by identity of their server, new ones in free or new slots. */
    private void install(final List<Service> next)
    {
        final java.util.IdentityHashMap<RealServer, Destination> byServer = new java.util.IdentityHashMap<>();
        final java.util.Set<RealServer> kept = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        for (final Service service : next)
        {
            kept.addAll(java.util.Arrays.asList(service.realServers()));
        }
        for (final Destination d : destinations)
        {
            byServer.put(d.server, d);
            d.service = kept.contains(d.server) ? Integer.MAX_VALUE : -1;
        }
        final List<Destination> slots = new ArrayList<>(java.util.Arrays.asList(destinations));
        final int[][] perService = new int[next.size()][];
        for (int s = 0; s < next.size(); s++)
        {
            final Service service = next.get(s);
            final RealServer[] servers = service.realServers();
            perService[s] = new int[servers.length];
            for (int r = 0; r < servers.length; r++)
            {
                Destination d = byServer.get(servers[r]);
                if (d == null)
                {
                    d = newDestination(freeSlot(slots, byServer), s, servers[r]);
                    if (d.id == slots.size())
                    {
                        slots.add(d);
                    }
                    else
                    {
                        slots.set(d.id, d);
                    }
                    byServer.put(servers[r], d);
                }
                d.service = s;
                d.serviceKey = service.virtualService().key();
                perService[s][r] = d.id;
            }
        }
        this.services = next.toArray(new Service[0]);
        this.serviceDestinations = perService;
        this.destinations = slots.toArray(new Destination[0]);
        rebuildDestinationIndex();
        rebuildAnswers();
    }

    /** A slot whose destination is in the trash with nothing bound to it any more, else a new one at the end. */
    private int freeSlot(final List<Destination> slots, final java.util.IdentityHashMap<RealServer, Destination> byServer)
    {
        for (int i = 0; i < slots.size(); i++)
        {
            final Destination d = slots.get(i);
            // Only a trashed destination (-1) is free; kept ones are marked until they get their index.
            if (d.service == -1 && d.server.totalConnections() == 0 && d.server.persistentConnections() == 0)
            {
                byServer.remove(d.server);
                d.service = Integer.MIN_VALUE; // taken: not offered twice in one reconcile
                return i;
            }
        }
        return slots.size();
    }

    private Destination newDestination(final int id, final int service, final RealServer rs)
    {
        final Long mac = staticMacs.get(rs.address());
        long known = mac == null ? NeighbourCache.MISSING : mac;
        if (known == NeighbourCache.MISSING && neighbours != null)
        {
            final IpAddress a = rs.address();
            known = neighbours.lookup(a.isIpv6(), a.word(0), a.word(1), a.word(2), a.word(3));
        }
        final Destination d = new Destination(id, service, rs, known);
        d.serviceKey = service < services.length ? services[service].virtualService().key() : null;
        return d;
    }

    /** Real servers that left their service but still carry connections or templates (IPVS's trash). */
    public int trashedDestinations()
    {
        int n = 0;
        for (final Destination d : destinations)
        {
            if (d.service < 0 && (d.server.totalConnections() > 0 || d.server.persistentConnections() > 0))
            {
                n++;
            }
        }
        return n;
    }

    /** The index of a running service by ipvsadm key ({@link VirtualService#key()}), or -1. */
    public int serviceIndex(final String key)
    {
        for (int s = 0; s < services.length; s++)
        {
            if (services[s].virtualService().key().equals(key))
            {
                return s;
            }
        }
        return -1;
    }

    /** The destination ids of a service's real servers, in scan order. Do not modify. */
    public int[] serviceDestinations(final int service)
    {
        return serviceDestinations[service];
    }

    /** {@code ipvsadm -Z}: the traffic counters of a service's real servers go back to zero. */
    public void zeroCounters(final int service)
    {
        for (final int id : serviceDestinations[service])
        {
            final Destination d = destinations[id];
            d.connections = 0;
            d.packetsIn = 0;
            d.packetsOut = 0;
            d.bytesIn = 0;
            d.bytesOut = 0;
        }
    }

    /** The timeouts in force; change them on the worker's thread only ({@code ipvsadm --set}). */
    public Timeouts timeouts()
    {
        return timeouts;
    }

    /** The VIPs the core answers for now (the election's choice, or all with {@code holdVips}). */
    public List<IpAddress> heldVips()
    {
        final List<IpAddress> held = new ArrayList<>();
        for (int i = 0; i < answerHeld.length; i++)
        {
            final IpAddress a = answerV6[i]
                ? IpAddress.ofIpv6(answerWords[4 * i], answerWords[4 * i + 1], answerWords[4 * i + 2], answerWords[4 * i + 3])
                : IpAddress.ofIpv4(answerWords[4 * i + 3]);
            if (answerHeld[i] && (!localAddresses.contains(a) || electedAddresses.contains(a)))
            {
                held.add(a);
            }
        }
        return held;
    }

    private void rebuildAnswers()
    {
        final List<IpAddress> answer = new ArrayList<>();
        for (final Service s : services)
        {
            final VirtualService vs = s.virtualService();
            if (vs.address() != null && !answer.contains(vs.address()))
            {
                answer.add(vs.address());
            }
        }
        for (final IpAddress a : electedAddresses)
        {
            if (!answer.contains(a) && !localAddresses.contains(a))
            {
                answer.add(a);
            }
        }
        final int electedCount = answer.size();
        answer.addAll(localAddresses);
        final int[] aw = new int[4 * answer.size()];
        final boolean[] av6 = new boolean[answer.size()];
        final boolean[] held = new boolean[answer.size()];
        for (int i = 0; i < answer.size(); i++)
        {
            final IpAddress a = answer.get(i);
            for (int w = 0; w < 4; w++)
            {
                aw[4 * i + w] = a.word(w);
            }
            av6[i] = a.isIpv6();
            // VIPs wait for the election when the config says so; FULLNAT local addresses are this director's,
            // unless the fleet shares them (elected), then only their holder answers.
            final boolean ownLocal = i >= electedCount && !electedAddresses.contains(a);
            held[i] = holdAllVips || ownLocal || heldVips.contains(a);
        }
        this.answerWords = aw;
        this.answerV6 = av6;
        this.answerHeld = held;
    }

    // ================================================================================================ ARP, ND, ping

    private Verdict onArp(final MutableDirectBuffer b)
    {
        final int arp = pkt.l3Offset;
        final int senderIp = b.getInt(arp + ArpPacket.SENDER_IP_OFFSET, BE);
        final long senderMac = EthernetHeader.readMac(b, arp + ArpPacket.SENDER_MAC_OFFSET);
        if (senderIp != 0)
        {
            learn(false, 0, 0, 0, senderIp, senderMac);
        }
        final int targetIp = b.getInt(arp + ArpPacket.TARGET_IP_OFFSET, BE);
        if (pkt.arpOperation != ArpPacket.OPERATION_REQUEST || !answers(false, 0, 0, 0, targetIp))
        {
            return Verdict.CONSUMED;
        }
        // Turn the request into the reply in place.
        b.putShort(arp + ArpPacket.OPERATION_OFFSET, (short)ArpPacket.OPERATION_REPLY, BE);
        EthernetHeader.writeMac(b, arp + ArpPacket.TARGET_MAC_OFFSET, senderMac);
        b.putInt(arp + ArpPacket.TARGET_IP_OFFSET, senderIp, BE);
        EthernetHeader.writeMac(b, arp + ArpPacket.SENDER_MAC_OFFSET, portMac);
        b.putInt(arp + ArpPacket.SENDER_IP_OFFSET, targetIp, BE);
        EthernetHeader.writeMac(b, pkt.frameOffset + EthernetHeader.DESTINATION_MAC_OFFSET, senderMac);
        EthernetHeader.writeMac(b, pkt.frameOffset + EthernetHeader.SOURCE_MAC_OFFSET, portMac);
        send(b, pkt.frameOffset, pkt.frameLength);
        return Verdict.ANSWERED;
    }

    private Verdict onNeighbourDiscovery(final MutableDirectBuffer b)
    {
        final int icmp = pkt.l4Offset;
        final int icmpEnd = pkt.ipEnd();
        if (icmpEnd - icmp < 24)
        {
            return Verdict.DROP_MALFORMED;
        }
        final int t0 = b.getInt(icmp + 8, BE);
        final int t1 = b.getInt(icmp + 12, BE);
        final int t2 = b.getInt(icmp + 16, BE);
        final int t3 = b.getInt(icmp + 20, BE);
        final long linkLayer = linkLayerOption(b, icmp + 24, icmpEnd, pkt.icmpType == IcmpHeader.V6_NEIGHBOR_SOLICITATION ? 1 : 2);
        if (pkt.icmpType == IcmpHeader.V6_NEIGHBOR_ADVERTISEMENT)
        {
            final long mac = linkLayer != NeighbourCache.MISSING
                ? linkLayer : EthernetHeader.readMac(b, pkt.frameOffset + EthernetHeader.SOURCE_MAC_OFFSET);
            learn(true, t0, t1, t2, t3, mac);
            return Verdict.CONSUMED;
        }
        final boolean unspecifiedSource = (pkt.src0 | pkt.src1 | pkt.src2 | pkt.src3) == 0;
        if (!unspecifiedSource && linkLayer != NeighbourCache.MISSING)
        {
            learn(true, pkt.src0, pkt.src1, pkt.src2, pkt.src3, linkLayer);
        }
        if (!answers(true, t0, t1, t2, t3))
        {
            return Verdict.CONSUMED;
        }
        // Neighbour advertisement: solicited (unless answering duplicate address detection), override, with our MAC.
        final int l2 = pkt.l3Offset - pkt.frameOffset;
        scratch.putBytes(0, b, pkt.frameOffset, l2);
        final long requester = EthernetHeader.readMac(b, pkt.frameOffset + EthernetHeader.SOURCE_MAC_OFFSET);
        EthernetHeader.writeMac(scratch, EthernetHeader.DESTINATION_MAC_OFFSET, unspecifiedSource ? 0x3333_0000_0001L : requester);
        EthernetHeader.writeMac(scratch, EthernetHeader.SOURCE_MAC_OFFSET, portMac);
        final int ip = l2;
        final int payload = 32;
        scratch.putInt(ip, 0x6000_0000, BE);
        scratch.putShort(ip + Ipv6Header.PAYLOAD_LENGTH_OFFSET, (short)payload, BE);
        scratch.putByte(ip + Ipv6Header.NEXT_HEADER_OFFSET, (byte)PROTO_ICMPV6);
        scratch.putByte(ip + Ipv6Header.HOP_LIMIT_OFFSET, (byte)255);
        putWords(scratch, ip + Ipv6Header.SOURCE_OFFSET, t0, t1, t2, t3);
        if (unspecifiedSource)
        {
            putWords(scratch, ip + Ipv6Header.DESTINATION_OFFSET, 0xff02_0000, 0, 0, 1);
        }
        else
        {
            putWords(scratch, ip + Ipv6Header.DESTINATION_OFFSET, pkt.src0, pkt.src1, pkt.src2, pkt.src3);
        }
        final int icmpOut = ip + Ipv6Header.HEADER_LENGTH;
        scratch.putByte(icmpOut, (byte)IcmpHeader.V6_NEIGHBOR_ADVERTISEMENT);
        scratch.putByte(icmpOut + 1, (byte)0);
        scratch.putShort(icmpOut + 2, (short)0);
        scratch.putInt(icmpOut + 4, unspecifiedSource ? 0x2000_0000 : 0x6000_0000, BE);
        putWords(scratch, icmpOut + 8, t0, t1, t2, t3);
        scratch.putByte(icmpOut + 24, (byte)2);
        scratch.putByte(icmpOut + 25, (byte)1);
        EthernetHeader.writeMac(scratch, icmpOut + 26, portMac);
        icmpv6Checksum(scratch, ip, icmpOut, payload);
        send(scratch, 0, icmpOut + payload);
        return Verdict.ANSWERED;
    }

    /** The MAC in a source (1) or target (2) link-layer address option, or MISSING. */
    private static long linkLayerOption(final DirectBuffer b, final int from, final int end, final int type)
    {
        int at = from;
        while (at + 8 <= end)
        {
            final int t = b.getByte(at) & 0xFF;
            final int len = (b.getByte(at + 1) & 0xFF) * 8;
            if (len == 0)
            {
                return NeighbourCache.MISSING;
            }
            if (t == type && len >= 8)
            {
                return EthernetHeader.readMac((MutableDirectBuffer)b, at + 2);
            }
            at += len;
        }
        return NeighbourCache.MISSING;
    }

    private Verdict onEchoRequest(final MutableDirectBuffer b, final boolean v6)
    {
        final int l3 = pkt.l3Offset;
        final int icmp = pkt.l4Offset;
        final int oldTypeCode = b.getShort(icmp, BE) & 0xFFFF;
        final int newTypeCode = (v6 ? IcmpHeader.V6_ECHO_REPLY : IcmpHeader.V4_ECHO_REPLY) << 8;
        b.putShort(icmp, (short)newTypeCode, BE);
        final int checksum = b.getShort(icmp + IcmpHeader.CHECKSUM_OFFSET, BE) & 0xFFFF;
        b.putShort(icmp + IcmpHeader.CHECKSUM_OFFSET, (short)Checksums.update16(checksum, oldTypeCode, newTypeCode), BE);
        if (v6)
        {
            // Swapping source and destination leaves the pseudo-header sum as it was.
            swapWords(b, l3 + Ipv6Header.SOURCE_OFFSET, l3 + Ipv6Header.DESTINATION_OFFSET, 4);
            b.putByte(l3 + Ipv6Header.HOP_LIMIT_OFFSET, (byte)64);
        }
        else
        {
            swapWords(b, l3 + Ipv4Header.SOURCE_OFFSET, l3 + Ipv4Header.DESTINATION_OFFSET, 1);
            final int oldTtlProto = b.getShort(l3 + Ipv4Header.TTL_OFFSET, BE) & 0xFFFF;
            final int newTtlProto = (64 << 8) | (oldTtlProto & 0xFF);
            b.putShort(l3 + Ipv4Header.TTL_OFFSET, (short)newTtlProto, BE);
            final int hc = b.getShort(l3 + Ipv4Header.HEADER_CHECKSUM_OFFSET, BE) & 0xFFFF;
            b.putShort(l3 + Ipv4Header.HEADER_CHECKSUM_OFFSET, (short)Checksums.update16(hc, oldTtlProto, newTtlProto), BE);
        }
        final long requester = EthernetHeader.readMac(b, pkt.frameOffset + EthernetHeader.SOURCE_MAC_OFFSET);
        EthernetHeader.writeMac(b, pkt.frameOffset + EthernetHeader.DESTINATION_MAC_OFFSET, requester);
        EthernetHeader.writeMac(b, pkt.frameOffset + EthernetHeader.SOURCE_MAC_OFFSET, portMac);
        send(b, pkt.frameOffset, pkt.ipEnd() - pkt.frameOffset);
        return Verdict.ANSWERED;
    }

    // ================================================================================================ IP

    private Verdict onIp(final MutableDirectBuffer b, final long nowNs)
    {
        // A unicast frame for another MAC is another director's (a flooding switch, a promiscuous capture): acting
        // on it would duplicate its forwarding. Multicast and broadcast (neighbour discovery) are everyone's.
        final long destinationMac = EthernetHeader.readMac(b, pkt.frameOffset + EthernetHeader.DESTINATION_MAC_OFFSET);
        if (destinationMac != portMac && (destinationMac & GROUP_BIT) == 0)
        {
            return Verdict.DROP_NOT_FOR_US;
        }
        final boolean v6 = pkt.ipVersion == 6;
        final ConnectionTable table = v6 ? table6 : table4;
        if (pkt.l4Protocol == (v6 ? PROTO_ICMPV6 : PROTO_ICMP) && !pkt.fragment)
        {
            if (pkt.icmpError)
            {
                return onIcmpError(b, table, v6);
            }
            if (v6 && (pkt.icmpType == IcmpHeader.V6_NEIGHBOR_SOLICITATION || pkt.icmpType == IcmpHeader.V6_NEIGHBOR_ADVERTISEMENT))
            {
                return onNeighbourDiscovery(b);
            }
            if (pkt.icmpType == (v6 ? IcmpHeader.V6_ECHO_REQUEST : IcmpHeader.V4_ECHO_REQUEST)
                && answers(v6, pkt.dst0, pkt.dst1, pkt.dst2, pkt.dst3))
            {
                return onEchoRequest(b, v6);
            }
            return answers(v6, pkt.dst0, pkt.dst1, pkt.dst2, pkt.dst3) ? Verdict.DROP_UNSUPPORTED : Verdict.DROP_NOT_FOR_US;
        }
        if (pkt.fragment && pkt.fragmentOffset != 0)
        {
            return onLaterFragment(b, table, v6, nowNs);
        }
        if (!pkt.hasPorts())
        {
            return answers(v6, pkt.dst0, pkt.dst1, pkt.dst2, pkt.dst3) ? Verdict.DROP_UNSUPPORTED : Verdict.DROP_NOT_FOR_US;
        }
        fillKey(key, pkt.l4Protocol);
        int e = table.find(key);
        if (e != ConnectionTable.NONE && pkt.l4Protocol == PROTO_TCP && closing(table.state(e))
            && (pkt.tcpFlags & (TcpHeader.SYN | TcpHeader.ACK | TcpHeader.RST)) == TcpHeader.SYN)
        {
            // A new connection on the 5-tuple of one that is closing (IPVS's conn_reuse_mode 1): schedule it afresh
            // rather than reuse the old server and FULLNAT pair, whose old connection may still linger there.
            unbind(table, e);
            table.remove(e);
            e = ConnectionTable.NONE;
            counters.connectionReused();
        }
        if (e != ConnectionTable.NONE)
        {
            rememberFragment(table, e, v6, nowNs);
            return toRealServer(b, table, e, nowNs);
        }
        e = table.findReply(key);
        if (e != ConnectionTable.NONE)
        {
            return toClient(b, table, e, nowNs);
        }
        return newConnection(b, table, v6, nowNs);
    }

    private void fillKey(final FlowKey k, final int protocol)
    {
        if (pkt.ipVersion == 6)
        {
            k.set6(protocol, pkt.src0, pkt.src1, pkt.src2, pkt.src3, pkt.srcPort, pkt.dst0, pkt.dst1, pkt.dst2, pkt.dst3, pkt.dstPort);
        }
        else
        {
            k.ipv4(protocol, pkt.src3, pkt.srcPort, pkt.dst3, pkt.dstPort);
        }
    }

    // ================================================================================================ new connections

    private Verdict newConnection(final MutableDirectBuffer b, final ConnectionTable table, final boolean v6, final long nowNs)
    {
        final int s = findService(v6, pkt.l4Protocol, pkt.dst0, pkt.dst1, pkt.dst2, pkt.dst3, pkt.dstPort);
        if (s < 0)
        {
            return answers(v6, pkt.dst0, pkt.dst1, pkt.dst2, pkt.dst3) ? Verdict.DROP_NO_SERVICE : Verdict.DROP_NOT_FOR_US;
        }
        final boolean tcp = pkt.l4Protocol == PROTO_TCP;
        if (tcp && (pkt.tcpFlags & (TcpHeader.SYN | TcpHeader.ACK | TcpHeader.RST)) != TcpHeader.SYN)
        {
            // IPVS schedules TCP only on a SYN; anything else without a connection is not ours to start.
            return Verdict.DROP_TCP_NOT_SYN;
        }
        final Service service = services[s];
        final VirtualService vs = service.virtualService();

        int template = ConnectionTable.NONE;
        RealServer rs = null;
        if (vs.persistent())
        {
            maskedClient(vs, v6);
            template = table.findTemplate(templateKey, vs.port());
            if (template != ConnectionTable.NONE)
            {
                final Destination d = destinations[table.dest(template)];
                // A template may point at a server that left the service since (reconcile): schedule anew then.
                if (d.service == s && d.server.weight() > 0)
                {
                    rs = d.server;
                }
            }
        }
        if (rs == null)
        {
            rs = service.pick(key, nowNs);
            if (rs == null)
            {
                return Verdict.DROP_NO_REAL_SERVER;
            }
        }
        final int dest = destinationOf(s, rs);

        if (!tcp && vs.onePacket())
        {
            // One-packet scheduling: each datagram is scheduled on its own; no entry is kept.
            final Destination d = destinations[dest];
            d.connections++;
            return rewriteToRealServer(b, table, ConnectionTable.NONE, d, rs.method(), 0, 0);
        }

        final long timeoutNs = tcp ? timeouts.tcpNs(TcpState.NONE) : timeouts.udpNs();
        final int e = table.insert(key, nowNs + timeoutNs);
        if (e == ConnectionTable.NONE)
        {
            return Verdict.DROP_TABLE_FULL;
        }
        final ForwardingMethod method = rs.method();
        table.dest(e, dest);
        table.method(e, method.ordinal());
        table.state(e, TcpState.NONE);
        final Destination d = destinations[dest];
        if (method == ForwardingMethod.FULLNAT)
        {
            final LocalPortPool pool = v6 ? pool6 : pool4;
            final long pair = pool == null ? LocalPortPool.EXHAUSTED : pool.allocate();
            if (pair == LocalPortPool.EXHAUSTED)
            {
                table.remove(e);
                return Verdict.DROP_LOCAL_PORTS_EXHAUSTED;
            }
            final IpAddress local = pool.address((int)(pair >>> 16));
            for (int i = 0; i < 4; i++)
            {
                words[i] = local.word(i);
            }
            table.bindReverse(e, d.address, rs.port(), words, (int)(pair & 0xFFFF));
        }
        else if (method == ForwardingMethod.NAT)
        {
            table.bindReverse(e, d.address, rs.port(), null, 0);
        }
        else
        {
            table.realServer(e, d.address, rs.port());
        }
        rs.connectionBound(false);
        d.connections++;
        // Replies go back the way the client's frames came: its MAC, or its router's.
        neighbours.learn(v6, pkt.src0, pkt.src1, pkt.src2, pkt.src3,
            EthernetHeader.readMac(b, pkt.frameOffset + EthernetHeader.SOURCE_MAC_OFFSET));

        if (vs.persistent())
        {
            final long templateExpiryNs = nowNs + vs.persistenceTimeoutS() * 1_000_000_000L;
            if (template == ConnectionTable.NONE)
            {
                template = table.insertTemplate(templateKey, vs.port(), templateExpiryNs);
                if (template != ConnectionTable.NONE)
                {
                    table.dest(template, dest);
                    table.realServer(template, d.address, rs.port());
                    rs.templateBound(true);
                }
            }
            else
            {
                if (table.dest(template) != dest)
                {
                    // The template's server is quiesced: the client moves (IPVS with expire_quiescent_template).
                    destinations[table.dest(template)].server.templateBound(false);
                    table.dest(template, dest);
                    table.realServer(template, d.address, rs.port());
                    rs.templateBound(true);
                }
                table.expiry(template, templateExpiryNs);
            }
            if (template != ConnectionTable.NONE)
            {
                table.controller(e, template);
                table.controlled(template, table.controlled(template) + 1);
            }
        }
        publish(table, e, EVENT_CREATED);
        rememberFragment(table, e, v6, nowNs);
        return toRealServer(b, table, e, nowNs);
    }

    private void maskedClient(final VirtualService vs, final boolean v6)
    {
        final int prefix = vs.persistenceNetmask();
        if (v6)
        {
            templateKey.set6(pkt.l4Protocol,
                pkt.src0 & IpAddress.prefixMaskWord(true, prefix, 0), pkt.src1 & IpAddress.prefixMaskWord(true, prefix, 1),
                pkt.src2 & IpAddress.prefixMaskWord(true, prefix, 2), pkt.src3 & IpAddress.prefixMaskWord(true, prefix, 3), 0,
                pkt.dst0, pkt.dst1, pkt.dst2, pkt.dst3, vs.port());
        }
        else
        {
            templateKey.ipv4(pkt.l4Protocol, pkt.src3 & IpAddress.prefixMaskWord(false, prefix, 3), 0, pkt.dst3, vs.port());
        }
    }

    private int findService(final boolean v6, final int protocol, final int d0, final int d1, final int d2, final int d3, final int port)
    {
        int portless = -1;
        for (int s = 0; s < services.length; s++)
        {
            final VirtualService vs = services[s].virtualService();
            final IpAddress a = vs.address();
            if (a == null || a.isIpv6() != v6 || vs.protocol().number() != protocol)
            {
                continue;
            }
            if (a.word(3) != d3 || a.word(2) != d2 || a.word(1) != d1 || a.word(0) != d0)
            {
                continue;
            }
            if (vs.port() == port)
            {
                return s;
            }
            if (vs.port() == 0)
            {
                portless = s;
            }
        }
        return portless;
    }

    private int destinationOf(final int service, final RealServer rs)
    {
        final int[] ids = serviceDestinations[service];
        for (final int id : ids)
        {
            if (destinations[id].server == rs)
            {
                return id;
            }
        }
        throw new IllegalStateException("scheduler returned a server outside its service: " + rs);
    }

    // ================================================================================================ established

    private Verdict toRealServer(final MutableDirectBuffer b, final ConnectionTable table, final int e, final long nowNs)
    {
        final Destination d = destinations[table.dest(e)];
        final ForwardingMethod method = METHODS[table.method(e)];
        track(table, e, d, method.repliesViaDirector() ? TcpState.DIR_INPUT : TcpState.DIR_INPUT_ONLY, nowNs);
        d.packetsIn++;
        d.bytesIn += pkt.ipTotalLength;
        return rewriteToRealServer(b, table, e, d, method, table.localPort(e), table.rsPort(e));
    }

    private Verdict toClient(final MutableDirectBuffer b, final ConnectionTable table, final int e, final long nowNs)
    {
        final Destination d = destinations[table.dest(e)];
        track(table, e, d, TcpState.DIR_OUTPUT, nowNs);
        table.flag(e, ConnectionTable.FLAG_REPLIED, true);
        d.packetsOut++;
        d.bytesOut += pkt.ipTotalLength;
        final boolean v6 = pkt.ipVersion == 6;
        final boolean fullnat = table.method(e) == ForwardingMethod.FULLNAT.ordinal();
        // Source becomes the VIP:port the client talks to; under FULLNAT the destination becomes the client again.
        rewriteAddress(b, true, table.vip(e, 0), table.vip(e, 1), table.vip(e, 2), table.vip(e, 3));
        rewritePort(b, true, table.vipPort(e));
        if (fullnat)
        {
            rewriteAddress(b, false, table.client(e, 0), table.client(e, 1), table.client(e, 2), table.client(e, 3));
            rewritePort(b, false, table.clientPort(e));
        }
        clientWords(table, e);
        return sendToClient(b, v6, words2);
    }

    /** Sends the (rewritten) frame toward a client: its MAC, else the gateway's, else ask and drop. */
    private Verdict sendToClient(final MutableDirectBuffer b, final boolean v6, final int[] client)
    {
        long mac = neighbours.lookup(v6, client[0], client[1], client[2], client[3]);
        if (mac == NeighbourCache.MISSING)
        {
            mac = gatewayMac;
        }
        if (mac == NeighbourCache.MISSING)
        {
            if (lastNowNs - lastClientRequestNs > NEIGHBOUR_RETRY_NS)
            {
                lastClientRequestNs = lastNowNs;
                solicit(v6, client[0], client[1], client[2], client[3]);
            }
            return Verdict.DROP_NEIGHBOUR_MISS;
        }
        EthernetHeader.writeMac(b, pkt.frameOffset + EthernetHeader.DESTINATION_MAC_OFFSET, mac);
        EthernetHeader.writeMac(b, pkt.frameOffset + EthernetHeader.SOURCE_MAC_OFFSET, portMac);
        send(b, pkt.frameOffset, pkt.ipEnd() - pkt.frameOffset);
        return Verdict.FORWARDED;
    }

    /** TCP state and expiry, as IPVS's set_tcp_state / timer refresh. */
    private void track(final ConnectionTable table, final int e, final Destination d, final int direction, final long nowNs)
    {
        if (pkt.l4Protocol != PROTO_TCP)
        {
            table.expiry(e, nowNs + timeouts.udpNs());
            return;
        }
        final int old = table.state(e);
        final int next = pkt.fragmentOffset == 0 ? TcpState.next(old, direction, pkt.tcpFlags) : old;
        if (next != old)
        {
            table.state(e, next);
            final boolean wasActive = table.hasFlag(e, ConnectionTable.FLAG_ACTIVE);
            final boolean active = next == TcpState.ESTABLISHED;
            if (active != wasActive)
            {
                table.flag(e, ConnectionTable.FLAG_ACTIVE, active);
                d.server.connectionActivity(active);
            }
            publish(table, e, EVENT_CHANGED);
        }
        table.expiry(e, nowNs + timeouts.tcpNs(next));
    }

    private Verdict rewriteToRealServer(
        final MutableDirectBuffer b, final ConnectionTable table, final int e, final Destination d,
        final ForwardingMethod method, final int localPort, final int rsPort)
    {
        final boolean v6 = pkt.ipVersion == 6;
        switch (method)
        {
            case DR:
                return sendToDestination(b, d, v6);
            case NAT:
                rewriteAddress(b, false, d.address[0], d.address[1], d.address[2], d.address[3]);
                rewritePort(b, false, rsPort == 0 ? d.server.port() : rsPort);
                return sendToDestination(b, d, v6);
            case FULLNAT:
            {
                if (e == ConnectionTable.NONE)
                {
                    return Verdict.DROP_UNSUPPORTED; // one-packet scheduling with FULLNAT: refused at config time
                }
                rewriteAddress(b, true, table.local(e, 0), table.local(e, 1), table.local(e, 2), table.local(e, 3));
                rewritePort(b, true, localPort);
                rewriteAddress(b, false, d.address[0], d.address[1], d.address[2], d.address[3]);
                rewritePort(b, false, rsPort);
                return sendToDestination(b, d, v6);
            }
            case TUN:
                return encapsulate(b, d);
            default:
                return Verdict.DROP_UNSUPPORTED;
        }
    }

    private Verdict sendToDestination(final MutableDirectBuffer b, final Destination d, final boolean v6)
    {
        final long mac = nextHop(d);
        if (mac == NeighbourCache.MISSING)
        {
            return Verdict.DROP_NEIGHBOUR_MISS;
        }
        EthernetHeader.writeMac(b, pkt.frameOffset + EthernetHeader.DESTINATION_MAC_OFFSET, mac);
        EthernetHeader.writeMac(b, pkt.frameOffset + EthernetHeader.SOURCE_MAC_OFFSET, portMac);
        send(b, pkt.frameOffset, pkt.ipEnd() - pkt.frameOffset);
        return Verdict.FORWARDED;
    }

    private long nextHop(final Destination d)
    {
        if (d.mac != NeighbourCache.MISSING)
        {
            return d.mac;
        }
        final boolean v6 = d.server.address().isIpv6();
        final long learned = neighbours.lookup(v6, d.address[0], d.address[1], d.address[2], d.address[3]);
        if (learned != NeighbourCache.MISSING)
        {
            d.mac = learned;
            return learned;
        }
        if (lastNowNs - d.lastSolicitNs > NEIGHBOUR_RETRY_NS)
        {
            d.lastSolicitNs = lastNowNs;
            solicit(v6, d.address[0], d.address[1], d.address[2], d.address[3]);
        }
        return NeighbourCache.MISSING;
    }

    // ================================================================================================ TUN

    private Verdict encapsulate(final MutableDirectBuffer b, final Destination d)
    {
        final boolean outerV6 = d.server.address().isIpv6();
        final boolean innerV6 = pkt.ipVersion == 6;
        final int innerLength = pkt.ipTotalLength;
        final int outerHeader = outerV6 ? Ipv6Header.HEADER_LENGTH : Ipv4Header.MIN_HEADER_LENGTH;
        if (innerLength + outerHeader > mtu)
        {
            if (innerV6 || pkt.dontFragment)
            {
                tooBig(b, innerV6, mtu - outerHeader);
            }
            return Verdict.DROP_TOO_BIG;
        }
        final long mac = nextHop(d);
        if (mac == NeighbourCache.MISSING)
        {
            return Verdict.DROP_NEIGHBOUR_MISS;
        }
        final int[] source = outerV6 ? own6 : own4;
        if (source == null)
        {
            return Verdict.DROP_UNSUPPORTED; // no tunnel source address of the real server's family configured
        }
        final int l2 = pkt.l3Offset - pkt.frameOffset;
        scratch.putBytes(0, b, pkt.frameOffset, l2);
        EthernetHeader.writeMac(scratch, EthernetHeader.DESTINATION_MAC_OFFSET, mac);
        EthernetHeader.writeMac(scratch, EthernetHeader.SOURCE_MAC_OFFSET, portMac);
        scratch.putShort(l2 - 2, (short)(outerV6 ? EthernetHeader.ETHER_TYPE_IPV6 : EthernetHeader.ETHER_TYPE_IPV4), BE);
        final int ip = l2;
        final int innerProtocol = innerV6 ? PROTO_IPV6_IN_IP : Ipv4Header.PROTOCOL_IPIP;
        if (outerV6)
        {
            scratch.putInt(ip, 0x6000_0000, BE);
            scratch.putShort(ip + Ipv6Header.PAYLOAD_LENGTH_OFFSET, (short)innerLength, BE);
            scratch.putByte(ip + Ipv6Header.NEXT_HEADER_OFFSET, (byte)innerProtocol);
            scratch.putByte(ip + Ipv6Header.HOP_LIMIT_OFFSET, (byte)64);
            putWords(scratch, ip + Ipv6Header.SOURCE_OFFSET, source[0], source[1], source[2], source[3]);
            putWords(scratch, ip + Ipv6Header.DESTINATION_OFFSET, d.address[0], d.address[1], d.address[2], d.address[3]);
        }
        else
        {
            scratch.putByte(ip, (byte)0x45);
            scratch.putByte(ip + Ipv4Header.TOS_OFFSET, innerV6 ? (byte)0 : b.getByte(pkt.l3Offset + Ipv4Header.TOS_OFFSET));
            scratch.putShort(ip + Ipv4Header.TOTAL_LENGTH_OFFSET, (short)(innerLength + outerHeader), BE);
            scratch.putShort(ip + Ipv4Header.IDENTIFICATION_OFFSET, (short)(tunnelId++), BE);
            scratch.putShort(ip + Ipv4Header.FLAGS_FRAGMENT_OFFSET, (short)(pkt.dontFragment || innerV6 ? Ipv4Header.FLAG_DF : 0), BE);
            scratch.putByte(ip + Ipv4Header.TTL_OFFSET, (byte)64);
            scratch.putByte(ip + Ipv4Header.PROTOCOL_OFFSET, (byte)innerProtocol);
            scratch.putShort(ip + Ipv4Header.HEADER_CHECKSUM_OFFSET, (short)0);
            scratch.putInt(ip + Ipv4Header.SOURCE_OFFSET, source[3], BE);
            scratch.putInt(ip + Ipv4Header.DESTINATION_OFFSET, d.address[3], BE);
            scratch.putShort(ip + Ipv4Header.HEADER_CHECKSUM_OFFSET,
                (short)Checksums.checksum(scratch, ip, Ipv4Header.MIN_HEADER_LENGTH), BE);
        }
        scratch.putBytes(ip + outerHeader, b, pkt.l3Offset, innerLength);
        send(scratch, 0, ip + outerHeader + innerLength);
        return Verdict.FORWARDED;
    }

    private int tunnelId;

    /** ICMP fragmentation needed (v4) or packet too big (v6) back to the sender, from the VIP. */
    private void tooBig(final MutableDirectBuffer b, final boolean v6, final int nextHopMtu)
    {
        final int l2 = pkt.l3Offset - pkt.frameOffset;
        scratch.putBytes(0, b, pkt.frameOffset, l2);
        final long sender = EthernetHeader.readMac(b, pkt.frameOffset + EthernetHeader.SOURCE_MAC_OFFSET);
        EthernetHeader.writeMac(scratch, EthernetHeader.DESTINATION_MAC_OFFSET, sender);
        EthernetHeader.writeMac(scratch, EthernetHeader.SOURCE_MAC_OFFSET, portMac);
        final int ip = l2;
        if (v6)
        {
            final int quoted = Math.min(pkt.ipTotalLength, 1280 - Ipv6Header.HEADER_LENGTH - IcmpHeader.HEADER_LENGTH);
            final int payload = IcmpHeader.HEADER_LENGTH + quoted;
            scratch.putInt(ip, 0x6000_0000, BE);
            scratch.putShort(ip + Ipv6Header.PAYLOAD_LENGTH_OFFSET, (short)payload, BE);
            scratch.putByte(ip + Ipv6Header.NEXT_HEADER_OFFSET, (byte)PROTO_ICMPV6);
            scratch.putByte(ip + Ipv6Header.HOP_LIMIT_OFFSET, (byte)64);
            putWords(scratch, ip + Ipv6Header.SOURCE_OFFSET, pkt.dst0, pkt.dst1, pkt.dst2, pkt.dst3);
            putWords(scratch, ip + Ipv6Header.DESTINATION_OFFSET, pkt.src0, pkt.src1, pkt.src2, pkt.src3);
            final int icmp = ip + Ipv6Header.HEADER_LENGTH;
            scratch.putByte(icmp, (byte)IcmpHeader.V6_PACKET_TOO_BIG);
            scratch.putByte(icmp + 1, (byte)0);
            scratch.putShort(icmp + 2, (short)0);
            scratch.putInt(icmp + 4, nextHopMtu, BE);
            scratch.putBytes(icmp + IcmpHeader.HEADER_LENGTH, b, pkt.l3Offset, quoted);
            icmpv6Checksum(scratch, ip, icmp, payload);
            send(scratch, 0, icmp + payload);
        }
        else
        {
            final int quoted = Math.min(pkt.ipTotalLength, pkt.l3HeaderLength + 8);
            final int total = Ipv4Header.MIN_HEADER_LENGTH + IcmpHeader.HEADER_LENGTH + quoted;
            scratch.putByte(ip, (byte)0x45);
            scratch.putByte(ip + 1, (byte)0xC0);
            scratch.putShort(ip + Ipv4Header.TOTAL_LENGTH_OFFSET, (short)total, BE);
            scratch.putShort(ip + Ipv4Header.IDENTIFICATION_OFFSET, (short)0);
            scratch.putShort(ip + Ipv4Header.FLAGS_FRAGMENT_OFFSET, (short)0);
            scratch.putByte(ip + Ipv4Header.TTL_OFFSET, (byte)64);
            scratch.putByte(ip + Ipv4Header.PROTOCOL_OFFSET, (byte)PROTO_ICMP);
            scratch.putShort(ip + Ipv4Header.HEADER_CHECKSUM_OFFSET, (short)0);
            scratch.putInt(ip + Ipv4Header.SOURCE_OFFSET, pkt.dst3, BE);
            scratch.putInt(ip + Ipv4Header.DESTINATION_OFFSET, pkt.src3, BE);
            scratch.putShort(ip + Ipv4Header.HEADER_CHECKSUM_OFFSET,
                (short)Checksums.checksum(scratch, ip, Ipv4Header.MIN_HEADER_LENGTH), BE);
            final int icmp = ip + Ipv4Header.MIN_HEADER_LENGTH;
            scratch.putByte(icmp, (byte)IcmpHeader.V4_DESTINATION_UNREACHABLE);
            scratch.putByte(icmp + 1, (byte)IcmpHeader.V4_CODE_FRAGMENTATION_NEEDED);
            scratch.putShort(icmp + 2, (short)0);
            scratch.putShort(icmp + 4, (short)0);
            scratch.putShort(icmp + 6, (short)nextHopMtu, BE);
            scratch.putBytes(icmp + IcmpHeader.HEADER_LENGTH, b, pkt.l3Offset, quoted);
            scratch.putShort(icmp + 2, (short)Checksums.checksum(scratch, icmp, IcmpHeader.HEADER_LENGTH + quoted), BE);
            send(scratch, 0, icmp + IcmpHeader.HEADER_LENGTH + quoted);
        }
    }

    // ================================================================================================ fragments

    private void rememberFragment(final ConnectionTable table, final int e, final boolean v6, final long nowNs)
    {
        if (pkt.fragment && pkt.fragmentOffset == 0)
        {
            fragments.put(v6, pkt.src0, pkt.src1, pkt.src2, pkt.src3, pkt.dst0, pkt.dst1, pkt.dst2, pkt.dst3,
                pkt.fragmentId, pkt.l4Protocol, e, false, nowNs + FRAGMENT_TIMEOUT_NS);
        }
    }

    private Verdict onLaterFragment(final MutableDirectBuffer b, final ConnectionTable table, final boolean v6, final long nowNs)
    {
        final long found = fragments.get(v6, pkt.src0, pkt.src1, pkt.src2, pkt.src3, pkt.dst0, pkt.dst1, pkt.dst2, pkt.dst3,
            pkt.fragmentId, pkt.l4Protocol, nowNs);
        if (found == FragmentCache.MISSING)
        {
            return Verdict.DROP_FRAGMENT_UNKNOWN;
        }
        final int e = (int)found;
        if (!table.inUse(e) || table.protocol(e) != pkt.l4Protocol)
        {
            return Verdict.DROP_FRAGMENT_UNKNOWN;
        }
        // The connection's ports are in the first fragment only; addresses are enough to rewrite the rest.
        return toRealServer(b, table, e, nowNs);
    }

    // ================================================================================================ ICMP errors

    /**
     * An ICMP error quoting a connection's packet travels like that connection (IPVS ip_vs_in_icmp /
     * ip_vs_out_icmp). Toward the real server: the quote is a packet the VIP sent to the client. Toward the client:
     * the quote is a packet the director sent to the real server (NAT/FULLNAT).
     */
    private Verdict onIcmpError(final MutableDirectBuffer b, final ConnectionTable table, final boolean v6)
    {
        if (pkt.innerIpVersion != pkt.ipVersion
            || (pkt.innerProtocol != PROTO_TCP && pkt.innerProtocol != PROTO_UDP))
        {
            return answers(v6, pkt.dst0, pkt.dst1, pkt.dst2, pkt.dst3) ? Verdict.DROP_UNSUPPORTED : Verdict.DROP_NOT_FOR_US;
        }
        // Toward the real server: quote is VIP:vport -> client:cport, so the connection key is its reverse.
        if (v6)
        {
            key.set6(pkt.innerProtocol, pkt.innerDst0, pkt.innerDst1, pkt.innerDst2, pkt.innerDst3, pkt.innerDstPort,
                pkt.innerSrc0, pkt.innerSrc1, pkt.innerSrc2, pkt.innerSrc3, pkt.innerSrcPort);
        }
        else
        {
            key.ipv4(pkt.innerProtocol, pkt.innerDst3, pkt.innerDstPort, pkt.innerSrc3, pkt.innerSrcPort);
        }
        int e = table.find(key);
        if (e != ConnectionTable.NONE)
        {
            final Destination d = destinations[table.dest(e)];
            final int method = table.method(e);
            d.packetsIn++;
            d.bytesIn += pkt.ipTotalLength;
            if (method == ForwardingMethod.DR.ordinal())
            {
                return sendToDestination(b, d, v6);
            }
            if (method == ForwardingMethod.TUN.ordinal())
            {
                return encapsulate(b, d);
            }
            // NAT/FULLNAT: outer destination and the quote's source become the real server; FULLNAT's quoted
            // destination becomes the local address the real server knows.
            writeAddress(b, pkt.l3Offset, v6, false, d.address);
            writeInner(b, v6, true, d.address, table.rsPort(e));
            if (method == ForwardingMethod.FULLNAT.ordinal())
            {
                localWords(table, e);
                writeInner(b, v6, false, words2, table.localPort(e));
            }
            finishIcmpRewrite(b, v6);
            return sendToDestination(b, d, v6);
        }
        // Toward the client: quote is peer:port -> RS:rsport; the reply key is RS -> peer.
        if (v6)
        {
            key.set6(pkt.innerProtocol, pkt.innerDst0, pkt.innerDst1, pkt.innerDst2, pkt.innerDst3, pkt.innerDstPort,
                pkt.innerSrc0, pkt.innerSrc1, pkt.innerSrc2, pkt.innerSrc3, pkt.innerSrcPort);
        }
        else
        {
            key.ipv4(pkt.innerProtocol, pkt.innerDst3, pkt.innerDstPort, pkt.innerSrc3, pkt.innerSrcPort);
        }
        e = table.findReply(key);
        if (e == ConnectionTable.NONE)
        {
            return answers(v6, pkt.dst0, pkt.dst1, pkt.dst2, pkt.dst3) ? Verdict.DROP_UNSUPPORTED : Verdict.DROP_NOT_FOR_US;
        }
        final Destination d = destinations[table.dest(e)];
        d.packetsOut++;
        d.bytesOut += pkt.ipTotalLength;
        vipWords(table, e);
        writeAddress(b, pkt.l3Offset, v6, true, words2);
        writeInner(b, v6, false, words2, table.vipPort(e));
        clientWords(table, e);
        if (table.method(e) == ForwardingMethod.FULLNAT.ordinal())
        {
            writeAddress(b, pkt.l3Offset, v6, false, words2);
            writeInner(b, v6, true, words2, table.clientPort(e));
        }
        finishIcmpRewrite(b, v6);
        return sendToClient(b, v6, words2);
    }

    private void localWords(final ConnectionTable t, final int e)
    {
        for (int i = 0; i < 4; i++)
        {
            words2[i] = t.local(e, i);
        }
    }

    private void vipWords(final ConnectionTable t, final int e)
    {
        for (int i = 0; i < 4; i++)
        {
            words2[i] = t.vip(e, i);
        }
    }

    private void clientWords(final ConnectionTable t, final int e)
    {
        for (int i = 0; i < 4; i++)
        {
            words2[i] = t.client(e, i);
        }
    }

    /** Rewrites the quoted packet's source or destination address and port (its checksums are fixed after). */
    private void writeInner(final MutableDirectBuffer b, final boolean v6, final boolean source, final int[] address, final int port)
    {
        writeAddress(b, pkt.innerL3Offset, v6, source, address);
        if (pkt.innerL4Offset > 0)
        {
            b.putShort(pkt.innerL4Offset + (source ? 0 : 2), (short)port, BE);
        }
    }

    private static void writeAddress(final MutableDirectBuffer b, final int l3, final boolean v6, final boolean source, final int[] a)
    {
        if (v6)
        {
            putWords(b, l3 + (source ? Ipv6Header.SOURCE_OFFSET : Ipv6Header.DESTINATION_OFFSET), a[0], a[1], a[2], a[3]);
        }
        else
        {
            b.putInt(l3 + (source ? Ipv4Header.SOURCE_OFFSET : Ipv4Header.DESTINATION_OFFSET), a[3], BE);
        }
    }

    /** After rewriting an ICMP error: recompute the IPv4 header checksums (outer, quoted) and the ICMP checksum. */
    private void finishIcmpRewrite(final MutableDirectBuffer b, final boolean v6)
    {
        final int l3 = pkt.l3Offset;
        final int icmp = pkt.l4Offset;
        final int icmpLength = pkt.ipEnd() - icmp;
        if (!v6)
        {
            b.putShort(l3 + Ipv4Header.HEADER_CHECKSUM_OFFSET, (short)0);
            b.putShort(l3 + Ipv4Header.HEADER_CHECKSUM_OFFSET, (short)Checksums.checksum(b, l3, pkt.l3HeaderLength), BE);
            final int inner = pkt.innerL3Offset;
            b.putShort(inner + Ipv4Header.HEADER_CHECKSUM_OFFSET, (short)0);
            b.putShort(inner + Ipv4Header.HEADER_CHECKSUM_OFFSET, (short)Checksums.checksum(b, inner, pkt.innerL3HeaderLength), BE);
            b.putShort(icmp + IcmpHeader.CHECKSUM_OFFSET, (short)0);
            b.putShort(icmp + IcmpHeader.CHECKSUM_OFFSET, (short)Checksums.checksum(b, icmp, icmpLength), BE);
        }
        else
        {
            icmpv6Checksum(b, l3, icmp, icmpLength);
        }
    }

    // ================================================================================================ rewrites

    /** Replaces the source or destination address, updating the IPv4 header and transport checksums (RFC 1624). */
    private void rewriteAddress(final MutableDirectBuffer b, final boolean source, final int n0, final int n1, final int n2, final int n3)
    {
        final int l3 = pkt.l3Offset;
        final boolean l4Here = pkt.fragmentOffset == 0 && pkt.l4Offset > 0;
        final int l4Checksum = l4Here ? transportChecksumOffset() : -1;
        if (pkt.ipVersion == 4)
        {
            final int at = l3 + (source ? Ipv4Header.SOURCE_OFFSET : Ipv4Header.DESTINATION_OFFSET);
            final int old = b.getInt(at, BE);
            b.putInt(at, n3, BE);
            final int hc = b.getShort(l3 + Ipv4Header.HEADER_CHECKSUM_OFFSET, BE) & 0xFFFF;
            b.putShort(l3 + Ipv4Header.HEADER_CHECKSUM_OFFSET, (short)Checksums.update32(hc, old, n3), BE);
            if (l4Checksum >= 0)
            {
                final int c = b.getShort(l4Checksum, BE) & 0xFFFF;
                final int updated = pkt.l4Protocol == PROTO_UDP ? Checksums.udpUpdate32(c, old, n3) : Checksums.update32(c, old, n3);
                b.putShort(l4Checksum, (short)updated, BE);
            }
        }
        else
        {
            final int at = l3 + (source ? Ipv6Header.SOURCE_OFFSET : Ipv6Header.DESTINATION_OFFSET);
            final int o0 = b.getInt(at, BE);
            final int o1 = b.getInt(at + 4, BE);
            final int o2 = b.getInt(at + 8, BE);
            final int o3 = b.getInt(at + 12, BE);
            putWords(b, at, n0, n1, n2, n3);
            if (l4Checksum >= 0)
            {
                final int c = b.getShort(l4Checksum, BE) & 0xFFFF;
                final int updated = pkt.l4Protocol == PROTO_UDP
                    ? Checksums.udpUpdate128(c, o0, o1, o2, o3, n0, n1, n2, n3)
                    : Checksums.update128(c, o0, o1, o2, o3, n0, n1, n2, n3);
                b.putShort(l4Checksum, (short)updated, BE);
            }
        }
    }

    /** Replaces the source or destination port of a TCP or UDP header, updating its checksum. */
    private void rewritePort(final MutableDirectBuffer b, final boolean source, final int port)
    {
        if (pkt.fragmentOffset != 0 || pkt.l4Offset <= 0)
        {
            return;
        }
        final int at = pkt.l4Offset + (source ? TcpHeader.SOURCE_PORT_OFFSET : TcpHeader.DESTINATION_PORT_OFFSET);
        final int old = b.getShort(at, BE) & 0xFFFF;
        if (old == port)
        {
            return;
        }
        b.putShort(at, (short)port, BE);
        final int csAt = transportChecksumOffset();
        final int c = b.getShort(csAt, BE) & 0xFFFF;
        b.putShort(csAt, (short)(pkt.l4Protocol == PROTO_UDP ? Checksums.udpUpdate16(c, old, port) : Checksums.update16(c, old, port)), BE);
    }

    private int transportChecksumOffset()
    {
        switch (pkt.l4Protocol)
        {
            case PROTO_TCP: return pkt.l4Offset + TcpHeader.CHECKSUM_OFFSET;
            case PROTO_UDP: return pkt.l4Offset + UdpHeader.CHECKSUM_OFFSET;
            case PROTO_ICMPV6: return pkt.l4Offset + IcmpHeader.CHECKSUM_OFFSET;
            default: return -1;
        }
    }

    private static void icmpv6Checksum(final MutableDirectBuffer b, final int ip, final int icmp, final int length)
    {
        b.putShort(icmp + IcmpHeader.CHECKSUM_OFFSET, (short)0);
        final long sum = Checksums.ipv6PseudoHeaderSum(b, ip, PROTO_ICMPV6, length) + Checksums.sum(b, icmp, length);
        b.putShort(icmp + IcmpHeader.CHECKSUM_OFFSET, (short)Checksums.finish(sum), BE);
    }

    private static void putWords(final MutableDirectBuffer b, final int at, final int w0, final int w1, final int w2, final int w3)
    {
        b.putInt(at, w0, BE);
        b.putInt(at + 4, w1, BE);
        b.putInt(at + 8, w2, BE);
        b.putInt(at + 12, w3, BE);
    }

    private static void swapWords(final MutableDirectBuffer b, final int a, final int c, final int count)
    {
        for (int i = 0; i < count; i++)
        {
            final int x = b.getInt(a + 4 * i, BE);
            b.putInt(a + 4 * i, b.getInt(c + 4 * i, BE), BE);
            b.putInt(c + 4 * i, x, BE);
        }
    }

    // ================================================================================================ neighbours

    private boolean answers(final boolean v6, final int w0, final int w1, final int w2, final int w3)
    {
        for (int i = 0; i < answerHeld.length; i++)
        {
            if (answerHeld[i] && answerV6[i] == v6 && answerWords[4 * i + 3] == w3 && answerWords[4 * i] == w0
                && answerWords[4 * i + 1] == w1 && answerWords[4 * i + 2] == w2)
            {
                return true;
            }
        }
        return false;
    }

    private void learn(final boolean v6, final int w0, final int w1, final int w2, final int w3, final long mac)
    {
        neighbours.learn(v6, w0, w1, w2, w3, mac);
        for (final Destination d : destinations)
        {
            if (d.server.address().isIpv6() == v6 && d.address[3] == w3 && d.address[2] == w2 && d.address[1] == w1
                && d.address[0] == w0)
            {
                d.mac = mac;
            }
        }
    }

    /** Sends an ARP request or a neighbour solicitation for an address, from the director's own address. */
    private void solicit(final boolean v6, final int w0, final int w1, final int w2, final int w3)
    {
        if (v6 ? own6 == null : own4 == null)
        {
            return;
        }
        counters.neighbourRequest();
        EthernetHeader.writeMac(scratch, EthernetHeader.SOURCE_MAC_OFFSET, portMac);
        if (!v6)
        {
            EthernetHeader.writeMac(scratch, EthernetHeader.DESTINATION_MAC_OFFSET, EthernetHeader.BROADCAST_MAC);
            scratch.putShort(EthernetHeader.ETHER_TYPE_OFFSET, (short)EthernetHeader.ETHER_TYPE_ARP, BE);
            final int arp = EthernetHeader.HEADER_LENGTH;
            scratch.putShort(arp + ArpPacket.HARDWARE_TYPE_OFFSET, (short)ArpPacket.HARDWARE_TYPE_ETHERNET, BE);
            scratch.putShort(arp + ArpPacket.PROTOCOL_TYPE_OFFSET, (short)EthernetHeader.ETHER_TYPE_IPV4, BE);
            scratch.putByte(arp + ArpPacket.HARDWARE_LENGTH_OFFSET, (byte)6);
            scratch.putByte(arp + ArpPacket.PROTOCOL_LENGTH_OFFSET, (byte)4);
            scratch.putShort(arp + ArpPacket.OPERATION_OFFSET, (short)ArpPacket.OPERATION_REQUEST, BE);
            EthernetHeader.writeMac(scratch, arp + ArpPacket.SENDER_MAC_OFFSET, portMac);
            scratch.putInt(arp + ArpPacket.SENDER_IP_OFFSET, own4[3], BE);
            EthernetHeader.writeMac(scratch, arp + ArpPacket.TARGET_MAC_OFFSET, 0);
            scratch.putInt(arp + ArpPacket.TARGET_IP_OFFSET, w3, BE);
            scratch.setMemory(arp + ArpPacket.LENGTH, 60 - arp - ArpPacket.LENGTH, (byte)0);
            send(scratch, 0, 60);
            return;
        }
        // Solicited-node multicast ff02::1:ffXX:XXXX and its MAC 33:33:ff:XX:XX:XX.
        final int low = w3 & 0x00FF_FFFF;
        EthernetHeader.writeMac(scratch, EthernetHeader.DESTINATION_MAC_OFFSET, 0x3333_FF00_0000L | low);
        scratch.putShort(EthernetHeader.ETHER_TYPE_OFFSET, (short)EthernetHeader.ETHER_TYPE_IPV6, BE);
        final int ip = EthernetHeader.HEADER_LENGTH;
        final int payload = 32;
        scratch.putInt(ip, 0x6000_0000, BE);
        scratch.putShort(ip + Ipv6Header.PAYLOAD_LENGTH_OFFSET, (short)payload, BE);
        scratch.putByte(ip + Ipv6Header.NEXT_HEADER_OFFSET, (byte)PROTO_ICMPV6);
        scratch.putByte(ip + Ipv6Header.HOP_LIMIT_OFFSET, (byte)255);
        putWords(scratch, ip + Ipv6Header.SOURCE_OFFSET, own6[0], own6[1], own6[2], own6[3]);
        putWords(scratch, ip + Ipv6Header.DESTINATION_OFFSET, 0xff02_0000, 0, 1, 0xff00_0000 | low);
        final int icmp = ip + Ipv6Header.HEADER_LENGTH;
        scratch.putByte(icmp, (byte)IcmpHeader.V6_NEIGHBOR_SOLICITATION);
        scratch.putByte(icmp + 1, (byte)0);
        scratch.putInt(icmp + 4, 0);
        putWords(scratch, icmp + 8, w0, w1, w2, w3);
        scratch.putByte(icmp + 24, (byte)1);
        scratch.putByte(icmp + 25, (byte)1);
        EthernetHeader.writeMac(scratch, icmp + 26, portMac);
        icmpv6Checksum(scratch, ip, icmp, payload);
        send(scratch, 0, icmp + payload);
    }

    private void send(final DirectBuffer b, final int offset, final int length)
    {
        counters.frameOut();
        sink.send(b, offset, length);
    }

    // ================================================================================================ expiry and sync

    private boolean onExpire(final ConnectionTable table, final int e)
    {
        if (table.isTemplate(e))
        {
            if (table.controlled(e) > 0)
            {
                // IPVS keeps a template while connections it placed are alive.
                table.expiry(e, lastNowNs + 60_000_000_000L);
                return false;
            }
            final int dest = table.dest(e);
            if (dest >= 0)
            {
                destinations[dest].server.templateBound(false);
            }
            return true;
        }
        unbind(table, e);
        publish(table, e, EVENT_CLOSED);
        return true;
    }

    /**
     * Settles a clash on a FULLNAT reply tuple (real server, local address and port) before a replicated connection
     * takes it: two entries on one tuple would send the server's answers to the wrong client. A clash happens when
     * this director's copy of a closing connection outlives the entry at the director that owns the pair (which then
     * reused it), and records do not arrive in the order they were written (a catch-up transfer goes bucket by
     * bucket). The live connection keeps the tuple and the closing one gives way; between two of a kind the newer
     * record wins (or, with overlapping port ranges between directors, the clash is real and counted).
     *
     * @return whether the record may take the tuple; false when it is the closing copy of a connection that is over.
     */
    private boolean claimReplyTuple(final ConnectionTable table, final boolean v6, final ConnectionRecord.View r, final int[] rs)
    {
        if (v6)
        {
            replyKey.set6(r.protocol(), rs[0], rs[1], rs[2], rs[3], r.rsPort(), r.local(0), r.local(1), r.local(2), r.local(3),
                r.localPort());
        }
        else
        {
            replyKey.ipv4(r.protocol(), rs[3], r.rsPort(), r.local(3), r.localPort());
        }
        final int holder = table.findReply(replyKey);
        if (holder == ConnectionTable.NONE)
        {
            return true;
        }
        counters.fullnatPairTakenOver();
        if (r.protocol() == PROTO_TCP && closing(r.state()) && !closing(table.state(holder)))
        {
            return false;
        }
        unbind(table, holder);
        table.remove(holder);
        return true;
    }

    private static boolean closing(final int tcpState)
    {
        return tcpState == TcpState.FIN_WAIT || tcpState == TcpState.TIME_WAIT || tcpState == TcpState.CLOSE
            || tcpState == TcpState.CLOSE_WAIT || tcpState == TcpState.LAST_ACK;
    }

    private static boolean isDestination(final Destination d, final ConnectionRecord.View r)
    {
        return d.address[3] == r.rs(3) && d.address[2] == r.rs(2) && d.address[1] == r.rs(1) && d.address[0] == r.rs(0)
            && d.server.port() == r.rsPort();
    }

    private static long destinationKey(final int service, final int w0, final int w1, final int w2, final int w3, final int port)
    {
        long h = service;
        h = h * 0x9E3779B97F4A7C15L + w0;
        h = h * 0x9E3779B97F4A7C15L + w1;
        h = h * 0x9E3779B97F4A7C15L + w2;
        h = h * 0x9E3779B97F4A7C15L + w3;
        h = h * 0x9E3779B97F4A7C15L + port;
        return h;
    }

    /** Control path (construction, reconcile): allocates. */
    private void rebuildDestinationIndex()
    {
        final org.agrona.collections.Long2LongHashMap index = new org.agrona.collections.Long2LongHashMap(-1);
        for (int s = 0; s < serviceDestinations.length; s++)
        {
            for (final int id : serviceDestinations[s])
            {
                final Destination d = destinations[id];
                final long key = destinationKey(s, d.address[0], d.address[1], d.address[2], d.address[3], d.server.port());
                if (!index.containsKey(key))
                {
                    index.put(key, id);
                }
            }
        }
        destinationIndex = index;
    }

    /** Gives back what a connection entry holds: its server's count, its FULLNAT local pair, its template's count. */
    private void unbind(final ConnectionTable table, final int e)
    {
        final int dest = table.dest(e);
        if (dest >= 0)
        {
            destinations[dest].server.connectionUnbound(table.hasFlag(e, ConnectionTable.FLAG_ACTIVE));
        }
        if (table.method(e) == ForwardingMethod.FULLNAT.ordinal() && table.hasFlag(e, ConnectionTable.FLAG_REVERSE))
        {
            final LocalPortPool pool = table.ipv6() ? pool6 : pool4;
            final int index = pool.indexOf(table.local(e, 0), table.local(e, 1), table.local(e, 2), table.local(e, 3));
            if (index >= 0 && pool.allocated(index, table.localPort(e)))
            {
                pool.release(index, table.localPort(e));
            }
        }
        final int template = table.controller(e);
        if (template != ConnectionTable.NONE && table.inUse(template))
        {
            table.controlled(template, Math.max(0, table.controlled(template) - 1));
        }
    }

    /**
     * Whether a newer record maps a connection this director already holds elsewhere: another real server, method or
     * FULLNAT local pair. It happens when a client reuses a 5-tuple whose old entry lingers here (TIME_WAIT) while
     * another director, without that entry, scheduled the new connection afresh; the record is the newer truth.
     */
    private boolean remapped(final ConnectionTable table, final int e, final int dest, final ConnectionRecord.View r)
    {
        if (table.dest(e) != dest || table.method(e) != r.method())
        {
            return true;
        }
        if (r.method() != ForwardingMethod.FULLNAT.ordinal())
        {
            return false;
        }
        return table.localPort(e) != r.localPort() || table.local(e, 0) != r.local(0) || table.local(e, 1) != r.local(1)
            || table.local(e, 2) != r.local(2) || table.local(e, 3) != r.local(3);
    }

    private void publish(final ConnectionTable table, final int e, final int type)
    {
        if (events == null)
        {
            return;
        }
        final int length = ConnectionRecord.length(table.ipv6());
        final int index = events.tryClaim(type, length);
        if (index <= 0)
        {
            counters.syncEventDropped();
            return;
        }
        final long expiryEpochS = (table.expiryNs(e) + epochOffsetNs) / 1_000_000_000L;
        ConnectionRecord.encode(table, e, expiryEpochS, events.buffer(), index);
        events.commit(index);
    }

    /** A connection record from another director: insert or update it here, so this director can carry it on. */
    private void onRemote(final int type, final MutableDirectBuffer buffer, final int offset, final int length)
    {
        final ConnectionRecord.View r = remoteView;
        if (type != REMOTE_RECORD || !r.wrap(buffer, offset, length))
        {
            counters.remoteRejected();
            return;
        }
        final boolean v6 = r.ipv6();
        final int s = findService(v6, r.protocol(), r.vip(0), r.vip(1), r.vip(2), r.vip(3), r.vipPort());
        int dest = -1;
        if (s >= 0)
        {
            final long hit = destinationIndex.get(destinationKey(s, r.rs(0), r.rs(1), r.rs(2), r.rs(3), r.rsPort()));
            if (hit >= 0 && isDestination(destinations[(int)hit], r))
            {
                dest = (int)hit;
            }
            else
            {
                for (final int id : serviceDestinations[s])
                {
                    if (isDestination(destinations[id], r))
                    {
                        dest = id;
                        break;
                    }
                }
            }
        }
        if (dest < 0)
        {
            counters.remoteRejected();
            return;
        }
        final ConnectionTable table = v6 ? table6 : table4;
        if (v6)
        {
            key.set6(r.protocol(), r.client(0), r.client(1), r.client(2), r.client(3), r.clientPort(),
                r.vip(0), r.vip(1), r.vip(2), r.vip(3), r.vipPort());
        }
        else
        {
            key.ipv4(r.protocol(), r.client(3), r.clientPort(), r.vip(3), r.vipPort());
        }
        final long expiryNs = r.expiryEpochS() * 1_000_000_000L - epochOffsetNs;
        int e = r.template() ? table.findTemplate(key, r.vipPort()) : table.find(key);
        final Destination d = destinations[dest];
        if (e != ConnectionTable.NONE && !r.template() && remapped(table, e, dest, r))
        {
            unbind(table, e);
            table.remove(e);
            e = ConnectionTable.NONE;
            counters.remoteRemapped();
        }
        if (e == ConnectionTable.NONE && !r.template() && r.method() == ForwardingMethod.FULLNAT.ordinal()
            && !claimReplyTuple(table, v6, r, d.address))
        {
            counters.remoteApplied();
            return;
        }
        if (e == ConnectionTable.NONE)
        {
            e = r.template() ? table.insertTemplate(key, r.vipPort(), expiryNs) : table.insert(key, expiryNs);
            if (e == ConnectionTable.NONE)
            {
                counters.remoteRejected();
                return;
            }
            table.dest(e, dest);
            table.method(e, r.method());
            table.flag(e, ConnectionTable.FLAG_REMOTE, true);
            if (r.template())
            {
                table.realServer(e, d.address, r.rsPort());
                d.server.templateBound(true);
            }
            else
            {
                if (r.method() == ForwardingMethod.FULLNAT.ordinal())
                {
                    for (int i = 0; i < 4; i++)
                    {
                        words[i] = r.local(i);
                    }
                    table.bindReverse(e, d.address, r.rsPort(), words, r.localPort());
                    // The pair is this director's too from now on (addresses are shared by the fleet).
                    final LocalPortPool pool = v6 ? pool6 : pool4;
                    final int index = pool == null ? -1 : pool.indexOf(words[0], words[1], words[2], words[3]);
                    if (index >= 0 && !pool.allocated(index, r.localPort()))
                    {
                        pool.reserve(index, r.localPort());
                    }
                }
                else if (r.method() == ForwardingMethod.NAT.ordinal())
                {
                    table.bindReverse(e, d.address, r.rsPort(), null, 0);
                }
                else
                {
                    table.realServer(e, d.address, r.rsPort());
                }
                d.server.connectionBound(false);
            }
        }
        else
        {
            table.expiry(e, expiryNs);
        }
        if (!r.template())
        {
            table.state(e, r.state());
            final boolean wasActive = table.hasFlag(e, ConnectionTable.FLAG_ACTIVE);
            if (r.active() != wasActive)
            {
                table.flag(e, ConnectionTable.FLAG_ACTIVE, r.active());
                d.server.connectionActivity(r.active());
            }
        }
        counters.remoteApplied();
    }
}
