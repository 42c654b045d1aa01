package io.fleet.sync.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import io.fleet.sync.ClusterNode;
import io.fleet.sync.conn.ConnectionChange;
import io.fleet.sync.conn.ConnectionReplication;
import io.fleet.sync.conn.ConnectionState;
import io.fleet.sync.conn.SyncPolicy;
import io.fleet.sync.testkit.TestNodes;

/**
 * Sync throughput benchmark (never a test): three nodes over real Artery TCP on loopback in one JVM; node A's
 * drainer offers new established DR connections at a fixed rate with scheduled send times (no coordinated
 * omission); nodes B and C record, per record, the time from its scheduled send to its hand-over to their
 * worker. Wire bytes are TCP payload bytes of every socket between the three nodes (from {@code ss -ti}),
 * heartbeats, gossip, digests and acks included.
 *
 * <pre>
 * java -cp ... io.fleet.sync.bench.SyncBenchmark [ratePerSecond=100000] [seconds=10] [ttlSeconds=900] ["extra HOCON"]
 * </pre>
 */
public final class SyncBenchmark
{
    private SyncBenchmark()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        final int rate = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        final int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        final int ttlSeconds = args.length > 2 ? Integer.parseInt(args[2]) : 900;
        final String extraConfig = args.length > 3 ? args[3] : "";
        final int total = rate * seconds;
        final String host = "127.0.0.1";
        final int[] ports = {TestNodes.freePort(host), TestNodes.freePort(host), TestNodes.freePort(host)};
        final List<String> seeds = List.of(host + ":" + ports[0]);

