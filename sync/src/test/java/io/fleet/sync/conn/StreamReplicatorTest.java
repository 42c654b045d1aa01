package io.fleet.sync.conn;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

import io.fleet.sync.serial.KryoSerializer;

/**
 * The stream protocol driven by hand: replicators wired through an in-memory network that serializes every
 * message (the real Kryo wire form) and can lose chosen messages, with one injected clock. Nothing is timed.
 */
@Timeout(30)
class StreamReplicatorTest
{
    private static final long START_MS = 1_700_000_000_000L;
    private static final long LIFETIME_MS = 60_000;
    private static final long PRUNE_MS = 1_000;
    private static final int BUCKETS = 8;

    private final AtomicLong nowMs = new AtomicLong(START_MS);
    private final Network net = new Network();

    /** One message on the wire. */
    private record Envelope(String from, String to, StreamMessage message)
    {
    }

    /**
     * Messages wait here until {@link #deliverAll}; {@code lose} decides which never arrive, each message at most
     * once per destination (a retransmission of a lost batch is the same message and gets through).
     */
    private final class Network
    {
        final Map<String, Node> nodes = new LinkedHashMap<>();
        final ArrayDeque<Envelope> inFlight = new ArrayDeque<>();
        final KryoSerializer serializer = new KryoSerializer();
        Predicate<Envelope> lose = e -> false;
        final List<Envelope> lost = new ArrayList<>();

        void deliverAll()
        {
            Envelope e;
            while ((e = inFlight.poll()) != null)
            {
                if (lose.test(e) && !lost.contains(e))
                {
                    lost.add(e);
                    continue;
                }
                final Node to = nodes.get(e.to());
                if (to != null && to.alive)
                {
                    to.replicator.onMessage((StreamMessage)serializer.fromBinary(serializer.toBinary(e.message())));
                }
            }
        }
    }

    /** A director: replicator, its drainers' queue and what its worker was handed. */
    private final class Node
    {
        final String address;
        final PendingQueue queue = new PendingQueue(1 << 20);
        final ConnectionStats stats = new ConnectionStats();
        final CompletableFuture<Void> caughtUp = new CompletableFuture<>();
        final Map<ByteKey, byte[]> worker = new HashMap<>();
        final List<ByteKey> handed = new ArrayList<>();
        final StreamReplicator replicator;
        boolean alive = true;

        Node(final String address, final int nodeId, final StreamReplicator.Settings settings)
        {
            this.address = address;
            this.replicator = new StreamReplicator(settings, nodeId, address,
                (to, m) -> net.inFlight.add(new Envelope(address, to, m)),
                (key, record, expiryMs) ->
                {
                    worker.put(ByteKey.copyOf(key), record);
                    handed.add(ByteKey.copyOf(key));
                },
                stats, nowMs::get, caughtUp, LoggerFactory.getLogger(StreamReplicatorTest.class));
            net.nodes.put(address, this);
        }

        void put(final int i, final long expiryMs)
        {
            assertThat(queue.offer(new ConnectionReplicator.Pending(ByteKey.wrap(key(i)), record(i), expiryMs))).isTrue();
        }

        void flushAll()
        {
            while (replicator.flush(queue) > 0)
            {
                // until the queue is empty
            }
        }

        void pruneAll()
        {
            for (int b = 0; b < BUCKETS; b++)
            {
                replicator.pruneTick();
            }
        }

        void digestAll()
        {
            for (int b = 0; b < BUCKETS; b++)
            {
                replicator.antiEntropyTick();
            }
        }
    }

    private static StreamReplicator.Settings settings(final int batchMax, final long retransmitBytes)
    {
        return new StreamReplicator.Settings(BUCKETS, batchMax, 64, retransmitBytes, PRUNE_MS, LIFETIME_MS, 2_000, 3_000);
    }

    private static byte[] key(final int i)
    {
        return new byte[]{6, 10, 0, (byte)(i >> 16), (byte)(i >> 8), (byte)i, 0x30, 0x39, (byte)192, (byte)168, 0, 1, 80};
    }

    private static byte[] record(final int i)
    {
        return new byte[]{10, 1, (byte)(i >> 8), (byte)i, 0, 80, 3};
    }

