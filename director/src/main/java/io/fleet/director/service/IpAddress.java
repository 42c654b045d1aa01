package io.fleet.director.service;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/**
 * An IPv4 or IPv6 address held as four big-endian 32-bit words; IPv4 sits in word 3 with words 0..2 zero.
 * Parsing never touches DNS: only literals are accepted.
 */
public final class IpAddress implements Comparable<IpAddress>
{
    private final boolean ipv6;
    private final int w0;
    private final int w1;
    private final int w2;
    private final int w3;

    private IpAddress(final boolean ipv6, final int w0, final int w1, final int w2, final int w3)
    {
        this.ipv6 = ipv6;
        this.w0 = w0;
        this.w1 = w1;
        this.w2 = w2;
        this.w3 = w3;
    }

    public static IpAddress ofIpv4(final int address)
    {
        return new IpAddress(false, 0, 0, 0, address);
    }

    public static IpAddress ofIpv6(final int w0, final int w1, final int w2, final int w3)
    {
        return new IpAddress(true, w0, w1, w2, w3);
    }

    /** From 4 or 16 network-order bytes. */
    public static IpAddress ofBytes(final byte[] bytes)
    {
        if (bytes.length == 4)
        {
            return ofIpv4(word(bytes, 0));
        }
        if (bytes.length == 16)
        {
            return ofIpv6(word(bytes, 0), word(bytes, 4), word(bytes, 8), word(bytes, 12));
        }
        throw new IllegalArgumentException("an IP address has 4 or 16 bytes, not " + bytes.length);
    }

    /**
     * Parses a dotted-quad IPv4 literal or an IPv6 literal (optionally in brackets).
     *
     * @param field the name reported in the error, for example {@code vip} or {@code real-server}.
     */
    public static IpAddress parse(final String field, final String text)
    {
        if (text == null || text.isBlank())
        {
            throw new InvalidServiceException(field, text, "an IP address is required");
        }
        String t = text.trim();
        if (t.indexOf(':') >= 0)
        {
            if (t.startsWith("[") && t.endsWith("]"))
            {
                t = t.substring(1, t.length() - 1);
            }
            if (!t.matches("[0-9A-Fa-f:.]+"))
            {
                throw new InvalidServiceException(field, text, "not an IPv6 literal");
            }
            try
            {
                // With a ':' and only hex digits, InetAddress parses the literal and does no lookup.
                final InetAddress a = InetAddress.getByName(t);
                if (!(a instanceof Inet6Address))
                {
                    // An IPv4-mapped literal (::ffff:a.b.c.d) comes back as IPv4; keep it as written.
                    final byte[] mapped = new byte[16];
                    mapped[10] = (byte)0xff;
                    mapped[11] = (byte)0xff;
                    System.arraycopy(a.getAddress(), 0, mapped, 12, 4);
                    return ofBytes(mapped);
                }
                return ofBytes(a.getAddress());
            }
            catch (final UnknownHostException ex)
            {
                throw new InvalidServiceException(field, text, "not an IPv6 literal");
            }
        }
        final String[] parts = t.split("\\.", -1);
        if (parts.length != 4)
        {
            throw new InvalidServiceException(field, text, "not an IPv4 address (a.b.c.d) or IPv6 literal");
        }
        int address = 0;
        for (final String part : parts)
        {
            if (part.isEmpty() || part.length() > 3 || !part.chars().allMatch(Character::isDigit))
            {
                throw new InvalidServiceException(field, text, "not an IPv4 address (a.b.c.d) or IPv6 literal");
            }
            final int octet = Integer.parseInt(part);
            if (octet > 255)
            {
                throw new InvalidServiceException(field, text, "IPv4 octet " + octet + " is above 255");
            }
            address = (address << 8) | octet;
        }
        return ofIpv4(address);
    }

    public boolean isIpv6()
    {
        return ipv6;
    }

    /** Big-endian word {@code i} (0..3); an IPv4 address is word 3. */
    public int word(final int i)
    {
        switch (i)
        {
            case 0: return w0;
            case 1: return w1;
            case 2: return w2;
            case 3: return w3;
            default: throw new IndexOutOfBoundsException(i);
        }
    }

    /** The IPv4 address as an int; meaningful only when {@link #isIpv6()} is false. */
    public int ipv4()
    {
        return w3;
    }

