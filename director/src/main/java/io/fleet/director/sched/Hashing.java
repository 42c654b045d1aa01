package io.fleet.director.sched;

/**
 * The hash functions IPVS's hashing schedulers use, so that Fleet builds the same tables and makes the same
 * picks as the kernel on x86_64.
 */
final class Hashing
{
    /** Linux {@code GOLDEN_RATIO_32} (include/linux/hash.h, kernels since 4.7). */
    static final int GOLDEN_RATIO_32 = 0x61C88647;

    private Hashing()
    {
    }

    /** Linux {@code hash_32(val, bits)}: multiply by the golden ratio and keep the top {@code bits} bits. */
    static int hash32(final int value, final int bits)
    {
        return (value * GOLDEN_RATIO_32) >>> (32 - bits);
    }

    /**
     * SipHash with {@code c} compression and {@code d} finalisation rounds over a message of at most seven bytes
     * held little-endian in {@code message}, returning the 64-bit result. With c=1, d=3 and the result cut to
     * 32 bits this is the kernel's {@code hsiphash} on 64-bit machines (lib/siphash.c), which mh uses.
     */
    static long sipHash(final int c, final int d, final long k0, final long k1, final long message, final int length)
    {
        long v0 = 0x736f6d6570736575L ^ k0;
        long v1 = 0x646f72616e646f6dL ^ k1;
        long v2 = 0x6c7967656e657261L ^ k0;
        long v3 = 0x7465646279746573L ^ k1;
        final long b = ((long)length << 56) | (length == 0 ? 0 : message & (-1L >>> (64 - 8 * length)));

        v3 ^= b;
        for (int i = 0; i < c; i++)
        {
            v0 += v1; v1 = Long.rotateLeft(v1, 13); v1 ^= v0; v0 = Long.rotateLeft(v0, 32);
            v2 += v3; v3 = Long.rotateLeft(v3, 16); v3 ^= v2;
            v0 += v3; v3 = Long.rotateLeft(v3, 21); v3 ^= v0;
            v2 += v1; v1 = Long.rotateLeft(v1, 17); v1 ^= v2; v2 = Long.rotateLeft(v2, 32);
        }
        v0 ^= b;
        v2 ^= 0xff;
        for (int i = 0; i < d; i++)
        {
            v0 += v1; v1 = Long.rotateLeft(v1, 13); v1 ^= v0; v0 = Long.rotateLeft(v0, 32);
            v2 += v3; v3 = Long.rotateLeft(v3, 16); v3 ^= v2;
            v0 += v3; v3 = Long.rotateLeft(v3, 21); v3 ^= v0;
            v2 += v1; v1 = Long.rotateLeft(v1, 17); v1 ^= v2; v2 = Long.rotateLeft(v2, 32);
        }
        return v0 ^ v1 ^ v2 ^ v3;
    }

    /** The kernel's 64-bit {@code hsiphash} of one 32-bit value with the key {@code (k, k)}: SipHash-1-3, low 32 bits. */
    static int hsiphash32(final int value, final long key)
    {
        return (int)sipHash(1, 3, key, key, value & 0xFFFF_FFFFL, 4);
    }

    static int gcd(final int a, final int b)
    {
        int x = a;
        int y = b;
        while (y != 0)
        {
            final int t = x % y;
            x = y;
            y = t;
        }
        return x;
    }
}
