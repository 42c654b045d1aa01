package io.fleet.vrrp.frame;

/**
 * ARP for IPv4 over Ethernet (RFC 826): readers of a received packet and writers of the two frames vrrp sends,
 * a reply for a held VIP and a gratuitous ARP (an ARP announcement, RFC 5227: a request whose sender and target
 * address are both the VIP, to broadcast).
 * <pre>
 *  0        2        4    5    6        8                14       18                24       28
 * +--------+--------+----+----+--------+-----------------+--------+-----------------+--------+
 * | htype 1| ptype  |hlen|plen| oper   | sender MAC      |sender IP| target MAC     |target IP|
 * |        | 0x0800 | 6  | 4  | 1 or 2 |                 |        |                 |        |
 * +--------+--------+----+----+--------+-----------------+--------+-----------------+--------+
 * </pre>
 * Offsets are from the start of the ARP packet, after the Ethernet header.
 */
public final class Arp
{
    public static final int HTYPE_OFFSET = 0;
    public static final int PTYPE_OFFSET = 2;
    public static final int HLEN_OFFSET = 4;
    public static final int PLEN_OFFSET = 5;
    public static final int OPER_OFFSET = 6;
    public static final int SENDER_MAC_OFFSET = 8;
    public static final int SENDER_IP_OFFSET = 14;
    public static final int TARGET_MAC_OFFSET = 18;
    public static final int TARGET_IP_OFFSET = 24;
    public static final int LENGTH = 28;
    public static final int FRAME_LENGTH = Ethernet.HEADER_LENGTH + LENGTH;

    public static final int REQUEST = 1;
    public static final int REPLY = 2;

    private Arp()
    {
    }

    /** True when the ARP packet at {@code arp} (with {@code length} bytes available) is Ethernet/IPv4 ARP. */
    public static boolean isEthernetIpv4(final byte[] b, final int arp, final int length)
    {
        return length >= LENGTH && Bytes.u16(b, arp + HTYPE_OFFSET) == 1 &&
            Bytes.u16(b, arp + PTYPE_OFFSET) == 0x0800 && b[arp + HLEN_OFFSET] == 6 && b[arp + PLEN_OFFSET] == 4;
    }

    public static int operation(final byte[] b, final int arp)
    {
        return Bytes.u16(b, arp + OPER_OFFSET);
    }

    /**
     * Writes, at offset 0 of {@code out}, the reply of {@code mac} owning the address asked for in the request at
     * {@code arp} of {@code in}; returns the frame length.
     */
    public static int writeReply(final byte[] in, final int arp, final byte[] mac, final byte[] out)
    {
        final int a = Ethernet.write(out, 0, copy(in, arp + SENDER_MAC_OFFSET), mac, 0x0806);
        header(out, a, REPLY);
        System.arraycopy(mac, 0, out, a + SENDER_MAC_OFFSET, Mac.LENGTH);
        System.arraycopy(in, arp + TARGET_IP_OFFSET, out, a + SENDER_IP_OFFSET, 4);
        System.arraycopy(in, arp + SENDER_MAC_OFFSET, out, a + TARGET_MAC_OFFSET, Mac.LENGTH);
        System.arraycopy(in, arp + SENDER_IP_OFFSET, out, a + TARGET_IP_OFFSET, 4);
        return FRAME_LENGTH;
    }

    /** Writes, at offset 0 of {@code out}, a gratuitous ARP of {@code mac} for {@code vip}; returns the length. */
    public static int writeGratuitous(final byte[] vip, final byte[] mac, final byte[] out)
    {
        final int a = Ethernet.write(out, 0, Mac.BROADCAST, mac, 0x0806);
        header(out, a, REQUEST);
        System.arraycopy(mac, 0, out, a + SENDER_MAC_OFFSET, Mac.LENGTH);
        System.arraycopy(vip, 0, out, a + SENDER_IP_OFFSET, 4);
        System.arraycopy(Mac.ZERO, 0, out, a + TARGET_MAC_OFFSET, Mac.LENGTH);
        System.arraycopy(vip, 0, out, a + TARGET_IP_OFFSET, 4);
        return FRAME_LENGTH;
    }

    private static void header(final byte[] b, final int a, final int operation)
    {
        Bytes.u16(b, a + HTYPE_OFFSET, 1);
        Bytes.u16(b, a + PTYPE_OFFSET, 0x0800);
        b[a + HLEN_OFFSET] = 6;
        b[a + PLEN_OFFSET] = 4;
        Bytes.u16(b, a + OPER_OFFSET, operation);
    }

    private static byte[] copy(final byte[] b, final int offset)
    {
        // The Ethernet destination of a reply is the asker's MAC; copied because Ethernet.write takes a whole array.
        final byte[] mac = new byte[Mac.LENGTH];
        System.arraycopy(b, offset, mac, 0, Mac.LENGTH);
        return mac;
    }
}
