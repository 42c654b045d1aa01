package io.fleet.vrrp.link;

/**
 * Which received frames belong to {@code vrrp}: a port calls {@link #classify} and delivers ARP, neighbour
 * solicitations/advertisements and VRRP, so vrrp never sees the data-plane traffic.
 */
public final class Frames
{
    public static final int ETHERTYPE_OFFSET = 12;
    public static final int ETHERNET_HEADER_LENGTH = 14;
    public static final int ETHERTYPE_IPV4 = 0x0800;
    public static final int ETHERTYPE_ARP = 0x0806;
    public static final int ETHERTYPE_IPV6 = 0x86DD;
    public static final int PROTOCOL_ICMPV6 = 58;
    public static final int PROTOCOL_VRRP = 112;

    /** Not for vrrp. */
    public static final int OTHER = 0;
    public static final int ARP = 1;
    /** ICMPv6 neighbour solicitation (135) or advertisement (136) without extension headers. */
    public static final int NEIGHBOUR_DISCOVERY = 2;
    /** IPv4 or IPv6 with protocol / next header 112. */
    public static final int VRRP = 3;

    private Frames()
    {
    }

    /** One of {@link #OTHER}, {@link #ARP}, {@link #NEIGHBOUR_DISCOVERY}, {@link #VRRP}; untagged Ethernet only. */
    public static int classify(final byte[] frame, final int offset, final int length)
    {
        if (length < ETHERNET_HEADER_LENGTH)
        {
            return OTHER;
        }
        final int type = u16(frame, offset + ETHERTYPE_OFFSET);
        final int ip = offset + ETHERNET_HEADER_LENGTH;
        if (type == ETHERTYPE_ARP)
        {
            return ARP;
        }
        if (type == ETHERTYPE_IPV4 && length >= ETHERNET_HEADER_LENGTH + 20)
        {
            return (frame[ip + 9] & 0xFF) == PROTOCOL_VRRP ? VRRP : OTHER;
        }
        if (type == ETHERTYPE_IPV6 && length >= ETHERNET_HEADER_LENGTH + 41)
        {
            final int next = frame[ip + 6] & 0xFF;
            if (next == PROTOCOL_VRRP)
            {
                return VRRP;
            }
            final int icmpType = frame[ip + 40] & 0xFF;
            return next == PROTOCOL_ICMPV6 && (icmpType == 135 || icmpType == 136) ? NEIGHBOUR_DISCOVERY : OTHER;
        }
        return OTHER;
    }

    static int u16(final byte[] b, final int i)
    {
        return ((b[i] & 0xFF) << 8) | (b[i + 1] & 0xFF);
    }
}
