package io.fleet.director.packet;

import org.agrona.MutableDirectBuffer;

import java.nio.ByteOrder;

/**
 * Flyweight over an IPv4 header (RFC 791), options included. Addresses are {@code int}s in network order
 * (first octet most significant); the fragment offset is given in bytes, not in the header's 8-byte units.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |Version|  IHL  |   DSCP    |ECN|          Total Length         |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |         Identification        |0|D|M|     Fragment Offset     |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  Time to Live |    Protocol   |         Header Checksum       |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                       Source Address                          |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                    Destination Address                        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                    Options (0..40 octets)                     |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 */
public final class Ipv4Header
{
    public static final int VERSION_IHL_OFFSET = 0;
    public static final int TOS_OFFSET = 1;
    public static final int TOTAL_LENGTH_OFFSET = 2;
    public static final int IDENTIFICATION_OFFSET = 4;
    public static final int FLAGS_FRAGMENT_OFFSET = 6;
    public static final int TTL_OFFSET = 8;
    public static final int PROTOCOL_OFFSET = 9;
    public static final int HEADER_CHECKSUM_OFFSET = 10;
    public static final int SOURCE_OFFSET = 12;
    public static final int DESTINATION_OFFSET = 16;
    public static final int OPTIONS_OFFSET = 20;

    public static final int MIN_HEADER_LENGTH = 20;
    public static final int MAX_HEADER_LENGTH = 60;

    public static final int FLAG_DF = 0x4000;
    public static final int FLAG_MF = 0x2000;
    public static final int FRAGMENT_OFFSET_MASK = 0x1FFF;

    public static final int PROTOCOL_ICMP = 1;
    public static final int PROTOCOL_IPIP = 4;
    public static final int PROTOCOL_TCP = 6;
    public static final int PROTOCOL_UDP = 17;
    public static final int PROTOCOL_IPV6 = 41;
    public static final int PROTOCOL_ICMPV6 = 58;

    private MutableDirectBuffer buffer;
    private int offset;

    public Ipv4Header wrap(final MutableDirectBuffer buffer, final int offset)
    {
        this.buffer = buffer;
        this.offset = offset;
        return this;
    }

    public int version()
    {
        return (buffer.getByte(offset + VERSION_IHL_OFFSET) & 0xF0) >>> 4;
    }

    public Ipv4Header version(final int version)
    {
        final int b = buffer.getByte(offset + VERSION_IHL_OFFSET) & 0x0F;
        buffer.putByte(offset + VERSION_IHL_OFFSET, (byte)((version << 4) | b));
        return this;
    }

    /** Header length in 32-bit words (5..15). */
    public int ihl()
    {
        return buffer.getByte(offset + VERSION_IHL_OFFSET) & 0x0F;
    }

    public Ipv4Header ihl(final int words)
    {
        final int b = buffer.getByte(offset + VERSION_IHL_OFFSET) & 0xF0;
        buffer.putByte(offset + VERSION_IHL_OFFSET, (byte)(b | (words & 0x0F)));
        return this;
    }

    /** Header length in bytes, options included. */
    public int headerLength()
    {
        return ihl() << 2;
    }

    public int optionsLength()
    {
        return headerLength() - MIN_HEADER_LENGTH;
    }

    public int dscp()
    {
        return (buffer.getByte(offset + TOS_OFFSET) & 0xFC) >>> 2;
    }

    public Ipv4Header dscp(final int dscp)
    {
        final int b = buffer.getByte(offset + TOS_OFFSET) & 0x03;
        buffer.putByte(offset + TOS_OFFSET, (byte)((dscp << 2) | b));
        return this;
    }

    public int ecn()
    {
        return buffer.getByte(offset + TOS_OFFSET) & 0x03;
    }

    public Ipv4Header ecn(final int ecn)
    {
        final int b = buffer.getByte(offset + TOS_OFFSET) & 0xFC;
        buffer.putByte(offset + TOS_OFFSET, (byte)(b | (ecn & 0x03)));
        return this;
    }

    /** Bytes of the whole IP packet, header included. */
    public int totalLength()
    {
        return buffer.getShort(offset + TOTAL_LENGTH_OFFSET, ByteOrder.BIG_ENDIAN) & 0xFFFF;
    }

    public Ipv4Header totalLength(final int length)
    {
        buffer.putShort(offset + TOTAL_LENGTH_OFFSET, (short)length, ByteOrder.BIG_ENDIAN);
        return this;
    }

