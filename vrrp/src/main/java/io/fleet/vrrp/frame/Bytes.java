package io.fleet.vrrp.frame;

/** Big-endian reads and writes on byte arrays, as the wire formats here are all network order. */
public final class Bytes
{
    private Bytes()
    {
    }

    public static int u8(final byte[] b, final int i)
    {
        return b[i] & 0xFF;
    }

    public static int u16(final byte[] b, final int i)
    {
        return ((b[i] & 0xFF) << 8) | (b[i + 1] & 0xFF);
    }

    public static void u16(final byte[] b, final int i, final int value)
    {
        b[i] = (byte)(value >>> 8);
        b[i + 1] = (byte)value;
    }

    public static void u32(final byte[] b, final int i, final int value)
    {
        b[i] = (byte)(value >>> 24);
        b[i + 1] = (byte)(value >>> 16);
        b[i + 2] = (byte)(value >>> 8);
        b[i + 3] = (byte)value;
    }

    public static boolean equal(final byte[] a, final int aOffset, final byte[] b, final int bOffset, final int length)
    {
        return java.util.Arrays.equals(a, aOffset, aOffset + length, b, bOffset, bOffset + length);
    }

    /** Lower-case hex without separators, for logs and golden tests. */
    public static String hex(final byte[] b, final int offset, final int length)
    {
        final StringBuilder sb = new StringBuilder(2 * length);
        for (int i = offset; i < offset + length; i++)
        {
            sb.append(Character.forDigit((b[i] >> 4) & 0xF, 16)).append(Character.forDigit(b[i] & 0xF, 16));
        }
        return sb.toString();
    }

    public static byte[] fromHex(final String hex)
    {
        final String h = hex.replaceAll("\\s", "");
        final byte[] b = new byte[h.length() / 2];
        for (int i = 0; i < b.length; i++)
        {
            b[i] = (byte)Integer.parseInt(h.substring(2 * i, 2 * i + 2), 16);
        }
        return b;
    }
}
