package io.fleet.vrrp.election;

import java.nio.charset.StandardCharsets;

/**
 * Rendezvous (highest random weight) hashing of (VIP group, node): among equal priorities the node with the highest
 * score holds the group, so N groups spread over M directors and a director leaving moves only its own groups.
 * The score is FNV-1a 64 over the UTF-8 bytes finished with MurmurHash3's fmix64; it must be the same on every JVM,
 * which is why neither {@code String.hashCode} alone nor a seeded hash is used.
 */
public final class Rendezvous
{
    private static final long FNV_OFFSET = 0xcbf29ce484222325L;
    private static final long FNV_PRIME = 0x100000001b3L;

    private Rendezvous()
    {
    }

    public static long score(final String group, final String node)
    {
        long h = FNV_OFFSET;
        h = fnv(h, group.getBytes(StandardCharsets.UTF_8));
        // A separator that cannot occur in UTF-8 keeps ("ab","c") and ("a","bc") apart.
        h = (h ^ 0xFF) * FNV_PRIME;
        h = fnv(h, node.getBytes(StandardCharsets.UTF_8));
        return fmix64(h);
    }

    private static long fnv(final long seed, final byte[] bytes)
    {
        long h = seed;
        for (final byte b : bytes)
        {
            h = (h ^ (b & 0xFF)) * FNV_PRIME;
        }
        return h;
    }

    private static long fmix64(final long value)
    {
        long k = value;
        k ^= k >>> 33;
        k *= 0xff51afd7ed558ccdL;
        k ^= k >>> 33;
        k *= 0xc4ceb9fe1a85ec53L;
        k ^= k >>> 33;
        return k;
    }
}
