package io.fleet.director.packet;

import org.agrona.MutableDirectBuffer;

import java.nio.ByteOrder;

/**
 * Parses one Ethernet frame into a {@link ParsedPacket}: 802.1Q (one tag), ARP, IPv4 (options, fragments,
 * header checksum checked), IPv6 (hop-by-hop, routing, fragment and destination-options headers walked, at most
 * {@link #MAX_EXTENSION_HEADERS}), TCP, UDP, ICMPv4 and ICMPv6, and the packet an ICMP error quotes.
 *
 * <p>Every read is bounded by the frame (and by the IP packet's own length, so Ethernet padding is never taken
 * for payload) before it is made: malformed or truncated input yields a {@link ParseError} ordinal, never an
 * exception, and nothing is allocated. Later fragments (offset not 0) parse OK without ports so that the worker
 * can look them up by fragment id; transport checksums are not verified here (the endpoints do that). One
 * instance per worker thread: the extension-header walk keeps its results in fields.
 */
public final class PacketParser
{
    /** Extension headers walked before the chain counts as an attack (Linux has no cap; 8 covers real use). */
    public static final int MAX_EXTENSION_HEADERS = 8;

    private static final ByteOrder BE = ByteOrder.BIG_ENDIAN;
    private static final int ARP_HEADER_PREFIX = 0x0001_0800;
    private static final int ARP_LENGTHS = 0x0604;

    // Results of walkExtensions, kept in fields because Java cannot return them without allocating.
    private int walkOffset;
    private int walkProtocol;
    private int walkFragmentOffset;
    private boolean walkMoreFragments;
    private int walkFragmentId;

    /**
     * Parses the frame at {@code buffer[offset, offset + length)} into {@code out}.
     *
     * @return {@link ParseResult#OK}, or the ordinal of the {@link ParseError} that stopped the parse.
     */
    public int parse(final MutableDirectBuffer buffer, final int offset, final int length, final ParsedPacket out)
    {
        out.reset();
        out.frameOffset = offset;
        out.frameLength = length;
        if (offset < 0 || length < 0 || offset > buffer.capacity() - length)
        {
            return ParseError.INVALID_RANGE.ordinal();
        }
        if (length < EthernetHeader.HEADER_LENGTH)
        {
            return ParseError.TRUNCATED_ETHERNET.ordinal();
        }
        final int end = offset + length;
        int etherType = u16(buffer, offset + EthernetHeader.ETHER_TYPE_OFFSET);
        int l3 = offset + EthernetHeader.HEADER_LENGTH;
        if (etherType == EthernetHeader.ETHER_TYPE_VLAN)
        {
            if (length < EthernetHeader.TAGGED_HEADER_LENGTH)
            {
                return ParseError.TRUNCATED_VLAN.ordinal();
            }
            out.vlanTci = u16(buffer, offset + EthernetHeader.VLAN_TCI_OFFSET);
            etherType = u16(buffer, offset + EthernetHeader.VLAN_ETHER_TYPE_OFFSET);
            l3 = offset + EthernetHeader.TAGGED_HEADER_LENGTH;
        }
        out.etherType = etherType;
        out.l3Offset = l3;
        switch (etherType)
        {
            case EthernetHeader.ETHER_TYPE_IPV4:
                return parseIpv4(buffer, l3, end, out);
            case EthernetHeader.ETHER_TYPE_IPV6:
                return parseIpv6(buffer, l3, end, out);
            case EthernetHeader.ETHER_TYPE_ARP:
                return parseArp(buffer, l3, end, out);
            default:
                return ParseError.UNKNOWN_ETHER_TYPE.ordinal();
        }
    }

    private static int parseArp(final MutableDirectBuffer buffer, final int l3, final int end, final ParsedPacket out)
    {
        if (end - l3 < ArpPacket.LENGTH)
        {
            return ParseError.TRUNCATED_ARP.ordinal();
        }
        if (buffer.getInt(l3, BE) != ARP_HEADER_PREFIX || u16(buffer, l3 + ArpPacket.HARDWARE_LENGTH_OFFSET) != ARP_LENGTHS)
        {
            return ParseError.UNSUPPORTED_ARP.ordinal();
        }
        out.arpOperation = u16(buffer, l3 + ArpPacket.OPERATION_OFFSET);
        out.src3 = buffer.getInt(l3 + ArpPacket.SENDER_IP_OFFSET, BE);
        out.dst3 = buffer.getInt(l3 + ArpPacket.TARGET_IP_OFFSET, BE);
        out.l3HeaderLength = ArpPacket.LENGTH;
        return ParseResult.OK;
    }

