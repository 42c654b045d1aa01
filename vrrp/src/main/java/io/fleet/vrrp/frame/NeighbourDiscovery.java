package io.fleet.vrrp.frame;

/**
 * IPv6 neighbour solicitation and advertisement (RFC 4861 4.3, 4.4) over Ethernet, as the holder of an IPv6 VIP
 * needs them: read a solicitation's target, write a solicited advertisement back, write an unsolicited one to all
 * nodes (ff02::1) on takeover.
 * <pre>
 * ICMPv6 at offset 54 of the frame (Ethernet 14 + IPv6 40):
 *  0      1      2             4                      8                         24    25    26       32
 * +------+------+-------------+----------------------+-------------------------+-----+-----+--------+
 * | type | code | checksum    | R S O | reserved     | target address          | opt | len | MAC    |
 * | 136  | 0    |             |                      |                         | 2   | 1   |        |
 * +------+------+-------------+----------------------+-------------------------+-----+-----+--------+
 * </pre>
 */
public final class NeighbourDiscovery
{
    public static final int TYPE_SOLICITATION = 135;
    public static final int TYPE_ADVERTISEMENT = 136;
    public static final int TYPE_OFFSET = 0;
    public static final int CHECKSUM_OFFSET = 2;
    public static final int FLAGS_OFFSET = 4;
    public static final int TARGET_OFFSET = 8;
    public static final int OPTIONS_OFFSET = 24;
    public static final int FLAG_ROUTER = 0x80;
    public static final int FLAG_SOLICITED = 0x40;
    public static final int FLAG_OVERRIDE = 0x20;
    /** Advertisement with one target link-layer address option. */
    public static final int ADVERTISEMENT_LENGTH = 32;
    public static final int FRAME_LENGTH = Ethernet.HEADER_LENGTH + Ipv6.HEADER_LENGTH + ADVERTISEMENT_LENGTH;

    public static final byte[] ALL_NODES = {(byte)0xff, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
    private static final byte[] UNSPECIFIED = new byte[16];

    private NeighbourDiscovery()
    {
    }

    /**
     * True when the frame is a valid neighbour solicitation: hop limit 255, code 0, long enough and a correct
     * ICMPv6 checksum (RFC 4861 7.1.1).
     */
    public static boolean isValidSolicitation(final byte[] b, final int offset, final int length)
    {
        final int ip = offset + Ethernet.HEADER_LENGTH;
        final int icmp = ip + Ipv6.HEADER_LENGTH;
        if (length < Ethernet.HEADER_LENGTH + Ipv6.HEADER_LENGTH + 24 ||
            Bytes.u8(b, ip + Ipv6.NEXT_HEADER_OFFSET) != 58 || Bytes.u8(b, ip + Ipv6.HOP_LIMIT_OFFSET) != 255 ||
            Bytes.u8(b, icmp + TYPE_OFFSET) != TYPE_SOLICITATION || b[icmp + 1] != 0)
        {
            return false;
        }
        final int icmpLength = Bytes.u16(b, ip + Ipv6.PAYLOAD_LENGTH_OFFSET);
        if (icmpLength < 24 || Ethernet.HEADER_LENGTH + Ipv6.HEADER_LENGTH + icmpLength > length)
        {
            return false;
        }
        final long sum = Ipv6.pseudoHeaderSum(b, ip, 58, icmpLength);
        return Checksum.finish(Checksum.sum(b, icmp, icmpLength, sum)) == 0;
    }

    /** Offset in {@code b} of the target address of the solicitation in the frame at {@code offset}. */
    public static int solicitationTargetOffset(final int offset)
    {
        return offset + Ethernet.HEADER_LENGTH + Ipv6.HEADER_LENGTH + TARGET_OFFSET;
    }

    /**
     * Writes at offset 0 of {@code out} the advertisement answering the solicitation in frame {@code in} at
     * {@code offset}: from the target address, to the solicitation's source with S and O set, or to all nodes with
     * only O when the source was unspecified (duplicate address detection). Returns the frame length.
     */
    public static int writeSolicitedAdvertisement(final byte[] in, final int offset, final byte[] mac, final byte[] out)
    {
        final int ip = offset + Ethernet.HEADER_LENGTH;
        final byte[] target = new byte[16];
        System.arraycopy(in, ip + Ipv6.HEADER_LENGTH + TARGET_OFFSET, target, 0, 16);
        final boolean fromUnspecified = Bytes.equal(in, ip + Ipv6.SOURCE_OFFSET, UNSPECIFIED, 0, 16);
        if (fromUnspecified)
        {
            return write(target, ALL_NODES, Mac.ipv6Multicast(ALL_NODES, 0), mac, FLAG_OVERRIDE, out);
        }
        final byte[] destination = new byte[16];
        System.arraycopy(in, ip + Ipv6.SOURCE_OFFSET, destination, 0, 16);
        final byte[] destinationMac = new byte[Mac.LENGTH];
        System.arraycopy(in, offset + Ethernet.SOURCE_OFFSET, destinationMac, 0, Mac.LENGTH);
        return write(target, destination, destinationMac, mac, FLAG_SOLICITED | FLAG_OVERRIDE, out);
    }

    /** Writes at offset 0 of {@code out} an unsolicited advertisement of {@code vip} at {@code mac} to all nodes. */
    public static int writeUnsolicitedAdvertisement(final byte[] vip, final byte[] mac, final byte[] out)
    {
        return write(vip, ALL_NODES, Mac.ipv6Multicast(ALL_NODES, 0), mac, FLAG_OVERRIDE, out);
    }

    private static int write(
        final byte[] target, final byte[] destination, final byte[] destinationMac, final byte[] mac, final int flags,
        final byte[] out)
    {
        final int ip = Ethernet.write(out, 0, destinationMac, mac, 0x86DD);
        final int icmp = Ipv6.write(out, ip, 0, ADVERTISEMENT_LENGTH, 58, 255, target, destination);
        out[icmp + TYPE_OFFSET] = (byte)TYPE_ADVERTISEMENT;
        out[icmp + 1] = 0;
        Bytes.u16(out, icmp + CHECKSUM_OFFSET, 0);
        Bytes.u32(out, icmp + FLAGS_OFFSET, flags << 24);
        System.arraycopy(target, 0, out, icmp + TARGET_OFFSET, 16);
        out[icmp + OPTIONS_OFFSET] = 2;
        out[icmp + OPTIONS_OFFSET + 1] = 1;
        System.arraycopy(mac, 0, out, icmp + OPTIONS_OFFSET + 2, Mac.LENGTH);
        final long sum = Ipv6.pseudoHeaderSum(out, ip, 58, ADVERTISEMENT_LENGTH);
        Bytes.u16(out, icmp + CHECKSUM_OFFSET, Checksum.finish(Checksum.sum(out, icmp, ADVERTISEMENT_LENGTH, sum)));
        return FRAME_LENGTH;
    }
}