    /** Three nodes that all know each other and have caught up (an empty fleet). */
    private Node[] threeNodes(final int batchMax, final long retransmitBytes)
    {
        final Node[] nodes = {
            new Node("a", 1, settings(batchMax, retransmitBytes)),
            new Node("b", 2, settings(batchMax, retransmitBytes)),
            new Node("c", 3, settings(batchMax, retransmitBytes))};
        for (final Node n : nodes)
        {
            for (final Node peer : nodes)
            {
                n.replicator.peerUp(peer.address);
            }
            n.replicator.startCatchUp(1);
        }
        return nodes;
    }

    private static boolean isBatch(final Envelope e, final String to, final long seq)
    {
        return e.to().equals(to) && e.message() instanceof StreamMessage.Batch b && b.seq() == seq;
    }

    private static void assertHolds(final Node node, final int from, final int count)
    {
        for (int i = from; i < from + count; i++)
        {
            assertThat(node.worker.get(ByteKey.wrap(key(i)))).as("record %d on %s", i, node.address).isEqualTo(record(i));
        }
    }

    @Test
    void shouldSplitAFlushIntoBatchesOfAtMostBatchMaxAndDeliverThemInOrder()
    {
        final Node[] n = threeNodes(100, 1 << 20);
        final long expiryMs = START_MS + 30_000;
        for (int i = 0; i < 250; i++)
        {
            n[0].put(i, expiryMs);
        }

        assertThat(n[0].replicator.flush(n[0].queue)).isEqualTo(100);
        assertThat(n[0].replicator.flush(n[0].queue)).isEqualTo(100);
        assertThat(n[0].replicator.flush(n[0].queue)).isEqualTo(50);
        assertThat(n[0].replicator.flush(n[0].queue)).isZero();
        final List<Long> seqs = new ArrayList<>();
        for (final Envelope e : net.inFlight)
        {
            if (e.to().equals("b") && e.message() instanceof StreamMessage.Batch b)
            {
                seqs.add(b.seq());
                // One batch is one message, far below the frame: about 22 bytes a record, one header.
                assertThat(b.entries().length).isLessThanOrEqualTo(100 * 23 + 64);
            }
        }
        assertThat(seqs).containsExactly(1L, 2L, 3L);
        nowMs.addAndGet(40);
        net.deliverAll();
        // Lag: from the writer's stamp to the hand-over here, 40 ms on the injected clock.
        assertThat(n[1].stats.lagPercentileMs(50)).isEqualTo(40);
        assertThat(n[2].stats.lagPercentileMs(99)).isEqualTo(40);
        assertThat(n[0].stats.lagPercentileMs(99)).as("nothing was handed to the writer").isZero();

        for (final Node peer : new Node[]{n[1], n[2]})
        {
            assertThat(peer.handed).hasSize(250);
            assertHolds(peer, 0, 250);
            assertThat(peer.stats.resyncs()).isZero();
        }
        assertThat(n[0].handed).as("the writer's own records are not handed back").isEmpty();
        assertThat(n[0].stats.batchBytesSent() / 250.0).isLessThanOrEqualTo(23.0);
    }

    @Test
    void shouldAskForTheMissingBatchesWhenASequenceGapShowsAndGetThemRetransmitted()
    {
        final Node[] n = threeNodes(10, 1 << 20);
        final long expiryMs = START_MS + 30_000;
        net.lose = e -> isBatch(e, "b", 2);
        for (int i = 0; i < 30; i++)
        {
            n[0].put(i, expiryMs);
        }
        n[0].flushAll();
        net.deliverAll();

        assertThat(n[1].stats.resyncs()).isEqualTo(1);
        assertThat(n[0].stats.retransmissions()).isEqualTo(1);
        assertThat(n[0].stats.stateTransfersSent()).isZero();
        assertHolds(n[1], 0, 30);
        assertHolds(n[2], 0, 30);
        assertThat(n[2].stats.resyncs()).isZero();

        // The stream is in order again: the next batch is taken without another resync.
        n[0].put(100, expiryMs);
        n[0].flushAll();
        net.deliverAll();
        assertHolds(n[1], 100, 1);
        assertThat(n[1].stats.resyncs()).isEqualTo(1);
    }