    private int parseIpv4(final MutableDirectBuffer buffer, final int l3, final int end, final ParsedPacket out)
    {
        final int available = end - l3;
        if (available < Ipv4Header.MIN_HEADER_LENGTH)
        {
            return ParseError.TRUNCATED_IPV4.ordinal();
        }
        final int versionIhl = u8(buffer, l3);
        if ((versionIhl >>> 4) != 4)
        {
            return ParseError.IPV4_BAD_VERSION.ordinal();
        }
        final int headerLength = (versionIhl & 0x0F) << 2;
        if (headerLength < Ipv4Header.MIN_HEADER_LENGTH)
        {
            return ParseError.IPV4_BAD_IHL.ordinal();
        }
        if (headerLength > available)
        {
            return ParseError.TRUNCATED_IPV4.ordinal();
        }
        final int totalLength = u16(buffer, l3 + Ipv4Header.TOTAL_LENGTH_OFFSET);
        if (totalLength < headerLength)
        {
            return ParseError.IPV4_BAD_TOTAL_LENGTH.ordinal();
        }
        if (totalLength > available)
        {
            return ParseError.IPV4_TOTAL_LENGTH_BEYOND_FRAME.ordinal();
        }
        if (Checksums.fold(Checksums.sum(buffer, l3, headerLength)) != 0xFFFF)
        {
            return ParseError.IPV4_BAD_HEADER_CHECKSUM.ordinal();
        }
        final int flagsOffset = u16(buffer, l3 + Ipv4Header.FLAGS_FRAGMENT_OFFSET);
        final int fragmentOffset = (flagsOffset & Ipv4Header.FRAGMENT_OFFSET_MASK) << 3;
        if (fragmentOffset + totalLength - headerLength > 0xFFFF)
        {
            return ParseError.IPV4_BAD_FRAGMENT.ordinal();
        }
        final int protocol = u8(buffer, l3 + Ipv4Header.PROTOCOL_OFFSET);
        out.ipVersion = 4;
        out.l3HeaderLength = headerLength;
        out.ipTotalLength = totalLength;
        out.ttl = u8(buffer, l3 + Ipv4Header.TTL_OFFSET);
        out.dontFragment = (flagsOffset & Ipv4Header.FLAG_DF) != 0;
        out.src3 = buffer.getInt(l3 + Ipv4Header.SOURCE_OFFSET, BE);
        out.dst3 = buffer.getInt(l3 + Ipv4Header.DESTINATION_OFFSET, BE);
        out.moreFragments = (flagsOffset & Ipv4Header.FLAG_MF) != 0;
        out.fragmentOffset = fragmentOffset;
        out.fragment = out.moreFragments || fragmentOffset != 0;
        out.fragmentId = out.fragment ? u16(buffer, l3 + Ipv4Header.IDENTIFICATION_OFFSET) : 0;
        out.l4Protocol = protocol;
        out.l4Offset = l3 + headerLength;
        out.payloadOffset = l3 + totalLength;
        if (fragmentOffset != 0)
        {
            return ParseResult.OK;
        }
        return parseTransport(buffer, l3 + headerLength, l3 + totalLength, protocol, false, out);
    }