    /**
     * The 32-bit fold IPVS hashes: the IPv4 address itself, or the XOR of the four IPv6 words
     * (ip_vs_sh.c, ip_vs_dh.c: {@code addr_fold}).
     */
    public int fold()
    {
        return ipv6 ? w0 ^ w1 ^ w2 ^ w3 : w3;
    }

    /** Maximum prefix length for this family: 32 or 128. */
    public int bits()
    {
        return ipv6 ? 128 : 32;
    }

    /** This address with all but the first {@code prefixLength} bits cleared. */
    public IpAddress mask(final int prefixLength)
    {
        if (prefixLength < 0 || prefixLength > bits())
        {
            throw new IllegalArgumentException("prefix length " + prefixLength + " outside 0.." + bits());
        }
        if (!ipv6)
        {
            return ofIpv4(w3 & maskWord(prefixLength));
        }
        return ofIpv6(w0 & maskWord(prefixLength), w1 & maskWord(prefixLength - 32),
            w2 & maskWord(prefixLength - 64), w3 & maskWord(prefixLength - 96));
    }

    /**
     * Word {@code word} (0..3, IPv4 in word 3) of the mask for a prefix length, for masking addresses held as four
     * words without building an address.
     */
    public static int prefixMaskWord(final boolean ipv6, final int prefixLength, final int word)
    {
        if (!ipv6)
        {
            return word == 3 ? maskWord(prefixLength) : 0;
        }
        return maskWord(prefixLength - 32 * word);
    }

    /** The 32-bit mask with the top {@code bits} bits set (clamped to 0..32). */
    static int maskWord(final int bits)
    {
        if (bits <= 0)
        {
            return 0;
        }
        return bits >= 32 ? -1 : -1 << (32 - bits);
    }

    public byte[] toBytes()
    {
        if (!ipv6)
        {
            final byte[] b = new byte[4];
            putWord(b, 0, w3);
            return b;
        }
        final byte[] b = new byte[16];
        putWord(b, 0, w0);
        putWord(b, 4, w1);
        putWord(b, 8, w2);
        putWord(b, 12, w3);
        return b;
    }

    private static int word(final byte[] b, final int offset)
    {
        return ((b[offset] & 0xff) << 24) | ((b[offset + 1] & 0xff) << 16) | ((b[offset + 2] & 0xff) << 8)
            | (b[offset + 3] & 0xff);
    }

    private static void putWord(final byte[] b, final int offset, final int w)
    {
        b[offset] = (byte)(w >>> 24);
        b[offset + 1] = (byte)(w >>> 16);
        b[offset + 2] = (byte)(w >>> 8);
        b[offset + 3] = (byte)w;
    }

    @Override
    public boolean equals(final Object o)
    {
        if (this == o)
        {
            return true;
        }
        if (!(o instanceof IpAddress))
        {
            return false;
        }
        final IpAddress other = (IpAddress)o;
        return ipv6 == other.ipv6 && w0 == other.w0 && w1 == other.w1 && w2 == other.w2 && w3 == other.w3;
    }

    @Override
    public int hashCode()
    {
        return Arrays.hashCode(new int[] {ipv6 ? 1 : 0, w0, w1, w2, w3});
    }

    @Override
    public int compareTo(final IpAddress o)
    {
        if (ipv6 != o.ipv6)
        {
            return ipv6 ? 1 : -1;
        }
        int c = Integer.compareUnsigned(w0, o.w0);
        if (c == 0)
        {
            c = Integer.compareUnsigned(w1, o.w1);
        }
        if (c == 0)
        {
            c = Integer.compareUnsigned(w2, o.w2);
        }
        return c != 0 ? c : Integer.compareUnsigned(w3, o.w3);
    }

    /** Dotted quad, or RFC 5952 compressed IPv6 text. */
    @Override
    public String toString()
    {
        if (!ipv6)
        {
            return (w3 >>> 24) + "." + ((w3 >>> 16) & 0xff) + "." + ((w3 >>> 8) & 0xff) + "." + (w3 & 0xff);
        }
        final int[] groups = new int[8];
        for (int i = 0; i < 4; i++)
        {
            groups[2 * i] = word(i) >>> 16;
            groups[2 * i + 1] = word(i) & 0xffff;
        }
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < 8; )
        {
            if (groups[i] != 0)
            {
                i++;
                continue;
            }
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
            i = j;
        }
        final StringBuilder sb = new StringBuilder(39);
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
