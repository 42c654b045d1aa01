package io.fleet.vrrp.frame;

/** The Internet checksum (RFC 1071) and the IPv4/IPv6 pseudo-header sums that ICMPv6 and VRRPv3 include. */
public final class Checksum
{
    private Checksum()
    {
    }

    /** The one's-complement sum of {@code length} bytes, added to {@code initial}, not yet folded or inverted. */
    public static long sum(final byte[] b, final int offset, final int length, final long initial)
    {
        long sum = initial;
        int i = offset;
        final int end = offset + length;
        for (; i + 1 < end; i += 2)
        {
            sum += ((b[i] & 0xFF) << 8) | (b[i + 1] & 0xFF);
        }
        if (i < end)
        {
            sum += (b[i] & 0xFF) << 8;
        }
        return sum;
    }

    /** Folds the carries of {@code sum} and inverts it: the value to write into a checksum field. */
    public static int finish(final long sum)
    {
        long s = sum;
        while ((s >>> 16) != 0)
        {
            s = (s & 0xFFFF) + (s >>> 16);
        }
        return (int)(~s & 0xFFFF);
    }

    /**
     * The sum of the IPv4 or IPv6 pseudo-header: source and destination addresses (4 or 16 bytes each, at the given
     * offsets), the upper-layer protocol and the upper-layer length.
     */
    public static long pseudoHeader(
        final byte[] b, final int sourceOffset, final int destinationOffset, final int addressLength,
        final int protocol, final int upperLength)
    {
        long sum = sum(b, sourceOffset, addressLength, 0);
        sum = sum(b, destinationOffset, addressLength, sum);
        return sum + protocol + (upperLength & 0xFFFF) + (upperLength >>> 16);
    }
}