    @Test
    void shouldSendTheWholeStateWhenTheGapReachesBeyondTheRetransmitBuffer()
    {
        final Node[] n = threeNodes(10, 1);
        final long expiryMs = START_MS + 30_000;
        net.lose = e -> e.to().equals("b") && e.message() instanceof StreamMessage.Batch b && b.seq() <= 3;
        for (int i = 0; i < 40; i++)
        {
            n[0].put(i, expiryMs);
        }
        n[0].flushAll();
        net.deliverAll();

        assertThat(n[1].stats.resyncs()).isEqualTo(1);
        assertThat(n[0].stats.stateTransfersSent()).isEqualTo(1);
        assertThat(n[1].stats.stateTransfersReceived()).isEqualTo(1);
        assertHolds(n[1], 0, 40);
    }

    @Test
    void shouldSeeALostLastBatchFromTheWritersDigest()
    {
        final Node[] n = threeNodes(10, 1 << 20);
        final long expiryMs = START_MS + 30_000;
        net.lose = e -> isBatch(e, "c", 1);
        for (int i = 0; i < 5; i++)
        {
            n[0].put(i, expiryMs);
        }
        n[0].flushAll();
        net.deliverAll();
        assertThat(n[2].worker).isEmpty();

        // No later batch reveals the gap; the digest announces the writer's last batch number.
        n[0].replicator.antiEntropyTick();
        net.deliverAll();

        assertThat(n[2].stats.resyncs()).isEqualTo(1);
        assertHolds(n[2], 0, 5);
    }

    @Test
    void shouldRepairByAntiEntropyABatchThatReachedOnlyOnePeerBeforeItsWriterDied()
    {
        final Node[] n = threeNodes(100, 1 << 20);
        final long expiryMs = START_MS + 30_000;
        net.lose = e -> e.to().equals("c") && e.from().equals("a");
        for (int i = 0; i < 50; i++)
        {
            n[0].put(i, expiryMs);
        }
        n[0].flushAll();
        net.deliverAll();
        assertHolds(n[1], 0, 50);
        assertThat(n[2].worker).isEmpty();

        // A dies: nobody can retransmit; B and C forget its stream.
        n[0].alive = false;
        n[1].replicator.peerRemoved("a", 1);
        n[2].replicator.peerRemoved("a", 1);
        net.lose = e -> false;
        // Digests only cover settled versions (older than the settle time).
        nowMs.addAndGet(2_500);
        n[1].digestAll();
        net.deliverAll();

        assertHolds(n[2], 0, 50);
        assertThat(n[2].stats.repairs()).isPositive();
        assertThat(n[2].replicator.live().keySet()).isEqualTo(n[1].replicator.live().keySet());
        // Converged: another round finds nothing to repair.
        final long repairs = n[1].stats.repairs() + n[2].stats.repairs();
        n[1].digestAll();
        n[2].digestAll();
        net.deliverAll();
        assertThat(n[1].stats.repairs() + n[2].stats.repairs()).isEqualTo(repairs);
    }

    @Test
    void shouldNotCountVersionsStillInFlightAsDifferences()
    {
        final Node[] n = threeNodes(100, 1 << 20);
        net.lose = e -> e.to().equals("c") && e.message() instanceof StreamMessage.Batch;
        for (int i = 0; i < 20; i++)
        {
            n[0].put(i, START_MS + 30_000);
        }
        n[0].flushAll();
        net.deliverAll();
        net.lose = e -> e.message() instanceof StreamMessage.Resync;

        // Within the settle time the digests agree although C has not got the batch.
        n[1].digestAll();
        net.deliverAll();
        assertThat(n[1].stats.repairs() + n[2].stats.repairs()).isZero();
    }