        final long[] scheduledNs = new long[total];
        final Recorder latency = new Recorder(TimeUnit.SECONDS.toNanos(60), 3);
        final AtomicLong delivered = new AtomicLong();
        // Worst visibility per second of scheduled send: shows whether the tail is spread or comes in bursts.
        final java.util.concurrent.atomic.AtomicLongArray worstPerSecondNs =
            new java.util.concurrent.atomic.AtomicLongArray(seconds + 1);
        final List<ClusterNode> nodes = new ArrayList<>();
        final List<ConnectionReplication> replications = new ArrayList<>();
        try
        {
            for (int i = 0; i < 3; i++)
            {
                final ClusterNode node = ClusterNode.start(TestNodes.config(host, ports[i], seeds,
                    Files.createTempDirectory("fleet-bench")).withFallback(com.typesafe.config.ConfigFactory.parseString(
                    "pekko.loglevel = WARNING\nfleet.sync.failure-detector.acceptable-heartbeat-pause = 3 s\n" +
                    extraConfig)));
                nodes.add(node);
                final boolean writer = i == 0;
                replications.add(ConnectionReplication.start(node, (key, record, expiryMs) ->
                {
                    if (!writer)
                    {
                        final int n = ((key[5] & 0xFF) << 24) | ((key[6] & 0xFF) << 16) | ((key[9] & 0xFF) << 8) | (key[10] & 0xFF);
                        final long ns = Math.max(0, System.nanoTime() - scheduledNs[n]);
                        latency.recordValue(ns);
                        worstPerSecondNs.accumulateAndGet(n / rate, ns, Math::max);
                        delivered.incrementAndGet();
                    }
                }));
            }
            for (final ClusterNode n : nodes)
            {
                n.awaitUp(java.time.Duration.ofSeconds(60));
            }
            for (final ConnectionReplication r : replications)
            {
                r.caughtUp().toCompletableFuture().get(60, TimeUnit.SECONDS);
            }
            Thread.sleep(2000);
            final long heapBefore = heapAfterFullGc();
            final long directBefore = directBytes();
            final long bytesBefore = WireBytes.between(ports);
            final long cpuBeforeNs = processCpuNs();
            final long gcBeforeMs = gcMs();

            final ConnectionChange change = new ConnectionChange().protocol(ConnectionChange.TCP)
                .state(ConnectionState.ESTABLISHED).stateChanged(true).keepsMapping(false).packetsIn(3).packetsOut(2);
            final byte[] key = {6, 10, 0, 0, 0, 0, 0, (byte)192, (byte)168, 0, 0, 0, 80};
            final byte[] record = {10, 1, 0, 0, 0, 80, 3};
            final ConnectionReplication a = replications.get(0);
            final long startNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(100);
            long dropped = 0;
            for (int n = 0; n < total; n++)
            {
                final long atNs = startNs + (long)n * 1_000_000_000L / rate;
                scheduledNs[n] = atNs;
                while (System.nanoTime() - atNs < 0)
                {
                    // Coarse waits keep the loop's own CPU low; latency counts from the scheduled time anyway.
                    LockSupport.parkNanos(200_000);
                }
                // Client address and port carry the record number, so receivers find its scheduled time.
                key[5] = (byte)(n >>> 24);
                key[6] = (byte)(n >>> 16);
                key[9] = (byte)(n >>> 8);
                key[10] = (byte)n;
                record[3] = (byte)n;
                change.key(key).record(record).expiryMs(System.currentTimeMillis() + ttlSeconds * 1000L).syncedExpiryMs(0);
                if (a.offer(change) == SyncPolicy.Verdict.DROPPED_QUEUE_FULL)
                {
                    dropped++;
                }
            }
            final long offeredNs = System.nanoTime() - startNs;
            final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            final long expected = 2L * (total - dropped);
            while (delivered.get() < expected && System.nanoTime() - deadlineNs < 0)
            {
                Thread.sleep(50);
            }
            final long doneNs = System.nanoTime() - startNs;
            Thread.sleep(1000);
            final long bytes = WireBytes.between(ports) - bytesBefore;
            final long cpuNs = processCpuNs() - cpuBeforeNs;
            final long mainCpuNs = java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
            final long gcMs = gcMs() - gcBeforeMs;

            // After the window's figures, so that the full collections below do not count in its GC time. Every
            // node holds every record (the writer its own, the peers theirs), so the growth divides by 3 x records.
            final long heapAfter = heapAfterFullGc();
            final long directAfter = directBytes();
            final long held = total - dropped;

            final Histogram h = latency.getIntervalHistogram();
            System.out.printf("rate offered        %,d conn/s for %d s (%,d connections, achieved %,.0f/s, %d refused by full queue)%n",
                rate, seconds, total, total / (offeredNs / 1e9), dropped);
            System.out.printf("delivered to peers  %,d of %,d (%s) in %.2f s -> %,.0f conn/s replicated to both peers%n",
                delivered.get(), expected, delivered.get() == expected ? "all" : "MISSING", doneNs / 1e9,
                delivered.get() / 2.0 / (doneNs / 1e9));
            System.out.printf("visibility latency  p50 %.1f ms  p90 %.1f ms  p99 %.1f ms  max %.1f ms%n",
                h.getValueAtPercentile(50) / 1e6, h.getValueAtPercentile(90) / 1e6, h.getValueAtPercentile(99) / 1e6,
                h.getMaxValue() / 1e6);
            final StringBuilder worst = new StringBuilder();
            for (int i = 0; i < seconds; i++)
            {
                worst.append(i == 0 ? "" : " ").append(worstPerSecondNs.get(i) / 1_000_000);
            }
            System.out.println("worst per second    " + worst + " (ms, by second of scheduled send)");
            System.out.printf("wire bytes          %,d total between the 3 nodes = %.1f B per replicated connection per peer%n",
                bytes, bytes / 2.0 / Math.max(1, total - dropped));
            // Independent of how loaded the machine is: what one replicated connection costs all three nodes
            // (writer, both peers, Artery, and this benchmark's own rate loop and histogram), in CPU time.
            System.out.printf("cpu                 %.1f s process CPU (%.1f us per connection, all 3 nodes), GC %d ms;" +
                " of it the rate loop (main thread, whole run) %.1f s%n",
                cpuNs / 1e9, cpuNs / 1e3 / total, gcMs, mainCpuNs / 1e9);
            if (Boolean.getBoolean("fleet.bench.threads"))
            {
                final var threads = java.lang.management.ManagementFactory.getThreadMXBean();
                final java.util.Map<String, Long> byPool = new java.util.TreeMap<>();
                for (final long id : threads.getAllThreadIds())
                {
                    final var info = threads.getThreadInfo(id);
                    final long t = threads.getThreadCpuTime(id);
                    if (info != null && t > 0)
                    {
                        byPool.merge(info.getThreadName().replaceAll("[0-9]+", "N"), t, Long::sum);
                    }
                }
                byPool.forEach((name, t) -> System.out.printf("  thread cpu %6.2f s  %s%n", t / 1e9, name));
            }
            System.out.printf("heap                %,d MB more after a full GC than before the run = %.0f B per record per node" +
                " (%,d records x 3 nodes; includes the writer's retransmit buffer)%n",
                (heapAfter - heapBefore) >> 20, (heapAfter - heapBefore) / (3.0 * Math.max(1, held)), held);
            System.out.printf("off-heap            %,d MB more direct buffers than before the run = %.0f B per record per node" +
                " (connection tables; Artery's own buffers are allocated at startup)%n",
                (directAfter - directBefore) >> 20, (directAfter - directBefore) / (3.0 * Math.max(1, held)));
            final var s = a.stats();
            System.out.printf("writer              %,d batches, %.1f B/record encoded, %d state transfers sent%n",
                s.batchesSent(), s.batchBytesSent() / (double)Math.max(1, s.flushed()), s.stateTransfersSent());
            for (int i = 1; i < 3; i++)
            {
                final var p = replications.get(i).stats();
                System.out.printf("peer %d              %,d batches received, %d resyncs, %d repairs, %d duplicates, %d table full%n",
                    i, p.batchesReceived(), p.resyncs(), p.repairs(), p.duplicates(), p.tableFull());
            }
        }
        finally
        {
            for (final ClusterNode n : nodes)
            {
                n.close();
            }
        }
        System.exit(0);
    }

    private static long processCpuNs()
    {
        return ((com.sun.management.OperatingSystemMXBean)java.lang.management.ManagementFactory
            .getOperatingSystemMXBean()).getProcessCpuTime();
    }

    /**
     * Heap in use after two full collections (System.gc() is one with ParallelGC and G1): the sum over the heap
     * pools of what each held after its last collection. Both the memory MXBean's current figure and
     * {@code Runtime}'s came out tens of MB (up to 250 MB) off what the GC log showed, because eden fills again at
     * once.
     */
    private static long heapAfterFullGc()
    {
        System.gc();
        System.gc();
        long used = 0;
        for (final var pool : java.lang.management.ManagementFactory.getMemoryPoolMXBeans())
        {
            final var afterGc = pool.getCollectionUsage();
            if (pool.getType() == java.lang.management.MemoryType.HEAP && afterGc != null)
            {
                used += afterGc.getUsed();
            }
        }
        return used;
    }

    private static long directBytes()
    {
        long bytes = 0;
        for (final var pool : java.lang.management.ManagementFactory.getPlatformMXBeans(
            java.lang.management.BufferPoolMXBean.class))
        {
            if (pool.getName().equals("direct"))
            {
                bytes += pool.getMemoryUsed();
            }
        }
        return bytes;
    }

    private static long gcMs()
    {
        long ms = 0;
        for (final var gc : java.lang.management.ManagementFactory.getGarbageCollectorMXBeans())
        {
            ms += Math.max(0, gc.getCollectionTime());
        }
        return ms;
    }

    /** TCP payload bytes sent on every socket whose local or remote port is one of the nodes' ports. */
    static final class WireBytes
    {
        static long between(final int[] ports) throws Exception
        {
            final Process p = new ProcessBuilder("ss", "-tinH").redirectErrorStream(true).start();
            final List<String> lines = new String(p.getInputStream().readAllBytes()).lines().toList();
            p.waitFor();
            long sum = 0;
            boolean match = false;
            for (final String line : lines)
            {
                if (!line.startsWith("\t") && !line.startsWith(" "))
                {
                    match = false;
                    for (final String token : line.trim().split("\\s+"))
                    {
                        for (final int port : ports)
                        {
                            match |= token.endsWith(":" + port);
                        }
                    }
                }
                else if (match)
                {
                    final int i = line.indexOf("bytes_sent:");
                    if (i >= 0)
                    {
                        int j = i + "bytes_sent:".length();
                        int k = j;
                        while (k < line.length() && Character.isDigit(line.charAt(k)))
                        {
                            k++;
                        }
                        sum += Long.parseLong(line.substring(j, k));
                    }
                }
            }
            return sum;
        }
    }
}
