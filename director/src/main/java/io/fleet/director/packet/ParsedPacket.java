package io.fleet.director.packet;

/**
 * What {@link PacketParser} found in one frame: a mutable struct of plain public fields, reset and refilled by
 * every parse so that one instance per worker serves every packet. Offsets are absolute buffer indexes.
 * Addresses are four big-endian words as in {@code FlowKey}: IPv4 in word 3 with words 0..2 zero; for ARP the
 * sender protocol address is the source and the target protocol address the destination.
 *
 * <p>After an error only the fields of the layers parsed before it are meaningful.
 */
public final class ParsedPacket
{
    public static final int NO_VLAN = -1;

    /** Frame start and length as given to the parser. */
    public int frameOffset;
    public int frameLength;

    /** 802.1Q tag control information, {@link #NO_VLAN} when untagged. */
    public int vlanTci;
    /** The EtherType of the L3 payload (the inner one when tagged). */
    public int etherType;
    public int l3Offset;
    /** 4 or 6; 0 for ARP and anything else. */
    public int ipVersion;
    /** IPv4 header with options, or IPv6 fixed header plus every extension header walked. */
    public int l3HeaderLength;
    /** Bytes of the IP packet according to its header (frame padding excluded). */
    public int ipTotalLength;
    /** IPv4 TTL or IPv6 hop limit. */
    public int ttl;
    /** IPv4 DF flag; always false for IPv6 (which never fragments in flight). */
    public boolean dontFragment;

    public int src0;
    public int src1;
    public int src2;
    public int src3;
    public int dst0;
    public int dst1;
    public int dst2;
    public int dst3;

    /** The upper-layer protocol: IPv4 protocol, or the IPv6 next header after the extension headers. */
    public int l4Protocol;
    public int l4Offset;
    /** Start of the TCP or UDP payload; the end of the IP packet when there is no transport header parsed. */
    public int payloadOffset;
    /** TCP/UDP ports; for ICMP echo the identifier in both; 0 otherwise (and for non-first fragments). */
    public int srcPort;
    public int dstPort;
    public int tcpFlags;

    /** Whether this is a piece of a fragmented packet (MF set or offset not 0). */
    public boolean fragment;
    /** Fragment offset in bytes. */
    public int fragmentOffset;
    public boolean moreFragments;
    /** IPv4 16-bit identification or IPv6 32-bit fragment identification; 0 when not a fragment. */
    public int fragmentId;

    /** ARP operation (1 request, 2 reply); 0 for other frames. */
    public int arpOperation;

    /** ICMP type and code, -1 when the packet is not ICMP (or ICMPv6). */
    public int icmpType;
    public int icmpCode;
    /** Whether the ICMP message is an error quoting a packet, described by the {@code inner*} fields. */
    public boolean icmpError;

    public int innerL3Offset;
    public int innerIpVersion;
    public int innerL3HeaderLength;
    public int innerProtocol;
    public int innerL4Offset;
    public int innerSrc0;
    public int innerSrc1;
    public int innerSrc2;
    public int innerSrc3;
    public int innerDst0;
    public int innerDst1;
    public int innerDst2;
    public int innerDst3;
    /** Ports of the quoted packet (for a quoted ICMP echo: its identifier in both); 0 when absent. */
    public int innerSrcPort;
    public int innerDstPort;

    public ParsedPacket()
    {
        reset();
    }

    /** Clears every field, as before a parse. */
    public ParsedPacket reset()
    {
        frameOffset = 0;
        frameLength = 0;
        vlanTci = NO_VLAN;
        etherType = 0;
        l3Offset = 0;
        ipVersion = 0;
        l3HeaderLength = 0;
        ipTotalLength = 0;
        ttl = 0;
        dontFragment = false;
        src0 = 0;
        src1 = 0;
        src2 = 0;
        src3 = 0;
        dst0 = 0;
        dst1 = 0;
        dst2 = 0;
        dst3 = 0;
        l4Protocol = -1;
        l4Offset = 0;
        payloadOffset = 0;
        srcPort = 0;
        dstPort = 0;
        tcpFlags = 0;
        fragment = false;
        fragmentOffset = 0;
        moreFragments = false;
        fragmentId = 0;
        arpOperation = 0;
        icmpType = -1;
        icmpCode = -1;
        icmpError = false;
        innerL3Offset = 0;
        innerIpVersion = 0;
        innerL3HeaderLength = 0;
        innerProtocol = -1;
        innerL4Offset = 0;
        innerSrc0 = 0;
        innerSrc1 = 0;
        innerSrc2 = 0;
        innerSrc3 = 0;
        innerDst0 = 0;
        innerDst1 = 0;
        innerDst2 = 0;
        innerDst3 = 0;
        innerSrcPort = 0;
        innerDstPort = 0;
        return this;
    }

    /** Source word {@code i} (0..3). */
    public int srcWord(final int i)
    {
        switch (i)
        {
            case 0: return src0;
            case 1: return src1;
            case 2: return src2;
            default: return src3;
        }
    }

    /** Destination word {@code i} (0..3). */
    public int dstWord(final int i)
    {
        switch (i)
        {
            case 0: return dst0;
            case 1: return dst1;
            case 2: return dst2;
            default: return dst3;
        }
    }

    public int innerSrcWord(final int i)
    {
        switch (i)
        {
            case 0: return innerSrc0;
            case 1: return innerSrc1;
            case 2: return innerSrc2;
            default: return innerSrc3;
        }
    }

    public int innerDstWord(final int i)
    {
        switch (i)
        {
            case 0: return innerDst0;
            case 1: return innerDst1;
            case 2: return innerDst2;
            default: return innerDst3;
        }
    }

    /** Whether the frame is TCP or UDP with its ports present (not a later fragment). */
    public boolean hasPorts()
    {
        return (l4Protocol == Ipv4Header.PROTOCOL_TCP || l4Protocol == Ipv4Header.PROTOCOL_UDP)
            && fragmentOffset == 0 && ipVersion != 0;
    }

    /** Offset just past the IP packet (frame padding excluded). */
    public int ipEnd()
    {
        return l3Offset + ipTotalLength;
    }

    @Override
    public String toString()
    {
        return "ParsedPacket{vlanTci=" + vlanTci + ", etherType=0x" + Integer.toHexString(etherType)
            + ", ipVersion=" + ipVersion + ", l3Offset=" + l3Offset + ", l3HeaderLength=" + l3HeaderLength
            + ", ipTotalLength=" + ipTotalLength + ", l4Protocol=" + l4Protocol + ", l4Offset=" + l4Offset
            + ", src=" + Integer.toHexString(src0) + ":" + Integer.toHexString(src1) + ":"
            + Integer.toHexString(src2) + ":" + Integer.toHexString(src3)
            + ", dst=" + Integer.toHexString(dst0) + ":" + Integer.toHexString(dst1) + ":"
            + Integer.toHexString(dst2) + ":" + Integer.toHexString(dst3)
            + ", ports=" + srcPort + "->" + dstPort + ", tcpFlags=0x" + Integer.toHexString(tcpFlags)
            + ", fragment=" + fragment + "(id " + fragmentId + " off " + fragmentOffset + " mf " + moreFragments + ")"
            + ", icmp=" + icmpType + "/" + icmpCode + (icmpError ? ", inner v" + innerIpVersion + " proto "
            + innerProtocol + " ports " + innerSrcPort + "->" + innerDstPort : "") + "}";
    }
}