    @Test
    void shouldCatchUpARestartedNodeBeforeReportingCaughtUp()
    {
        final Node[] n = threeNodes(100, 1 << 20);
        final long expiryMs = START_MS + 30_000;
        for (int i = 0; i < 300; i++)
        {
            n[i % 3].put(i, expiryMs);
        }
        for (final Node node : n)
        {
            node.flushAll();
        }
        net.deliverAll();
        assertHolds(n[0], 1, 2);

        // C restarts: same address, new incarnation (new writer id), empty table.
        n[2].alive = false;
        n[0].replicator.peerRemoved("c", 3);
        n[1].replicator.peerRemoved("c", 3);
        final Node restarted = new Node("c", 33, settings(100, 1 << 20));
        for (final Node peer : new Node[]{n[0], n[1]})
        {
            peer.replicator.peerUp("c");
            restarted.replicator.peerUp(peer.address);
        }
        // Writes go on while it catches up.
        for (int i = 300; i < 350; i++)
        {
            n[0].put(i, expiryMs);
        }
        restarted.replicator.startCatchUp(3);
        assertThat(restarted.caughtUp).isNotDone();
        n[0].flushAll();
        net.deliverAll();

        assertThat(restarted.caughtUp).isDone();
        // Every live record, its own previous incarnation's included, is in its worker.
        assertHolds(restarted, 0, 350);
        assertThat(restarted.stats.stateTransfersReceived()).isEqualTo(2);
        // Its stream from A continues in order after the transfer: no resync needed.
        n[0].put(400, expiryMs);
        n[0].flushAll();
        net.deliverAll();
        assertHolds(restarted, 400, 1);
        assertThat(restarted.stats.resyncs()).isZero();
    }

    @Test
    void shouldAskAgainWhenAStateTransferLostAChunk()
    {
        final Node[] n = threeNodes(100, 1 << 20);
        for (int i = 0; i < 200; i++)
        {
            n[0].put(i, START_MS + 30_000);
        }
        n[0].flushAll();
        net.deliverAll();
        final Node late = new Node("d", 4, settings(100, 1 << 20));
        late.replicator.peerUp("a");
        n[0].replicator.peerUp("d");
        final boolean[] dropped = {false};
        net.lose = e -> e.message() instanceof StreamMessage.Chunk && !dropped[0] && (dropped[0] = true);
        late.replicator.startCatchUp(2);
        net.deliverAll();

        // The chunk count in the end marker showed the loss: it asked again and then caught up.
        assertThat(dropped[0]).isTrue();
        assertThat(late.stats.incompleteTransfers()).isEqualTo(1);
        assertThat(late.stats.stateTransfersReceived()).isEqualTo(2);
        assertThat(late.caughtUp).isDone();
        assertHolds(late, 0, 200);
    }

    @Test
    void shouldNeverHandOverAnExpiredRecordThatArrivesLateThroughTheStream()
    {
        final Node[] n = threeNodes(10, 1 << 20);
        // Record 1 lives 500 ms; record 2 lives long. B misses the batch holding both.
        net.lose = e -> isBatch(e, "b", 1);
        n[0].put(1, START_MS + 500);
        n[0].put(2, START_MS + 50_000);
        n[0].flushAll();
        net.deliverAll();
        assertHolds(n[2], 1, 2);

        // 1 s later (record 1 expired, not yet dead) the next batch reveals the gap; the retransmission brings 1.
        nowMs.addAndGet(1_000);
        n[0].put(3, START_MS + 50_000);
        n[0].flushAll();
        net.deliverAll();
        assertThat(n[0].stats.retransmissions()).isEqualTo(1);
        assertHolds(n[1], 2, 2);
        assertThat(n[1].handed).doesNotContain(ByteKey.wrap(key(1)));
        assertThat(n[1].replicator.live()).doesNotContainKey(ByteKey.wrap(key(1)));
    }

