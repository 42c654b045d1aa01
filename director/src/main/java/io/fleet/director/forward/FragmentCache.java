package io.fleet.director.forward;

/**
 * Which connection an IP datagram's fragments belong to. The first fragment carries the ports and is scheduled
 * like any packet; the core records (source, destination, fragment id, protocol) -> connection here, and later
 * fragments, which carry no ports, follow the same connection. Direct-mapped and fixed in size: a newer datagram
 * overwrites an older one in its slot, and entries lapse after a reassembly timeout. A later fragment whose
 * first fragment was not seen (or was overwritten) is dropped and counted.
 */
final class FragmentCache
{
    static final long MISSING = -1;

    private final int mask;
    private final int[] keys;
    private final int[] ids;
    private final int[] entries;
    private final long[] expiries;

    FragmentCache(final int slots)
    {
        final int size = Integer.highestOneBit(Math.max(16, slots - 1)) << 1;
        this.mask = size - 1;
        this.keys = new int[9 * size];
        this.ids = new int[size];
        this.entries = new int[size];
        this.expiries = new long[size];
        java.util.Arrays.fill(entries, -1);
    }

    void put(
        final boolean v6, final int s0, final int s1, final int s2, final int s3, final int d0, final int d1, final int d2,
        final int d3, final int id, final int protocol, final int entry, final boolean unused, final long expiryNs)
    {
        final int slot = slot(s3, d3, id);
        final int k = 9 * slot;
        keys[k] = s0;
        keys[k + 1] = s1;
        keys[k + 2] = s2;
        keys[k + 3] = s3;
        keys[k + 4] = d0;
        keys[k + 5] = d1;
        keys[k + 6] = d2;
        keys[k + 7] = d3;
        keys[k + 8] = (v6 ? 0x100 : 0) | (protocol & 0xFF);
        ids[slot] = id;
        entries[slot] = entry;
        expiries[slot] = expiryNs;
    }

    long get(
        final boolean v6, final int s0, final int s1, final int s2, final int s3, final int d0, final int d1, final int d2,
        final int d3, final int id, final int protocol, final long nowNs)
    {
        final int slot = slot(s3, d3, id);
        final int k = 9 * slot;
        if (entries[slot] < 0 || ids[slot] != id || expiries[slot] - nowNs < 0
            || keys[k + 8] != ((v6 ? 0x100 : 0) | (protocol & 0xFF))
            || keys[k] != s0 || keys[k + 1] != s1 || keys[k + 2] != s2 || keys[k + 3] != s3
            || keys[k + 4] != d0 || keys[k + 5] != d1 || keys[k + 6] != d2 || keys[k + 7] != d3)
        {
            return MISSING;
        }
        return entries[slot];
    }

    private int slot(final int s3, final int d3, final int id)
    {
        int h = (s3 * 31 + d3) * 31 + id;
        h *= 0x9E3779B1;
        return (h ^ (h >>> 16)) & mask;
    }
}
