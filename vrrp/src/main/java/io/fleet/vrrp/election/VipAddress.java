package io.fleet.vrrp.election;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/**
 * One virtual IPv4 or IPv6 address, held as its 4 or 16 network-order bytes. Parsing accepts literals only and
 * never touches DNS.
 */
public final class VipAddress
{
    private final byte[] bytes;

    private VipAddress(final byte[] bytes)
    {
        this.bytes = bytes;
    }

    public static VipAddress ofBytes(final byte[] bytes)
    {
        if (bytes.length != 4 && bytes.length != 16)
        {
            throw new IllegalArgumentException("an IP address has 4 or 16 bytes, not " + bytes.length);
        }
        return new VipAddress(bytes.clone());
    }

    /** Parses {@code a.b.c.d} or an IPv6 literal; anything that could be a host name is refused. */
    public static VipAddress parse(final String text)
    {
        final String t = text == null ? "" : text.trim();
        final boolean v6 = t.indexOf(':') >= 0 && t.matches("[0-9A-Fa-f:.]+");
        final boolean v4 = t.matches("\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}");
        if (!v4 && !v6)
        {
            throw new IllegalArgumentException("not an IPv4 or IPv6 literal: '" + text + "'");
        }
        if (v4)
        {
            for (final String part : t.split("\\."))
            {
                if (Integer.parseInt(part) > 255)
                {
                    throw new IllegalArgumentException("IPv4 octet above 255 in '" + text + "'");
                }
            }
        }
        try
        {
            // Only literals reach here, so InetAddress parses and does no lookup.
            final byte[] b = InetAddress.getByName(t).getAddress();
            if (v6 && b.length == 4)
            {
                throw new IllegalArgumentException("IPv4-mapped IPv6 VIPs are not supported: '" + text + "'");
            }
            return new VipAddress(b);
        }
        catch (final UnknownHostException ex)
        {
            throw new IllegalArgumentException("not an IP literal: '" + text + "'", ex);
        }
    }

    public boolean isIpv6()
    {
        return bytes.length == 16;
    }

    /** A copy of the network-order bytes. */
    public byte[] bytes()
    {
        return bytes.clone();
    }

    /** True when {@code length} bytes of {@code buffer} at {@code offset} are this address. */
    public boolean matches(final byte[] buffer, final int offset, final int length)
    {
        return length == bytes.length && Arrays.equals(bytes, 0, length, buffer, offset, offset + length);
    }

    /** Writes the address into {@code buffer} at {@code offset}. */
    public void copyTo(final byte[] buffer, final int offset)
    {
        System.arraycopy(bytes, 0, buffer, offset, bytes.length);
    }

    @Override
    public boolean equals(final Object o)
    {
        return o instanceof VipAddress && Arrays.equals(bytes, ((VipAddress)o).bytes);
    }

    @Override
    public int hashCode()
    {
        return Arrays.hashCode(bytes);
    }

    /** Dotted quad, or RFC 5952 text for IPv6 (lower case, longest run of two or more zero groups as "::"). */
    @Override
    public String toString()
    {
        if (!isIpv6())
        {
            return (bytes[0] & 0xFF) + "." + (bytes[1] & 0xFF) + "." + (bytes[2] & 0xFF) + "." + (bytes[3] & 0xFF);
        }
        final int[] groups = new int[8];
        for (int i = 0; i < 8; i++)
        {
            groups[i] = ((bytes[2 * i] & 0xFF) << 8) | (bytes[2 * i + 1] & 0xFF);
        }
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < 8; )
        {
            int j = i;
            while (j < 8 && groups[j] == 0)
            {
                j++;
            }
            if (j - i > bestLength)
            {
                bestStart = i;
                bestLength = j - i;
            }
            i = j == i ? i + 1 : j;
        }
        final StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 8; i++)
        {
            if (i == bestStart)
            {
                sb.append("::");
                i += bestLength - 1;
                continue;
            }
            if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':')
            {
                sb.append(':');
            }
            sb.append(Integer.toHexString(groups[i]));
        }
        return sb.toString();
    }
}