    @Test
    void shouldNeverResurrectARecordWhoseVersionIsDeadWhenAnOldBatchIsReplayed()
    {
        final Node[] n = threeNodes(10, 1 << 20);
        net.lose = e -> isBatch(e, "b", 1);
        n[0].put(1, START_MS + 500);
        n[0].flushAll();
        net.deliverAll();
        assertThat(n[2].handed).containsExactly(ByteKey.wrap(key(1)));

        // Past the record lifetime: every node prunes, C's version of 1 is removed for good.
        nowMs.addAndGet(LIFETIME_MS + 2 * PRUNE_MS);
        for (final Node node : n)
        {
            node.pruneAll();
        }
        assertThat(n[2].replicator.bucket(ByteKey.wrap(key(1)).bucket(BUCKETS)).entry(ByteKey.wrap(key(1)))).isNull();

        // B asks for what it missed (the old batch is still in A's buffer): the dead version stays dead.
        n[0].replicator.antiEntropyTick();
        net.deliverAll();
        assertThat(n[1].stats.resyncs()).isEqualTo(1);
        assertThat(n[1].handed).isEmpty();
        assertThat(n[1].replicator.bucket(ByteKey.wrap(key(1)).bucket(BUCKETS)).entry(ByteKey.wrap(key(1)))).isNull();

        // Replaying the old batch's records at C (as the next batch, so they are merged) changes nothing either,
        // nor at a node that never saw them.
        final StreamMessage.Batch old = (StreamMessage.Batch)net.lost.get(0).message();
        n[2].replicator.onMessage(new StreamMessage.Batch(old.from(), old.replyTo(), 2, old.entries()));
        final Node fresh = new Node("e", 5, settings(10, 1 << 20));
        fresh.pruneAll();
        fresh.replicator.onMessage(old);
        assertThat(n[2].handed).hasSize(1);
        assertThat(n[2].stats.duplicates()).isZero();
        assertThat(n[2].replicator.live()).isEmpty();
        assertThat(fresh.handed).isEmpty();
        assertThat(fresh.replicator.bucket(ByteKey.wrap(key(1)).bucket(BUCKETS)).entry(ByteKey.wrap(key(1)))).isNull();
    }

    @Test
    void shouldRefuseAMalformedBatchWithoutFailing()
    {
        final Node[] n = threeNodes(10, 1 << 20);
        n[1].replicator.onMessage(new StreamMessage.Batch(1, "a", 1, new byte[]{5, 1, 0, 0, 0, 7}));
        n[1].replicator.onMessage(new StreamMessage.Digest(1, "a", 0, 99, 0, 0, new long[StreamReplicator.SEGMENTS]));

        assertThat(n[1].stats.refused()).isEqualTo(2);
        assertThat(n[1].worker).isEmpty();
        // It goes on working.
        n[0].put(7, START_MS + 30_000);
        n[0].flushAll();
        net.deliverAll();
        assertHolds(n[1], 7, 1);
    }

    @Test
    void shouldCountNewConnectionsBeyondMaxRecordsAndStillUpdateHeldOnes()
    {
        final Node a = new Node("a", 1, settings(1000, 1 << 20));
        // Two versions per bucket at B.
        final Node b = new Node("b", 2, new StreamReplicator.Settings(
            BUCKETS, 1000, 64, 1 << 20, PRUNE_MS, LIFETIME_MS, 2_000, 3_000, 2 * BUCKETS));
        for (final Node n : new Node[]{a, b})
        {
            n.replicator.peerUp("a");
            n.replicator.peerUp("b");
            n.replicator.startCatchUp(1);
        }
        for (int i = 0; i < 100; i++)
        {
            a.put(i, START_MS + 30_000);
        }
        a.flushAll();
        net.deliverAll();

        assertThat(a.stats.tableFull()).isZero();
        assertThat(b.handed).hasSizeBetween(BUCKETS, 2 * BUCKETS);
        assertThat(b.stats.tableFull()).isEqualTo(100 - b.handed.size());
        for (int k = 0; k < BUCKETS; k++)
        {
            assertThat(b.replicator.bucket(k).size()).isLessThanOrEqualTo(2);
        }
        assertThat(b.replicator.live()).hasSize(b.handed.size());

        // A connection B holds is still updated.
        final ByteKey held = b.handed.get(0);
        nowMs.addAndGet(5);
        assertThat(a.queue.offer(new ConnectionReplicator.Pending(held, new byte[]{1, 2, 3}, START_MS + 40_000))).isTrue();
        a.flushAll();
        net.deliverAll();
        assertThat(b.worker.get(held)).containsExactly(1, 2, 3);
        assertThat(b.stats.tableFull()).isEqualTo(100 - b.handed.size() + 1);
    }
}
