package io.fleet.vrrp.frame;

/**
 * Untagged Ethernet II header.
 * <pre>
 *  0                   6                  12        14
 * +-------------------+-------------------+---------+
 * | destination MAC   | source MAC        | type    |
 * +-------------------+-------------------+---------+
 * </pre>
 */
public final class Ethernet
{
    public static final int DESTINATION_OFFSET = 0;
    public static final int SOURCE_OFFSET = 6;
    public static final int TYPE_OFFSET = 12;
    public static final int HEADER_LENGTH = 14;

    private Ethernet()
    {
    }

    /** Writes the header at {@code offset}; returns the offset of the payload. */
    public static int write(final byte[] b, final int offset, final byte[] destination, final byte[] source, final int type)
    {
        System.arraycopy(destination, 0, b, offset + DESTINATION_OFFSET, Mac.LENGTH);
        System.arraycopy(source, 0, b, offset + SOURCE_OFFSET, Mac.LENGTH);
        Bytes.u16(b, offset + TYPE_OFFSET, type);
        return offset + HEADER_LENGTH;
    }
}
