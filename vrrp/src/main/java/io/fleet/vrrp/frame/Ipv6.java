package io.fleet.vrrp.frame;

/**
 * The fixed IPv6 header (RFC 8200); vrrp only sends and reads packets without extension headers.
 * <pre>
 *  0       4              12                      24      32
 * +-------+---------------+------------------------+
 * |version| traffic class | flow label             |
 * +-------+---------------+--------+------+--------+
 * | payload length                 | next | hop    |
 * +--------------------------------+------+--------+
 * | source address (16 bytes) at 8                 |
 * | destination address (16 bytes) at 24           |
 * +------------------------------------------------+
 * </pre>
 */
public final class Ipv6
{
    public static final int PAYLOAD_LENGTH_OFFSET = 4;
    public static final int NEXT_HEADER_OFFSET = 6;
    public static final int HOP_LIMIT_OFFSET = 7;
    public static final int SOURCE_OFFSET = 8;
    public static final int DESTINATION_OFFSET = 24;
    public static final int HEADER_LENGTH = 40;

    private Ipv6()
    {
    }

    /** Writes the header at {@code ip}; returns the offset of the payload. */
    public static int write(
        final byte[] b, final int ip, final int trafficClass, final int payloadLength, final int nextHeader,
        final int hopLimit, final byte[] source, final byte[] destination)
    {
        Bytes.u32(b, ip, (6 << 28) | ((trafficClass & 0xFF) << 20));
        Bytes.u16(b, ip + PAYLOAD_LENGTH_OFFSET, payloadLength);
        b[ip + NEXT_HEADER_OFFSET] = (byte)nextHeader;
        b[ip + HOP_LIMIT_OFFSET] = (byte)hopLimit;
        System.arraycopy(source, 0, b, ip + SOURCE_OFFSET, 16);
        System.arraycopy(destination, 0, b, ip + DESTINATION_OFFSET, 16);
        return ip + HEADER_LENGTH;
    }

    /** The pseudo-header sum for an upper-layer packet of {@code length} bytes after the header at {@code ip}. */
    public static long pseudoHeaderSum(final byte[] b, final int ip, final int protocol, final int length)
    {
        return Checksum.pseudoHeader(b, ip + SOURCE_OFFSET, ip + DESTINATION_OFFSET, 16, protocol, length);
    }
}
