package io.fleet.vrrp.frame;

/** MAC addresses vrrp needs: parsing and printing, VRRP's virtual router MACs and the multicast destinations. */
public final class Mac
{
    public static final int LENGTH = 6;
    public static final byte[] BROADCAST = {-1, -1, -1, -1, -1, -1};
    public static final byte[] ZERO = new byte[LENGTH];

    private Mac()
    {
    }

    /** RFC 5798 7.3: 00:00:5e:00:01:VRID for IPv4, 00:00:5e:00:02:VRID for IPv6. */
    public static byte[] virtualRouter(final int vrid, final boolean ipv6)
    {
        if (vrid < 1 || vrid > 255)
        {
            throw new IllegalArgumentException("VRID " + vrid + " is not 1..255");
        }
        return new byte[]{0, 0, 0x5e, 0, (byte)(ipv6 ? 2 : 1), (byte)vrid};
    }

    /** The Ethernet multicast MAC of an IPv4 group: 01:00:5e plus the low 23 bits. */
    public static byte[] ipv4Multicast(final byte[] group, final int offset)
    {
        return new byte[]{1, 0, 0x5e, (byte)(group[offset + 1] & 0x7F), group[offset + 2], group[offset + 3]};
    }

    /** The Ethernet multicast MAC of an IPv6 group: 33:33 plus the low 32 bits. */
    public static byte[] ipv6Multicast(final byte[] group, final int offset)
    {
        return new byte[]{0x33, 0x33, group[offset + 12], group[offset + 13], group[offset + 14], group[offset + 15]};
    }

    public static byte[] parse(final String text)
    {
        final String[] parts = text.trim().split("[:-]");
        if (parts.length != LENGTH)
        {
            throw new IllegalArgumentException("not a MAC address: '" + text + "'");
        }
        final byte[] mac = new byte[LENGTH];
        for (int i = 0; i < LENGTH; i++)
        {
            mac[i] = (byte)Integer.parseInt(parts[i], 16);
        }
        return mac;
    }

    public static String toString(final byte[] b, final int offset)
    {
        final StringBuilder sb = new StringBuilder(17);
        for (int i = 0; i < LENGTH; i++)
        {
            if (i > 0)
            {
                sb.append(':');
            }
            sb.append(Character.forDigit((b[offset + i] >> 4) & 0xF, 16)).append(Character.forDigit(b[offset + i] & 0xF, 16));
        }
        return sb.toString();
    }
}