    private int parseIpv6(final MutableDirectBuffer buffer, final int l3, final int end, final ParsedPacket out)
    {
        if (end - l3 < Ipv6Header.HEADER_LENGTH)
        {
            return ParseError.TRUNCATED_IPV6.ordinal();
        }
        if ((u8(buffer, l3) >>> 4) != 6)
        {
            return ParseError.IPV6_BAD_VERSION.ordinal();
        }
        final int totalLength = Ipv6Header.HEADER_LENGTH + u16(buffer, l3 + Ipv6Header.PAYLOAD_LENGTH_OFFSET);
        if (totalLength > end - l3)
        {
            return ParseError.IPV6_PAYLOAD_BEYOND_FRAME.ordinal();
        }
        out.ipVersion = 6;
        out.ipTotalLength = totalLength;
        out.ttl = u8(buffer, l3 + Ipv6Header.HOP_LIMIT_OFFSET);
        out.src0 = buffer.getInt(l3 + Ipv6Header.SOURCE_OFFSET, BE);
        out.src1 = buffer.getInt(l3 + Ipv6Header.SOURCE_OFFSET + 4, BE);
        out.src2 = buffer.getInt(l3 + Ipv6Header.SOURCE_OFFSET + 8, BE);
        out.src3 = buffer.getInt(l3 + Ipv6Header.SOURCE_OFFSET + 12, BE);
        out.dst0 = buffer.getInt(l3 + Ipv6Header.DESTINATION_OFFSET, BE);
        out.dst1 = buffer.getInt(l3 + Ipv6Header.DESTINATION_OFFSET + 4, BE);
        out.dst2 = buffer.getInt(l3 + Ipv6Header.DESTINATION_OFFSET + 8, BE);
        out.dst3 = buffer.getInt(l3 + Ipv6Header.DESTINATION_OFFSET + 12, BE);

        final int ipEnd = l3 + totalLength;
        final int walked = walkExtensions(
            buffer, l3 + Ipv6Header.HEADER_LENGTH, ipEnd, u8(buffer, l3 + Ipv6Header.NEXT_HEADER_OFFSET));
        if (walked != ParseResult.OK)
        {
            return walked;
        }
        out.l3HeaderLength = walkOffset - l3;
        out.l4Protocol = walkProtocol;
        out.l4Offset = walkOffset;
        out.payloadOffset = ipEnd;
        out.moreFragments = walkMoreFragments;
        out.fragmentOffset = walkFragmentOffset;
        out.fragment = walkMoreFragments || walkFragmentOffset != 0;
        out.fragmentId = out.fragment ? walkFragmentId : 0;
        if (walkFragmentOffset != 0)
        {
            return ParseResult.OK;
        }
        return parseTransport(buffer, walkOffset, ipEnd, walkProtocol, true, out);
    }

    /**
     * Walks the IPv6 extension headers from {@code offset} (just past the fixed header) to the upper layer,
     * stopping early after a fragment header with a non-zero offset (the rest is opaque fragment data).
     * Results land in the {@code walk*} fields.
     */
    private int walkExtensions(final MutableDirectBuffer buffer, final int offset, final int end, final int firstHeader)
    {
        walkFragmentOffset = 0;
        walkMoreFragments = false;
        walkFragmentId = 0;
        int header = firstHeader;
        int position = offset;
        int count = 0;
        while (Ipv6Header.isWalkedExtension(header))
        {
            if (header == Ipv6Header.NEXT_HEADER_HOP_BY_HOP && count != 0)
            {
                return ParseError.IPV6_MISPLACED_HOP_BY_HOP.ordinal();
            }
            if (++count > MAX_EXTENSION_HEADERS)
            {
                return ParseError.IPV6_EXTENSION_CHAIN_TOO_LONG.ordinal();
            }
            // Every walked extension header is at least 8 bytes long.
            if (end - position < 8)
            {
                return ParseError.TRUNCATED_IPV6_EXTENSION.ordinal();
            }
            final int next = u8(buffer, position + Ipv6Header.EXTENSION_NEXT_HEADER_OFFSET);
            if (header == Ipv6Header.NEXT_HEADER_FRAGMENT)
            {
                final int word = u16(buffer, position + Ipv6Header.FRAGMENT_OFFSET_FLAGS_OFFSET);
                walkFragmentOffset = word & Ipv6Header.FRAGMENT_OFFSET_MASK;
                walkMoreFragments = (word & Ipv6Header.FRAGMENT_MORE_FLAG) != 0;
                walkFragmentId = buffer.getInt(position + Ipv6Header.FRAGMENT_IDENTIFICATION_OFFSET, BE);
                position += Ipv6Header.FRAGMENT_HEADER_LENGTH;
                header = next;
                if (walkFragmentOffset != 0)
                {
                    break;
                }
            }
            else
            {
                final int length = (u8(buffer, position + Ipv6Header.EXTENSION_LENGTH_OFFSET) + 1) << 3;
                if (length > end - position)
                {
                    return ParseError.TRUNCATED_IPV6_EXTENSION.ordinal();
                }
                position += length;
                header = next;
            }
        }
        walkOffset = position;
        walkProtocol = header;
        return ParseResult.OK;
    }

