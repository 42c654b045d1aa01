package io.fleet.bench;

import io.fleet.director.conn.ConnectionTable;
import io.fleet.director.service.FlowKey;

/**
 * Memory per IPv4 connection with the table full: {@code java -cp bench/target/benchmarks.jar io.fleet.bench.TableMemory 10000000}.
 * Reports the table's own arrays (slab, both indexes) and the heap growth measured around building and filling it.
 */
public final class TableMemory
{
    private TableMemory()
    {
    }

    public static void main(final String[] args)
    {
        final int n = args.length > 0 ? Integer.parseInt(args[0]) : 10_000_000;
        final Runtime rt = Runtime.getRuntime();
        final long before = used(rt);
        final ConnectionTable table = new ConnectionTable(false, n, 100_000_000L, 4096, 0);
        final FlowKey key = new FlowKey();
        final int[] rs = {0, 0, 0, 0x0A000001};
        for (int i = 0; i < n; i++)
        {
            key.ipv4(6, 0x0B000000 + i, 1024 + (i & 0x7FFF), 0xC6336401, 80);
            final int e = table.insert(key, 900_000_000_000L);
            if (e < 0)
            {
                throw new IllegalStateException("insert " + i + " refused");
            }
            table.bindReverse(e, rs, 8080, null, 0);
        }
        final long after = used(rt);
        System.out.printf("entries %d%n", table.size());
        System.out.printf("table arrays: %.1f bytes per connection (%d MiB)%n", (double)table.footprintBytes() / n,
            table.footprintBytes() >> 20);
        System.out.printf("heap growth:  %.1f bytes per connection (%d MiB)%n", (double)(after - before) / n,
            (after - before) >> 20);
        if (table.find(key) < 0)
        {
            throw new IllegalStateException("last entry not found");
        }
    }

    private static long used(final Runtime rt)
    {
        for (int i = 0; i < 3; i++)
        {
            System.gc();
        }
        return rt.totalMemory() - rt.freeMemory();
    }
}
