package io.fleet.director.packet;

import org.agrona.DirectBuffer;

import java.nio.ByteOrder;

/**
 * The internet checksum (RFC 1071) and its incremental update (RFC 1624), allocation-free.
 *
 * <p>Sums are carried unfolded in a {@code long} so that partial sums (pseudo-header, header, payload) can be
 * added before one {@link #fold(long)}; {@link #finish(long)} folds and complements into the 16-bit field
 * value. The incremental updates use RFC 1624 equation 3, {@code HC' = ~(~HC + ~m + m')}, which never turns a
 * valid checksum into the ambiguous {@code -0}. UDP adds one rule on top: over IPv4 a checksum of 0 means
 * "none" and must stay 0 through NAT, and a computed 0 is sent as 0xFFFF.
 */
public final class Checksums
{
    private Checksums()
    {
    }

    /** Unfolded one's-complement sum of the 16-bit big-endian words of a range; an odd last byte is padded. */
    public static long sum(final DirectBuffer buffer, final int offset, final int length)
    {
        long sum = 0;
        int i = offset;
        final int end = offset + length;
        // Whole 32-bit words: 2^16 = 1 (mod 0xFFFF), so a 32-bit word adds as its two halves do.
        for (final int wordEnd = end - 3; i < wordEnd; i += 4)
        {
            sum += buffer.getInt(i, ByteOrder.BIG_ENDIAN) & 0xFFFF_FFFFL;
        }
        if (end - i >= 2)
        {
            sum += buffer.getShort(i, ByteOrder.BIG_ENDIAN) & 0xFFFF;
            i += 2;
        }
        if (i < end)
        {
            sum += (buffer.getByte(i) & 0xFF) << 8;
        }
        return sum;
    }

    /** Folds an unfolded sum into 16 bits with end-around carry; the result is in 0..0xFFFF. */
    public static int fold(final long sum)
    {
        long s = sum;
        while ((s >>> 16) != 0)
        {
            s = (s & 0xFFFF) + (s >>> 16);
        }
        return (int)s;
    }

    /** The checksum field value for an unfolded sum: the complement of its fold. */
    public static int finish(final long sum)
    {
        return ~fold(sum) & 0xFFFF;
    }

    /** The checksum field value of a UDP datagram: as {@link #finish(long)}, but a computed 0 is sent as 0xFFFF. */
    public static int finishUdp(final long sum)
    {
        final int c = finish(sum);
        return c == 0 ? 0xFFFF : c;
    }

    /** The full checksum over a range (IPv4 header, ICMPv4 message): {@code finish(sum(...))}. */
    public static int checksum(final DirectBuffer buffer, final int offset, final int length)
    {
        return finish(sum(buffer, offset, length));
    }

    /** Unfolded sum of the IPv4 pseudo-header of TCP and UDP (RFC 9293, RFC 768). */
    public static long ipv4PseudoHeaderSum(final int source, final int destination, final int protocol, final int length)
    {
        return (source >>> 16) + (source & 0xFFFF) + (destination >>> 16) + (destination & 0xFFFF)
            + (protocol & 0xFF) + (length & 0xFFFF);
    }

    /** Unfolded sum of the IPv6 pseudo-header (RFC 8200 section 8.1) from address words. */
    public static long ipv6PseudoHeaderSum(
        final int s0, final int s1, final int s2, final int s3,
        final int d0, final int d1, final int d2, final int d3,
        final int nextHeader, final int length)
    {
        return halves(s0) + halves(s1) + halves(s2) + halves(s3)
            + halves(d0) + halves(d1) + halves(d2) + halves(d3)
            + halves(length) + (nextHeader & 0xFF);
    }

    /** Unfolded sum of the IPv6 pseudo-header, addresses read from the IPv6 header at {@code ipv6Offset}. */
    public static long ipv6PseudoHeaderSum(
        final DirectBuffer buffer, final int ipv6Offset, final int nextHeader, final int length)
    {
        return sum(buffer, ipv6Offset + Ipv6Header.SOURCE_OFFSET, 32) + halves(length) + (nextHeader & 0xFF);
    }

    /** RFC 1624 equation 3 for a 16-bit field changed from {@code oldValue} to {@code newValue}. */
    public static int update16(final int checksum, final int oldValue, final int newValue)
    {
        final long sum = (~checksum & 0xFFFF) + (~oldValue & 0xFFFF) + (newValue & 0xFFFF);
        return ~fold(sum) & 0xFFFF;
    }

    /** RFC 1624 equation 3 for a 32-bit field (an IPv4 address, a sequence number). */
    public static int update32(final int checksum, final int oldValue, final int newValue)
    {
        final long sum = (~checksum & 0xFFFF) + (~oldValue >>> 16) + (~oldValue & 0xFFFF) + halves(newValue);
        return ~fold(sum) & 0xFFFF;
    }

    /** RFC 1624 equation 3 for a 128-bit field (an IPv6 address), old and new given as four words each. */
    public static int update128(
        final int checksum,
        final int old0, final int old1, final int old2, final int old3,
        final int new0, final int new1, final int new2, final int new3)
    {
        final long sum = (~checksum & 0xFFFF)
            + halves(~old0) + halves(~old1) + halves(~old2) + halves(~old3)
            + halves(new0) + halves(new1) + halves(new2) + halves(new3);
        return ~fold(sum) & 0xFFFF;
    }

    /** {@link #update16} for a UDP checksum: 0 ("none" over IPv4) stays 0, a result of 0 becomes 0xFFFF. */
    public static int udpUpdate16(final int checksum, final int oldValue, final int newValue)
    {
        return checksum == 0 ? 0 : nonZero(update16(checksum, oldValue, newValue));
    }

    /** {@link #update32} for a UDP checksum; see {@link #udpUpdate16}. */
    public static int udpUpdate32(final int checksum, final int oldValue, final int newValue)
    {
        return checksum == 0 ? 0 : nonZero(update32(checksum, oldValue, newValue));
    }

    /** {@link #update128} for a UDP checksum over IPv6, where 0 is not allowed: a result of 0 becomes 0xFFFF. */
    public static int udpUpdate128(
        final int checksum,
        final int old0, final int old1, final int old2, final int old3,
        final int new0, final int new1, final int new2, final int new3)
    {
        return checksum == 0 ? 0 : nonZero(update128(checksum, old0, old1, old2, old3, new0, new1, new2, new3));
    }

    private static int nonZero(final int checksum)
    {
        return checksum == 0 ? 0xFFFF : checksum;
    }

    private static long halves(final int word)
    {
        return (word >>> 16) + (word & 0xFFFF);
    }
}