    private int parseTransport(
        final MutableDirectBuffer buffer, final int l4, final int end, final int protocol, final boolean ipv6,
        final ParsedPacket out)
    {
        final int available = end - l4;
        switch (protocol)
        {
            case Ipv4Header.PROTOCOL_TCP:
            {
                if (available < TcpHeader.MIN_HEADER_LENGTH)
                {
                    return ParseError.TRUNCATED_TCP.ordinal();
                }
                final int headerLength = (u8(buffer, l4 + TcpHeader.DATA_OFFSET_OFFSET) >>> 4) << 2;
                if (headerLength < TcpHeader.MIN_HEADER_LENGTH)
                {
                    return ParseError.TCP_BAD_DATA_OFFSET.ordinal();
                }
                if (headerLength > available)
                {
                    return ParseError.TRUNCATED_TCP.ordinal();
                }
                out.srcPort = u16(buffer, l4 + TcpHeader.SOURCE_PORT_OFFSET);
                out.dstPort = u16(buffer, l4 + TcpHeader.DESTINATION_PORT_OFFSET);
                out.tcpFlags = u8(buffer, l4 + TcpHeader.FLAGS_OFFSET);
                out.payloadOffset = l4 + headerLength;
                return ParseResult.OK;
            }
            case Ipv4Header.PROTOCOL_UDP:
            {
                if (available < UdpHeader.HEADER_LENGTH)
                {
                    return ParseError.TRUNCATED_UDP.ordinal();
                }
                final int udpLength = u16(buffer, l4 + UdpHeader.LENGTH_OFFSET);
                // A first fragment carries only part of the datagram its length describes.
                if (udpLength < UdpHeader.HEADER_LENGTH || (udpLength > available && !out.moreFragments))
                {
                    return ParseError.UDP_BAD_LENGTH.ordinal();
                }
                out.srcPort = u16(buffer, l4 + UdpHeader.SOURCE_PORT_OFFSET);
                out.dstPort = u16(buffer, l4 + UdpHeader.DESTINATION_PORT_OFFSET);
                out.payloadOffset = l4 + UdpHeader.HEADER_LENGTH;
                return ParseResult.OK;
            }
            case Ipv4Header.PROTOCOL_ICMP:
                return ipv6 ? ParseResult.OK : parseIcmp(buffer, l4, end, false, out);
            case Ipv4Header.PROTOCOL_ICMPV6:
                return ipv6 ? parseIcmp(buffer, l4, end, true, out) : ParseResult.OK;
            default:
                return ParseResult.OK;
        }
    }

    private int parseIcmp(
        final MutableDirectBuffer buffer, final int l4, final int end, final boolean ipv6, final ParsedPacket out)
    {
        if (end - l4 < IcmpHeader.HEADER_LENGTH)
        {
            return ParseError.TRUNCATED_ICMP.ordinal();
        }
        final int type = u8(buffer, l4 + IcmpHeader.TYPE_OFFSET);
        out.icmpType = type;
        out.icmpCode = u8(buffer, l4 + IcmpHeader.CODE_OFFSET);
        out.payloadOffset = l4 + IcmpHeader.HEADER_LENGTH;
        if (isEcho(type, ipv6))
        {
            out.srcPort = u16(buffer, l4 + IcmpHeader.IDENTIFIER_OFFSET);
            out.dstPort = out.srcPort;
            return ParseResult.OK;
        }
        if (ipv6 ? IcmpHeader.isV6Error(type) : IcmpHeader.isV4Error(type))
        {
            out.icmpError = true;
            return ipv6
                ? parseQuotedIpv6(buffer, l4 + IcmpHeader.HEADER_LENGTH, end, out)
                : parseQuotedIpv4(buffer, l4 + IcmpHeader.HEADER_LENGTH, end, out);
        }
        return ParseResult.OK;
    }

    private static int parseQuotedIpv4(
        final MutableDirectBuffer buffer, final int q, final int end, final ParsedPacket out)
    {
        final int available = end - q;
        if (available < Ipv4Header.MIN_HEADER_LENGTH)
        {
            return ParseError.TRUNCATED_QUOTED_PACKET.ordinal();
        }
        final int versionIhl = u8(buffer, q);
        final int headerLength = (versionIhl & 0x0F) << 2;
        if ((versionIhl >>> 4) != 4 || headerLength < Ipv4Header.MIN_HEADER_LENGTH)
        {
            return ParseError.BAD_QUOTED_PACKET.ordinal();
        }
        if (headerLength > available)
        {
            return ParseError.TRUNCATED_QUOTED_PACKET.ordinal();
        }
        final int protocol = u8(buffer, q + Ipv4Header.PROTOCOL_OFFSET);
        out.innerL3Offset = q;
        out.innerIpVersion = 4;
        out.innerL3HeaderLength = headerLength;
        out.innerProtocol = protocol;
        out.innerL4Offset = q + headerLength;
        out.innerSrc3 = buffer.getInt(q + Ipv4Header.SOURCE_OFFSET, BE);
        out.innerDst3 = buffer.getInt(q + Ipv4Header.DESTINATION_OFFSET, BE);
        if ((u16(buffer, q + Ipv4Header.FLAGS_FRAGMENT_OFFSET) & Ipv4Header.FRAGMENT_OFFSET_MASK) != 0)
        {
            return ParseResult.OK;
        }
        return parseQuotedPorts(buffer, q + headerLength, end, protocol, false, out);
    }

