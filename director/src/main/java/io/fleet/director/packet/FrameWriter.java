package io.fleet.director.packet;

import io.fleet.director.service.IpAddress;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Builds complete Ethernet frames with correct lengths and checksums, for tests, the simulator and the replay
 * tool (it allocates; it is not for the packet path). Set the layers' fields fluently, then call one of the
 * terminal methods ({@link #tcp}, {@link #udp}, {@link #icmpEcho}, {@link #icmpError}, {@link #arpRequest},
 * {@link #neighbourSolicitation} ...), which returns a new frame and leaves the writer reusable.
 *
 * <pre>
 * byte[] syn = FrameWriter.frame().macs(clientMac, directorMac).ipv4(client, vip)
 *     .tcp(40000, 80, TcpHeader.SYN, 1000, 0, new byte[0]);
 * </pre>
 *
 * Defaults: locally administered MACs 02:00:00:00:00:01 to 02:00:00:00:00:02, untagged, TTL 64, no DF,
 * identification 1, window 65535, UDP checksums on, no padding to the 60-byte Ethernet minimum.
 */
public final class FrameWriter
{
    private static final ByteOrder BE = ByteOrder.BIG_ENDIAN;
    private static final byte[] NO_BYTES = new byte[0];
    private static final int MIN_FRAME = 60;
    /** RFC 1812 (v4: 576 bytes in all) and RFC 4443 (v6: 1280) bound how much an ICMP error quotes. */
    private static final int MAX_QUOTE_V4 = 576 - 20 - 8;
    private static final int MAX_QUOTE_V6 = 1280 - 40 - 8;

    private enum Sum
    {
        NONE, PLAIN, PSEUDO, PSEUDO_UDP
    }

    private long sourceMac = 0x02_00_00_00_00_01L;
    private long destinationMac = 0x02_00_00_00_00_02L;
    private int vlanTci = -1;
    private boolean pad;

    private boolean ipv6;
    private final int[] src = new int[4];
    private final int[] dst = new int[4];
    private int ttl = 64;
    private int trafficClass;
    private int identification = 1;
    private boolean dontFragment;
    private int fragmentOffset;
    private boolean moreFragments;
    private byte[] ipv4Options = NO_BYTES;
    private int flowLabel;
    private final List<byte[]> extensions = new ArrayList<>();
    private final List<Integer> extensionTypes = new ArrayList<>();

    private int window = 65535;
    private byte[] tcpOptions = NO_BYTES;
    private boolean udpChecksum = true;

    public static FrameWriter frame()
    {
        return new FrameWriter();
    }

    /** Source and destination MAC, low 48 bits. */
    public FrameWriter macs(final long source, final long destination)
    {
        this.sourceMac = source;
        this.destinationMac = destination;
        return this;
    }

    /** Adds one 802.1Q tag with this TCI (PCP, DEI, VLAN id); -1 for none. */
    public FrameWriter vlan(final int tci)
    {
        this.vlanTci = tci;
        return this;
    }

    /** Pads short frames with zeros to the 60-byte Ethernet minimum, as a NIC would. */
    public FrameWriter padToMinimum(final boolean pad)
    {
        this.pad = pad;
        return this;
    }

    public FrameWriter ipv4(final int source, final int destination)
    {
        ipv6 = false;
        Arrays.fill(src, 0);
        Arrays.fill(dst, 0);
        src[3] = source;
        dst[3] = destination;
        return this;
    }

    public FrameWriter ipv6(final IpAddress source, final IpAddress destination)
    {
        if (!source.isIpv6() || !destination.isIpv6())
        {
            throw new IllegalArgumentException("not IPv6: " + source + " -> " + destination);
        }
        return ip(source, destination);
    }

    /** Source and destination of either family (both the same). */
    public FrameWriter ip(final IpAddress source, final IpAddress destination)
    {
        if (source.isIpv6() != destination.isIpv6())
        {
            throw new IllegalArgumentException("families differ: " + source + " -> " + destination);
        }
        ipv6 = source.isIpv6();
        for (int i = 0; i < 4; i++)
        {
            src[i] = source.word(i);
            dst[i] = destination.word(i);
        }
        return this;
    }

    /** IPv4 TTL or IPv6 hop limit. */
    public FrameWriter ttl(final int ttl)
    {
        this.ttl = ttl;
        return this;
    }

    /** IPv4 TOS byte (DSCP and ECN) or IPv6 traffic class. */
    public FrameWriter trafficClass(final int trafficClass)
    {
        this.trafficClass = trafficClass;
        return this;
    }

    public FrameWriter flowLabel(final int flowLabel)
    {
        this.flowLabel = flowLabel;
        return this;
    }

    public FrameWriter identification(final int identification)
    {
        this.identification = identification;
        return this;
    }

    public FrameWriter dontFragment(final boolean df)
    {
        this.dontFragment = df;
        return this;
    }

    /**
     * Writes these IPv4 fragment fields as they are (offset in bytes). The transport header and checksum are
     * still built over what is given, so for a later fragment use {@link #ipPayload}; to cut a whole packet into
     * consistent fragments use {@link #fragmentIpv4}.
     */
    public FrameWriter fragment(final int offsetBytes, final boolean more)
    {
        this.fragmentOffset = offsetBytes;
        this.moreFragments = more;
        return this;
    }

    /** IPv4 options, padded with end-of-options to a multiple of 4 (at most 40 bytes). */
    public FrameWriter ipv4Options(final byte[] options)
    {
        final int padded = (options.length + 3) & ~3;
        if (padded > 40)
        {
            throw new IllegalArgumentException("IPv4 options take at most 40 bytes, not " + padded);
        }
        this.ipv4Options = Arrays.copyOf(options, padded);
        return this;
    }

    /**
     * Appends an IPv6 hop-by-hop (0), routing (43, type 0 with segments left 0) or destination-options (60)
     * header of {@code length} bytes (a multiple of 8, at least 8), its body filled with PadN.
     */
    public FrameWriter ipv6Extension(final int type, final int length)
    {
        if (length < 8 || length % 8 != 0 || length > 2048)
        {
            throw new IllegalArgumentException("extension header length must be 8..2048 and a multiple of 8: " + length);
        }
        final byte[] header = new byte[length];
        header[1] = (byte)(length / 8 - 1);
        if (type != Ipv6Header.NEXT_HEADER_ROUTING)
        {
            // PadN option covering the body (RFC 8200 section 4.2).
            header[2] = 1;
            header[3] = (byte)(length - 4);
        }
        extensions.add(header);
        extensionTypes.add(type);
        return this;
    }

    /** Appends an IPv6 fragment header (offset in bytes, a multiple of 8). */
    public FrameWriter ipv6FragmentHeader(final int offsetBytes, final boolean more, final int id)
    {
        final byte[] header = new byte[Ipv6Header.FRAGMENT_HEADER_LENGTH];
        final UnsafeBuffer b = new UnsafeBuffer(header);
        b.putShort(Ipv6Header.FRAGMENT_OFFSET_FLAGS_OFFSET, (short)((offsetBytes & 0xFFF8) | (more ? 1 : 0)), BE);
        b.putInt(Ipv6Header.FRAGMENT_IDENTIFICATION_OFFSET, id, BE);
        extensions.add(header);
        extensionTypes.add(Ipv6Header.NEXT_HEADER_FRAGMENT);
        return this;
    }

    public FrameWriter window(final int window)
    {
        this.window = window;
        return this;
    }

    /** TCP options, padded with end-of-options to a multiple of 4 (at most 40 bytes). */
    public FrameWriter tcpOptions(final byte[] options)
    {
        final int padded = (options.length + 3) & ~3;
        if (padded > 40)
        {
            throw new IllegalArgumentException("TCP options take at most 40 bytes, not " + padded);
        }
        this.tcpOptions = Arrays.copyOf(options, padded);
        return this;
    }

    /** Whether UDP over IPv4 carries a checksum; without one the field is 0 ("none"). */
    public FrameWriter udpChecksum(final boolean on)
    {
        this.udpChecksum = on;
        return this;
    }

    /** A TCP segment; {@code seq} and {@code ack} are the raw 32 bits. */
    public byte[] tcp(
        final int sourcePort, final int destinationPort, final int flags, final int seq, final int ack,
        final byte[] payload)
    {
        final int headerLength = TcpHeader.MIN_HEADER_LENGTH + tcpOptions.length;
        final byte[] segment = new byte[headerLength + payload.length];
        final UnsafeBuffer b = new UnsafeBuffer(segment);
        new TcpHeader().wrap(b, 0)
            .sourcePort(sourcePort)
            .destinationPort(destinationPort)
            .sequenceNumber(seq)
            .acknowledgmentNumber(ack)
            .dataOffset(headerLength / 4)
            .flags(flags)
            .window(window)
            .checksum(0)
            .urgentPointer(0);
        b.putBytes(TcpHeader.MIN_HEADER_LENGTH, tcpOptions);
        b.putBytes(headerLength, payload);
        return ip(Ipv4Header.PROTOCOL_TCP, segment, TcpHeader.CHECKSUM_OFFSET, Sum.PSEUDO, ttl);
    }

    public byte[] udp(final int sourcePort, final int destinationPort, final byte[] payload)
    {
        final byte[] datagram = new byte[UdpHeader.HEADER_LENGTH + payload.length];
        final UnsafeBuffer b = new UnsafeBuffer(datagram);
        new UdpHeader().wrap(b, 0)
            .sourcePort(sourcePort)
            .destinationPort(destinationPort)
            .length(datagram.length)
            .checksum(0);
        b.putBytes(UdpHeader.HEADER_LENGTH, payload);
        return ip(Ipv4Header.PROTOCOL_UDP, datagram, UdpHeader.CHECKSUM_OFFSET, Sum.PSEUDO_UDP, ttl);
    }

    /** ICMP (v4 or v6, after the addresses' family) echo request or reply. */
    public byte[] icmpEcho(final boolean request, final int identifier, final int sequence, final byte[] payload)
    {
        final int type = ipv6
            ? (request ? IcmpHeader.V6_ECHO_REQUEST : IcmpHeader.V6_ECHO_REPLY)
            : (request ? IcmpHeader.V4_ECHO_REQUEST : IcmpHeader.V4_ECHO_REPLY);
        return icmp(type, 0, (identifier << 16) | (sequence & 0xFFFF), payload);
    }

    /**
     * An ICMP error quoting the IP packet of {@code offendingFrame}, as much as RFC 1812 / RFC 4443 allow (548
     * bytes for v4, 1232 for v6). For v4 "fragmentation needed" put the MTU in the low 16 bits of
     * {@code restOfHeader}; for v6 "packet too big" the MTU is the whole word.
     */
    public byte[] icmpError(final int type, final int code, final int restOfHeader, final byte[] offendingFrame)
    {
        return icmpError(type, code, restOfHeader, offendingFrame, ipv6 ? MAX_QUOTE_V6 : MAX_QUOTE_V4);
    }

    /** As {@link #icmpError(int, int, int, byte[])}, quoting at most {@code quoteLength} bytes. */
    public byte[] icmpError(
        final int type, final int code, final int restOfHeader, final byte[] offendingFrame, final int quoteLength)
    {
        final byte[] packet = ipPacketOf(offendingFrame);
        return icmp(type, code, restOfHeader, Arrays.copyOf(packet, Math.min(packet.length, quoteLength)));
    }

    /** Any ICMP (v4 or v6) message: the 8-byte header, then {@code body}. */
    public byte[] icmp(final int type, final int code, final int restOfHeader, final byte[] body)
    {
        final byte[] message = new byte[IcmpHeader.HEADER_LENGTH + body.length];
        final UnsafeBuffer b = new UnsafeBuffer(message);
        new IcmpHeader().wrap(b, 0).type(type).code(code).checksum(0).restOfHeader(restOfHeader);
        b.putBytes(IcmpHeader.HEADER_LENGTH, body);
        return ipv6
            ? ip(Ipv4Header.PROTOCOL_ICMPV6, message, IcmpHeader.CHECKSUM_OFFSET, Sum.PSEUDO, ttl)
            : ip(Ipv4Header.PROTOCOL_ICMP, message, IcmpHeader.CHECKSUM_OFFSET, Sum.PLAIN, ttl);
    }

    /** An IP packet carrying {@code payload} as given under this protocol number (nothing computed in it). */
    public byte[] ipPayload(final int protocol, final byte[] payload)
    {
        return ip(protocol, payload.clone(), -1, Sum.NONE, ttl);
    }

    /** A broadcast ARP request from this writer's source MAC: who has {@code targetIp}, tell {@code senderIp}. */
    public byte[] arpRequest(final int senderIp, final int targetIp)
    {
        return arp(ArpPacket.OPERATION_REQUEST, EthernetHeader.BROADCAST_MAC, senderIp, 0, targetIp);
    }

    /** An ARP reply to {@code targetMac}: {@code senderIp} is at this writer's source MAC. */
    public byte[] arpReply(final int senderIp, final long targetMac, final int targetIp)
    {
        return arp(ArpPacket.OPERATION_REPLY, targetMac, senderIp, targetMac, targetIp);
    }

    /** A gratuitous ARP (a broadcast request for the sender's own address), as a new VIP holder sends. */
    public byte[] gratuitousArp(final int address)
    {
        return arp(ArpPacket.OPERATION_REQUEST, EthernetHeader.BROADCAST_MAC, address, 0, address);
    }

    private byte[] arp(
        final int operation, final long ethernetDestination, final int senderIp, final long targetMac,
        final int targetIp)
    {
        final int l2 = l2Length();
        final byte[] frame = new byte[l2 + ArpPacket.LENGTH];
        final UnsafeBuffer b = new UnsafeBuffer(frame);
        writeEthernet(b, ethernetDestination, EthernetHeader.ETHER_TYPE_ARP);
        new ArpPacket().wrap(b, l2)
            .ethernetIpv4()
            .operation(operation)
            .senderMac(sourceMac)
            .senderIp(senderIp)
            .targetMac(targetMac)
            .targetIp(targetIp);
        return padded(frame);
    }

    /**
     * An IPv6 neighbour solicitation for {@code target} (RFC 4861) from this writer's source address and MAC,
     * with a source link-layer address option, to the target's solicited-node multicast group (the configured
     * destination address and MAC are not used).
     */
    public byte[] neighbourSolicitation(final IpAddress target)
    {
        final int[] saved = dst.clone();
        final long savedMac = destinationMac;
        dst[0] = 0xFF02_0000;
        dst[1] = 0;
        dst[2] = 1;
        dst[3] = 0xFF00_0000 | (target.word(3) & 0xFF_FFFF);
        destinationMac = 0x3333_FF00_0000L | (target.word(3) & 0xFF_FFFFL);
        try
        {
            return neighbourMessage(IcmpHeader.V6_NEIGHBOR_SOLICITATION, 0, target, 1);
        }
        finally
        {
            System.arraycopy(saved, 0, dst, 0, 4);
            destinationMac = savedMac;
        }
    }

    /**
     * An IPv6 neighbour advertisement for {@code target} with a target link-layer address option (this writer's
     * source MAC), to the configured destination address and MAC.
     */
    public byte[] neighbourAdvertisement(
        final IpAddress target, final boolean router, final boolean solicited, final boolean override)
    {
        final int flags = (router ? 0x8000_0000 : 0) | (solicited ? 0x4000_0000 : 0) | (override ? 0x2000_0000 : 0);
        return neighbourMessage(IcmpHeader.V6_NEIGHBOR_ADVERTISEMENT, flags, target, 2);
    }

    private byte[] neighbourMessage(final int type, final int flags, final IpAddress target, final int optionType)
    {
        if (!ipv6 || !target.isIpv6())
        {
            throw new IllegalStateException("neighbour discovery needs IPv6 addresses (set ipv6(...) first)");
        }
        final byte[] message = new byte[IcmpHeader.HEADER_LENGTH + 16 + 8];
        final UnsafeBuffer b = new UnsafeBuffer(message);
        new IcmpHeader().wrap(b, 0).type(type).code(0).checksum(0).restOfHeader(flags);
        for (int i = 0; i < 4; i++)
        {
            b.putInt(IcmpHeader.HEADER_LENGTH + 4 * i, target.word(i), BE);
        }
        b.putByte(24, (byte)optionType);
        b.putByte(25, (byte)1);
        EthernetHeader.writeMac(b, 26, sourceMac);
        // RFC 4861 7.1.1: a hop limit other than 255 means the message crossed a router; receivers drop it.
        return ip(Ipv4Header.PROTOCOL_ICMPV6, message, IcmpHeader.CHECKSUM_OFFSET, Sum.PSEUDO, 255);
    }

    private byte[] ip(final int protocol, final byte[] l4, final int checksumAt, final Sum rule, final int hopLimit)
    {
        final UnsafeBuffer segment = new UnsafeBuffer(l4);
        if (rule != Sum.NONE)
        {
            segment.putShort(checksumAt, (short)0, BE);
            long sum = Checksums.sum(segment, 0, l4.length);
            if (rule != Sum.PLAIN)
            {
                sum += ipv6
                    ? Checksums.ipv6PseudoHeaderSum(src[0], src[1], src[2], src[3], dst[0], dst[1], dst[2], dst[3],
                        protocol, l4.length)
                    : Checksums.ipv4PseudoHeaderSum(src[3], dst[3], protocol, l4.length);
            }
            final int checksum;
            if (rule == Sum.PSEUDO_UDP)
            {
                checksum = udpChecksum || ipv6 ? Checksums.finishUdp(sum) : 0;
            }
            else
            {
                checksum = Checksums.finish(sum);
            }
            segment.putShort(checksumAt, (short)checksum, BE);
        }
        return ipv6 ? ipv6Packet(protocol, l4, hopLimit) : ipv4Packet(protocol, l4, hopLimit);
    }

    private byte[] ipv4Packet(final int protocol, final byte[] l4, final int hopLimit)
    {
        final int l2 = l2Length();
        final int headerLength = Ipv4Header.MIN_HEADER_LENGTH + ipv4Options.length;
        final byte[] frame = new byte[l2 + headerLength + l4.length];
        final UnsafeBuffer b = new UnsafeBuffer(frame);
        writeEthernet(b, destinationMac, EthernetHeader.ETHER_TYPE_IPV4);
        final Ipv4Header ip = new Ipv4Header().wrap(b, l2)
            .version(4)
            .ihl(headerLength / 4)
            .dscp(trafficClass >>> 2)
            .ecn(trafficClass & 3)
            .totalLength(headerLength + l4.length)
            .identification(identification)
            .flagsAndFragmentOffset(0)
            .dontFragment(dontFragment)
            .moreFragments(moreFragments)
            .fragmentOffset(fragmentOffset)
            .ttl(hopLimit)
            .protocol(protocol)
            .sourceAddress(src[3])
            .destinationAddress(dst[3]);
        b.putBytes(l2 + Ipv4Header.OPTIONS_OFFSET, ipv4Options);
        ip.updateHeaderChecksum();
        b.putBytes(l2 + headerLength, l4);
        return padded(frame);
    }

    private byte[] ipv6Packet(final int protocol, final byte[] l4, final int hopLimit)
    {
        final int l2 = l2Length();
        int extensionLength = 0;
        for (final byte[] e : extensions)
        {
            extensionLength += e.length;
        }
        final byte[] frame = new byte[l2 + Ipv6Header.HEADER_LENGTH + extensionLength + l4.length];
        final UnsafeBuffer b = new UnsafeBuffer(frame);
        writeEthernet(b, destinationMac, EthernetHeader.ETHER_TYPE_IPV6);
        new Ipv6Header().wrap(b, l2)
            .versionClassFlow(6, trafficClass, flowLabel)
            .payloadLength(extensionLength + l4.length)
            .nextHeader(extensions.isEmpty() ? protocol : extensionTypes.get(0))
            .hopLimit(hopLimit)
            .source(src[0], src[1], src[2], src[3])
            .destination(dst[0], dst[1], dst[2], dst[3]);
        int at = l2 + Ipv6Header.HEADER_LENGTH;
        for (int i = 0; i < extensions.size(); i++)
        {
            final byte[] e = extensions.get(i);
            b.putBytes(at, e);
            b.putByte(at, (byte)(i + 1 < extensions.size() ? extensionTypes.get(i + 1) : protocol));
            at += e.length;
        }
        b.putBytes(at, l4);
        return padded(frame);
    }

    private int l2Length()
    {
        return vlanTci >= 0 ? EthernetHeader.TAGGED_HEADER_LENGTH : EthernetHeader.HEADER_LENGTH;
    }

    private void writeEthernet(final UnsafeBuffer b, final long destination, final int etherType)
    {
        final EthernetHeader eth = new EthernetHeader().wrap(b, 0).destinationMac(destination).sourceMac(sourceMac);
        if (vlanTci >= 0)
        {
            eth.vlanTci(vlanTci).vlanEtherType(etherType);
        }
        else
        {
            eth.etherType(etherType);
        }
    }

    private byte[] padded(final byte[] frame)
    {
        return pad && frame.length < MIN_FRAME ? Arrays.copyOf(frame, MIN_FRAME) : frame;
    }

    /** The IP packet inside an Ethernet frame (tagged or not), without any Ethernet padding. */
    public static byte[] ipPacketOf(final byte[] frame)
    {
        final UnsafeBuffer b = new UnsafeBuffer(frame);
        int l3 = EthernetHeader.HEADER_LENGTH;
        int etherType = b.getShort(EthernetHeader.ETHER_TYPE_OFFSET, BE) & 0xFFFF;
        if (etherType == EthernetHeader.ETHER_TYPE_VLAN)
        {
            l3 = EthernetHeader.TAGGED_HEADER_LENGTH;
            etherType = b.getShort(EthernetHeader.VLAN_ETHER_TYPE_OFFSET, BE) & 0xFFFF;
        }
        final int length;
        if (etherType == EthernetHeader.ETHER_TYPE_IPV4)
        {
            length = new Ipv4Header().wrap(b, l3).totalLength();
        }
        else if (etherType == EthernetHeader.ETHER_TYPE_IPV6)
        {
            length = Ipv6Header.HEADER_LENGTH + new Ipv6Header().wrap(b, l3).payloadLength();
        }
        else
        {
            throw new IllegalArgumentException("not an IP frame: EtherType 0x" + Integer.toHexString(etherType));
        }
        return Arrays.copyOfRange(frame, l3, l3 + length);
    }

    /**
     * Cuts an IPv4 frame into fragments carrying at most {@code fragmentPayload} bytes of IP payload each (a
     * multiple of 8), each with its own header checksum. Every option is copied into every fragment (RFC 791
     * copies only those with the copied flag; the parser does not care).
     */
    public static List<byte[]> fragmentIpv4(final byte[] frame, final int fragmentPayload)
    {
        if (fragmentPayload < 8 || fragmentPayload % 8 != 0)
        {
            throw new IllegalArgumentException("fragment payload must be a positive multiple of 8: " + fragmentPayload);
        }
        final int l3 = l3Of(frame);
        final UnsafeBuffer in = new UnsafeBuffer(frame);
        final Ipv4Header header = new Ipv4Header().wrap(in, l3);
        final int headerLength = header.headerLength();
        final int payload = header.totalLength() - headerLength;
        final int baseOffset = header.fragmentOffset();
        final boolean baseMore = header.moreFragments();
        final List<byte[]> fragments = new ArrayList<>();
        for (int at = 0; at < payload; at += fragmentPayload)
        {
            final int size = Math.min(fragmentPayload, payload - at);
            final byte[] f = new byte[l3 + headerLength + size];
            System.arraycopy(frame, 0, f, 0, l3 + headerLength);
            System.arraycopy(frame, l3 + headerLength + at, f, l3 + headerLength, size);
            new Ipv4Header().wrap(new UnsafeBuffer(f), l3)
                .totalLength(headerLength + size)
                .fragmentOffset(baseOffset + at)
                .moreFragments(at + size < payload || baseMore)
                .updateHeaderChecksum();
            fragments.add(f);
        }
        return fragments;
    }

    /**
     * Cuts an IPv6 frame without extension headers into fragments carrying at most {@code fragmentPayload} bytes
     * (a multiple of 8) of its payload each, behind a fragment header with identification {@code id}.
     */
    public static List<byte[]> fragmentIpv6(final byte[] frame, final int fragmentPayload, final int id)
    {
        if (fragmentPayload < 8 || fragmentPayload % 8 != 0)
        {
            throw new IllegalArgumentException("fragment payload must be a positive multiple of 8: " + fragmentPayload);
        }
        final int l3 = l3Of(frame);
        final UnsafeBuffer in = new UnsafeBuffer(frame);
        final Ipv6Header header = new Ipv6Header().wrap(in, l3);
        if (Ipv6Header.isWalkedExtension(header.nextHeader()))
        {
            throw new IllegalArgumentException("only packets without extension headers are fragmented here");
        }
        final int protocol = header.nextHeader();
        final int payload = header.payloadLength();
        final int start = l3 + Ipv6Header.HEADER_LENGTH;
        final List<byte[]> fragments = new ArrayList<>();
        for (int at = 0; at < payload; at += fragmentPayload)
        {
            final int size = Math.min(fragmentPayload, payload - at);
            final byte[] f = new byte[start + Ipv6Header.FRAGMENT_HEADER_LENGTH + size];
            System.arraycopy(frame, 0, f, 0, start);
            System.arraycopy(frame, start + at, f, start + Ipv6Header.FRAGMENT_HEADER_LENGTH, size);
            final UnsafeBuffer b = new UnsafeBuffer(f);
            new Ipv6Header().wrap(b, l3)
                .payloadLength(Ipv6Header.FRAGMENT_HEADER_LENGTH + size)
                .nextHeader(Ipv6Header.NEXT_HEADER_FRAGMENT);
            b.putByte(start, (byte)protocol);
            b.putShort(start + Ipv6Header.FRAGMENT_OFFSET_FLAGS_OFFSET,
                (short)(at | (at + size < payload ? Ipv6Header.FRAGMENT_MORE_FLAG : 0)), BE);
            b.putInt(start + Ipv6Header.FRAGMENT_IDENTIFICATION_OFFSET, id, BE);
            fragments.add(f);
        }
        return fragments;
    }

    private static int l3Of(final byte[] frame)
    {
        final int etherType = new UnsafeBuffer(frame).getShort(EthernetHeader.ETHER_TYPE_OFFSET, BE) & 0xFFFF;
        return etherType == EthernetHeader.ETHER_TYPE_VLAN ? EthernetHeader.TAGGED_HEADER_LENGTH : EthernetHeader.HEADER_LENGTH;
    }
}
