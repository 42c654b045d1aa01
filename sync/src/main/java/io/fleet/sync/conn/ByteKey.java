package io.fleet.sync.conn;

import java.util.Arrays;

/**
 * An opaque connection key (the director's encoding of a 5-tuple) as a map key: the bytes are owned by this
 * object and never modified, so the hash is computed once.
 */
public final class ByteKey implements Comparable<ByteKey>
{
    private final byte[] bytes;
    private final int hash;

    private ByteKey(final byte[] bytes)
    {
        this.bytes = bytes;
        this.hash = hash(bytes);
    }

    /**
     * FNV-1a with a murmur3 finaliser: 5-tuples differ in a few bytes (ports, last address octets), which
     * {@code Arrays.hashCode} maps onto colliding values often enough to show up in the replica's hash map.
     */
    private static int hash(final byte[] bytes)
    {
        int h = 0x811C9DC5;
        for (final byte b : bytes)
        {
            h = (h ^ (b & 0xFF)) * 0x01000193;
        }
        h ^= h >>> 16;
        h *= 0x85EBCA6B;
        h ^= h >>> 13;
        h *= 0xC2B2AE35;
        h ^= h >>> 16;
        return h;
    }

    /** Wraps a copy of {@code bytes}. */
    public static ByteKey copyOf(final byte[] bytes)
    {
        return new ByteKey(bytes.clone());
    }

    /** Wraps {@code bytes} without copying; the caller hands over ownership. */
    static ByteKey wrap(final byte[] bytes)
    {
        return new ByteKey(bytes);
    }

    /** The key's bytes; callers must not modify them. */
    public byte[] bytes()
    {
        return bytes;
    }

    public int length()
    {
        return bytes.length;
    }

    /** The bucket (Distributed Data key index) this key lives in; stable across JVMs and restarts. */
    public int bucket(final int buckets)
    {
        return (hash >>> 1) % buckets;
    }

    @Override
    public int compareTo(final ByteKey other)
    {
        return Arrays.compareUnsigned(bytes, other.bytes);
    }

    @Override
    public boolean equals(final Object o)
    {
        return o instanceof ByteKey && ((ByteKey)o).hash == hash && Arrays.equals(((ByteKey)o).bytes, bytes);
    }

    @Override
    public int hashCode()
    {
        return hash;
    }

    @Override
    public String toString()
    {
        final StringBuilder sb = new StringBuilder(bytes.length * 2);
        for (final byte b : bytes)
        {
            sb.append(Character.forDigit((b >> 4) & 0xF, 16)).append(Character.forDigit(b & 0xF, 16));
        }
        return sb.toString();
    }
}
