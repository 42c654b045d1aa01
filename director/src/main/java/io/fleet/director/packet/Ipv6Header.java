package io.fleet.director.packet;

import org.agrona.MutableDirectBuffer;

import java.nio.ByteOrder;

/**
 * Flyweight over the fixed IPv6 header (RFC 8200). Addresses are four big-endian 32-bit words, word 0 first on
 * the wire, as {@code FlowKey} and {@link ParsedPacket} hold them. Extension headers are walked by
 * {@link PacketParser}; {@link #EXTENSION_NEXT_HEADER_OFFSET} and friends describe them.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |Version| Traffic Class |              Flow Label               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |         Payload Length        |  Next Header  |   Hop Limit   |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                 Source Address (4 words, 16 octets)           |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |              Destination Address (4 words, 16 octets)         |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * Hop-by-hop, routing, destination options:   Fragment (8 octets):
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+       +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  Next Header  |  Hdr Ext Len  | ...       |  Next Header  |   Reserved    | Offset (13) |Res|M|
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+       +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  length = (Hdr Ext Len + 1) * 8 octets      |                  Identification (32)                |
 *                                             +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 */
public final class Ipv6Header
{
    public static final int VERSION_CLASS_FLOW_OFFSET = 0;
    public static final int PAYLOAD_LENGTH_OFFSET = 4;
    public static final int NEXT_HEADER_OFFSET = 6;
    public static final int HOP_LIMIT_OFFSET = 7;
    public static final int SOURCE_OFFSET = 8;
    public static final int DESTINATION_OFFSET = 24;
    public static final int HEADER_LENGTH = 40;

    /** Offsets inside an extension header. */
    public static final int EXTENSION_NEXT_HEADER_OFFSET = 0;
    public static final int EXTENSION_LENGTH_OFFSET = 1;
    public static final int FRAGMENT_OFFSET_FLAGS_OFFSET = 2;
    public static final int FRAGMENT_IDENTIFICATION_OFFSET = 4;
    public static final int FRAGMENT_HEADER_LENGTH = 8;
    public static final int FRAGMENT_MORE_FLAG = 0x0001;
    public static final int FRAGMENT_OFFSET_MASK = 0xFFF8;

    public static final int NEXT_HEADER_HOP_BY_HOP = 0;
    public static final int NEXT_HEADER_ROUTING = 43;
    public static final int NEXT_HEADER_FRAGMENT = 44;
    public static final int NEXT_HEADER_DESTINATION_OPTIONS = 60;
    public static final int NEXT_HEADER_NONE = 59;

    private MutableDirectBuffer buffer;
    private int offset;

    public Ipv6Header wrap(final MutableDirectBuffer buffer, final int offset)
    {
        this.buffer = buffer;
        this.offset = offset;
        return this;
    }

    public int version()
    {
        return (buffer.getByte(offset) & 0xF0) >>> 4;
    }

    /** Writes version 6, the traffic class and the flow label in one go. */
    public Ipv6Header versionClassFlow(final int version, final int trafficClass, final int flowLabel)
    {
        buffer.putInt(offset + VERSION_CLASS_FLOW_OFFSET,
            (version << 28) | ((trafficClass & 0xFF) << 20) | (flowLabel & 0xFFFFF), ByteOrder.BIG_ENDIAN);
        return this;
    }

    public int trafficClass()
    {
        return (buffer.getInt(offset + VERSION_CLASS_FLOW_OFFSET, ByteOrder.BIG_ENDIAN) >>> 20) & 0xFF;
    }

    public int flowLabel()
    {
        return buffer.getInt(offset + VERSION_CLASS_FLOW_OFFSET, ByteOrder.BIG_ENDIAN) & 0xFFFFF;
    }

    /** Bytes after the fixed header, extension headers included. */
    public int payloadLength()
    {
        return buffer.getShort(offset + PAYLOAD_LENGTH_OFFSET, ByteOrder.BIG_ENDIAN) & 0xFFFF;
    }

    public Ipv6Header payloadLength(final int length)
    {
        buffer.putShort(offset + PAYLOAD_LENGTH_OFFSET, (short)length, ByteOrder.BIG_ENDIAN);
        return this;
    }

    public int nextHeader()
    {
        return buffer.getByte(offset + NEXT_HEADER_OFFSET) & 0xFF;
    }

    public Ipv6Header nextHeader(final int nextHeader)
    {
        buffer.putByte(offset + NEXT_HEADER_OFFSET, (byte)nextHeader);
        return this;
    }

    public int hopLimit()
    {
        return buffer.getByte(offset + HOP_LIMIT_OFFSET) & 0xFF;
    }

    public Ipv6Header hopLimit(final int hopLimit)
    {
        buffer.putByte(offset + HOP_LIMIT_OFFSET, (byte)hopLimit);
        return this;
    }

    /** Source word {@code i} (0..3), word 0 first on the wire. */
    public int sourceWord(final int i)
    {
        return buffer.getInt(offset + SOURCE_OFFSET + (i << 2), ByteOrder.BIG_ENDIAN);
    }

    public Ipv6Header sourceWord(final int i, final int word)
    {
        buffer.putInt(offset + SOURCE_OFFSET + (i << 2), word, ByteOrder.BIG_ENDIAN);
        return this;
    }

    public Ipv6Header source(final int w0, final int w1, final int w2, final int w3)
    {
        return sourceWord(0, w0).sourceWord(1, w1).sourceWord(2, w2).sourceWord(3, w3);
    }

    public int destinationWord(final int i)
    {
        return buffer.getInt(offset + DESTINATION_OFFSET + (i << 2), ByteOrder.BIG_ENDIAN);
    }

    public Ipv6Header destinationWord(final int i, final int word)
    {
        buffer.putInt(offset + DESTINATION_OFFSET + (i << 2), word, ByteOrder.BIG_ENDIAN);
        return this;
    }

    public Ipv6Header destination(final int w0, final int w1, final int w2, final int w3)
    {
        return destinationWord(0, w0).destinationWord(1, w1).destinationWord(2, w2).destinationWord(3, w3);
    }

    /** Whether {@code nextHeader} is an extension header the parser walks (hop-by-hop, routing, fragment, dest). */
    public static boolean isWalkedExtension(final int nextHeader)
    {
        return nextHeader == NEXT_HEADER_HOP_BY_HOP || nextHeader == NEXT_HEADER_ROUTING
            || nextHeader == NEXT_HEADER_FRAGMENT || nextHeader == NEXT_HEADER_DESTINATION_OPTIONS;
    }
}
