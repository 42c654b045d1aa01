package io.fleet.director.packet;

/** The internet checksum written the plain way, byte by byte, to check {@link Checksums} against. */
final class ReferenceChecksum
{
    private ReferenceChecksum()
    {
    }

    /** RFC 1071 section 3: add 16-bit big-endian words with end-around carry, pad an odd byte, complement. */
    static int referenceChecksum(final byte[] data, final int offset, final int length)
    {
        return ~referenceFold(data, offset, length) & 0xFFFF;
    }

    static int referenceFold(final byte[] data, final int offset, final int length)
    {
        int sum = 0;
        for (int i = 0; i < length; i += 2)
        {
            final int high = data[offset + i] & 0xFF;
            final int low = i + 1 < length ? data[offset + i + 1] & 0xFF : 0;
            sum += (high << 8) | low;
            sum = (sum & 0xFFFF) + (sum >>> 16);
        }
        return sum;
    }
}