    private int parseQuotedIpv6(final MutableDirectBuffer buffer, final int q, final int end, final ParsedPacket out)
    {
        if (end - q < Ipv6Header.HEADER_LENGTH)
        {
            return ParseError.TRUNCATED_QUOTED_PACKET.ordinal();
        }
        if ((u8(buffer, q) >>> 4) != 6)
        {
            return ParseError.BAD_QUOTED_PACKET.ordinal();
        }
        out.innerL3Offset = q;
        out.innerIpVersion = 6;
        out.innerSrc0 = buffer.getInt(q + Ipv6Header.SOURCE_OFFSET, BE);
        out.innerSrc1 = buffer.getInt(q + Ipv6Header.SOURCE_OFFSET + 4, BE);
        out.innerSrc2 = buffer.getInt(q + Ipv6Header.SOURCE_OFFSET + 8, BE);
        out.innerSrc3 = buffer.getInt(q + Ipv6Header.SOURCE_OFFSET + 12, BE);
        out.innerDst0 = buffer.getInt(q + Ipv6Header.DESTINATION_OFFSET, BE);
        out.innerDst1 = buffer.getInt(q + Ipv6Header.DESTINATION_OFFSET + 4, BE);
        out.innerDst2 = buffer.getInt(q + Ipv6Header.DESTINATION_OFFSET + 8, BE);
        out.innerDst3 = buffer.getInt(q + Ipv6Header.DESTINATION_OFFSET + 12, BE);
        final int walked = walkExtensions(
            buffer, q + Ipv6Header.HEADER_LENGTH, end, u8(buffer, q + Ipv6Header.NEXT_HEADER_OFFSET));
        if (walked != ParseResult.OK)
        {
            return walked == ParseError.TRUNCATED_IPV6_EXTENSION.ordinal()
                ? ParseError.TRUNCATED_QUOTED_PACKET.ordinal()
                : ParseError.BAD_QUOTED_PACKET.ordinal();
        }
        out.innerL3HeaderLength = walkOffset - q;
        out.innerProtocol = walkProtocol;
        out.innerL4Offset = walkOffset;
        if (walkFragmentOffset != 0)
        {
            return ParseResult.OK;
        }
        return parseQuotedPorts(buffer, walkOffset, end, walkProtocol, true, out);
    }

    /** Ports of the quoted transport header: only its first 8 bytes are guaranteed to be quoted. */
    private static int parseQuotedPorts(
        final MutableDirectBuffer buffer, final int l4, final int end, final int protocol, final boolean ipv6,
        final ParsedPacket out)
    {
        final boolean ports = protocol == Ipv4Header.PROTOCOL_TCP || protocol == Ipv4Header.PROTOCOL_UDP;
        final boolean icmp = protocol == (ipv6 ? Ipv4Header.PROTOCOL_ICMPV6 : Ipv4Header.PROTOCOL_ICMP);
        if (!ports && !icmp)
        {
            return ParseResult.OK;
        }
        if (end - l4 < 8)
        {
            return ParseError.TRUNCATED_QUOTED_PACKET.ordinal();
        }
        if (ports)
        {
            out.innerSrcPort = u16(buffer, l4);
            out.innerDstPort = u16(buffer, l4 + 2);
        }
        else if (isEcho(u8(buffer, l4 + IcmpHeader.TYPE_OFFSET), ipv6))
        {
            out.innerSrcPort = u16(buffer, l4 + IcmpHeader.IDENTIFIER_OFFSET);
            out.innerDstPort = out.innerSrcPort;
        }
        return ParseResult.OK;
    }

    private static boolean isEcho(final int type, final boolean ipv6)
    {
        return ipv6
            ? type == IcmpHeader.V6_ECHO_REQUEST || type == IcmpHeader.V6_ECHO_REPLY
            : type == IcmpHeader.V4_ECHO_REQUEST || type == IcmpHeader.V4_ECHO_REPLY;
    }

    private static int u8(final MutableDirectBuffer buffer, final int index)
    {
        return buffer.getByte(index) & 0xFF;
    }

    private static int u16(final MutableDirectBuffer buffer, final int index)
    {
        return buffer.getShort(index, BE) & 0xFFFF;
    }
}