    public int identification()
    {
        return buffer.getShort(offset + IDENTIFICATION_OFFSET, ByteOrder.BIG_ENDIAN) & 0xFFFF;
    }

    public Ipv4Header identification(final int id)
    {
        buffer.putShort(offset + IDENTIFICATION_OFFSET, (short)id, ByteOrder.BIG_ENDIAN);
        return this;
    }

    /** The flags and fragment offset word as on the wire. */
    public int flagsAndFragmentOffset()
    {
        return buffer.getShort(offset + FLAGS_FRAGMENT_OFFSET, ByteOrder.BIG_ENDIAN) & 0xFFFF;
    }

    public Ipv4Header flagsAndFragmentOffset(final int word)
    {
        buffer.putShort(offset + FLAGS_FRAGMENT_OFFSET, (short)word, ByteOrder.BIG_ENDIAN);
        return this;
    }

    public boolean dontFragment()
    {
        return (flagsAndFragmentOffset() & FLAG_DF) != 0;
    }

    public Ipv4Header dontFragment(final boolean df)
    {
        final int w = flagsAndFragmentOffset();
        return flagsAndFragmentOffset(df ? w | FLAG_DF : w & ~FLAG_DF);
    }

    public boolean moreFragments()
    {
        return (flagsAndFragmentOffset() & FLAG_MF) != 0;
    }

    public Ipv4Header moreFragments(final boolean mf)
    {
        final int w = flagsAndFragmentOffset();
        return flagsAndFragmentOffset(mf ? w | FLAG_MF : w & ~FLAG_MF);
    }

    /** Fragment offset in bytes (the field times 8). */
    public int fragmentOffset()
    {
        return (flagsAndFragmentOffset() & FRAGMENT_OFFSET_MASK) << 3;
    }

    /** Sets the fragment offset, given in bytes (a multiple of 8). */
    public Ipv4Header fragmentOffset(final int bytes)
    {
        final int w = flagsAndFragmentOffset() & ~FRAGMENT_OFFSET_MASK;
        return flagsAndFragmentOffset(w | ((bytes >>> 3) & FRAGMENT_OFFSET_MASK));
    }

    public int ttl()
    {
        return buffer.getByte(offset + TTL_OFFSET) & 0xFF;
    }

    public Ipv4Header ttl(final int ttl)
    {
        buffer.putByte(offset + TTL_OFFSET, (byte)ttl);
        return this;
    }

    public int protocol()
    {
        return buffer.getByte(offset + PROTOCOL_OFFSET) & 0xFF;
    }

    public Ipv4Header protocol(final int protocol)
    {
        buffer.putByte(offset + PROTOCOL_OFFSET, (byte)protocol);
        return this;
    }

    public int headerChecksum()
    {
        return buffer.getShort(offset + HEADER_CHECKSUM_OFFSET, ByteOrder.BIG_ENDIAN) & 0xFFFF;
    }

    public Ipv4Header headerChecksum(final int checksum)
    {
        buffer.putShort(offset + HEADER_CHECKSUM_OFFSET, (short)checksum, ByteOrder.BIG_ENDIAN);
        return this;
    }

    /** Computes the header checksum over {@link #headerLength()} bytes and writes it. */
    public Ipv4Header updateHeaderChecksum()
    {
        headerChecksum(0);
        return headerChecksum(Checksums.checksum(buffer, offset, headerLength()));
    }

    /** Whether the header checksum is right: the sum over the header, checksum included, is all ones. */
    public boolean headerChecksumValid()
    {
        return Checksums.fold(Checksums.sum(buffer, offset, headerLength())) == 0xFFFF;
    }

    public int sourceAddress()
    {
        return buffer.getInt(offset + SOURCE_OFFSET, ByteOrder.BIG_ENDIAN);
    }

    public Ipv4Header sourceAddress(final int address)
    {
        buffer.putInt(offset + SOURCE_OFFSET, address, ByteOrder.BIG_ENDIAN);
        return this;
    }

    public int destinationAddress()
    {
        return buffer.getInt(offset + DESTINATION_OFFSET, ByteOrder.BIG_ENDIAN);
    }

    public Ipv4Header destinationAddress(final int address)
    {
        buffer.putInt(offset + DESTINATION_OFFSET, address, ByteOrder.BIG_ENDIAN);
        return this;
    }
}
