package io.fleet.vrrp.frame;

/**
 * The IPv4 header (RFC 791) without options, as vrrp sends it.
 * <pre>
 *  0       4       8               16      19              31
 * +-------+-------+---------------+-------------------------+
 * |version|  IHL  | DSCP/ECN (TOS)| total length            |
 * | identification                |flags| fragment offset   |
 * | TTL           | protocol      | header checksum         |
 * | source address at 12                                    |
 * | destination address at 16                               |
 * +---------------------------------------------------------+
 * </pre>
 */
public final class Ipv4
{
    public static final int TOS_OFFSET = 1;
    public static final int TOTAL_LENGTH_OFFSET = 2;
    public static final int TTL_OFFSET = 8;
    public static final int PROTOCOL_OFFSET = 9;
    public static final int CHECKSUM_OFFSET = 10;
    public static final int SOURCE_OFFSET = 12;
    public static final int DESTINATION_OFFSET = 16;
    public static final int HEADER_LENGTH = 20;

    private Ipv4()
    {
    }

    /** Writes an option-less header with its checksum at {@code ip}; returns the offset of the payload. */
    public static int write(
        final byte[] b, final int ip, final int tos, final int payloadLength, final int protocol, final int ttl,
        final byte[] source, final byte[] destination)
    {
        b[ip] = 0x45;
        b[ip + TOS_OFFSET] = (byte)tos;
        Bytes.u16(b, ip + TOTAL_LENGTH_OFFSET, HEADER_LENGTH + payloadLength);
        Bytes.u32(b, ip + 4, 0);
        b[ip + TTL_OFFSET] = (byte)ttl;
        b[ip + PROTOCOL_OFFSET] = (byte)protocol;
        Bytes.u16(b, ip + CHECKSUM_OFFSET, 0);
        System.arraycopy(source, 0, b, ip + SOURCE_OFFSET, 4);
        System.arraycopy(destination, 0, b, ip + DESTINATION_OFFSET, 4);
        Bytes.u16(b, ip + CHECKSUM_OFFSET, Checksum.finish(Checksum.sum(b, ip, HEADER_LENGTH, 0)));
        return ip + HEADER_LENGTH;
    }

    /** The IHL in bytes. */
    public static int headerLength(final byte[] b, final int ip)
    {
        return (b[ip] & 0x0F) * 4;
    }

    public static boolean isHeaderChecksumValid(final byte[] b, final int ip)
    {
        return Checksum.finish(Checksum.sum(b, ip, headerLength(b, ip), 0)) == 0;
    }
}
