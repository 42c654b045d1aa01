package io.fleet.sync.conn;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link StreamReplicator#catchUpWith}, the signal the VIP election waits for after a partition heals: it completes
 * only once the peers that were on the other side have sent their whole state (records written during the
 * partition included), or have left. Driven by hand: messages wait in a queue until delivered.
 */
@Timeout(30)
class HealCatchUpTest
{
    private static final long START_MS = 1_700_000_000_000L;
    private final AtomicLong nowMs = new AtomicLong(START_MS);
    private final Map<String, StreamReplicator> nodes = new HashMap<>();
    private final Map<String, Map<ByteKey, byte[]>> workers = new HashMap<>();
    private final ArrayDeque<Object[]> inFlight = new ArrayDeque<>();
    private boolean partitioned;

    private StreamReplicator node(final String address, final int id)
    {
        final Map<ByteKey, byte[]> worker = new HashMap<>();
        workers.put(address, worker);
        final StreamReplicator r = new StreamReplicator(
            new StreamReplicator.Settings(4, 100, 64, 1 << 20, 1_000, 60_000, 2_000, 3_000), id, address,
            (to, m) ->
            {
                if (!partitioned)
                {
                    inFlight.add(new Object[]{to, m});
                }
            },
            (key, record, expiryMs) -> worker.put(ByteKey.copyOf(key), record),
            new ConnectionStats(), nowMs::get, new CompletableFuture<>(), LoggerFactory.getLogger(HealCatchUpTest.class));
        nodes.put(address, r);
        return r;
    }

    private void deliverAll()
    {
        Object[] e;
        while ((e = inFlight.poll()) != null)
        {
            nodes.get((String)e[0]).onMessage((StreamMessage)e[1]);
        }
    }

    private static byte[] key(final int i)
    {
        return new byte[]{6, 10, 0, 0, (byte)(i >> 8), (byte)i, 0x30, 0x39, (byte)192, (byte)168, 0, 1, 80};
    }

    @Test
    void shouldCompleteOnlyOnceThePeerOnTheOtherSideHasSentWhatItWroteDuringThePartition()
    {
        final StreamReplicator a = node("pekko://fleet@10.0.0.1:2552", 1);
        final StreamReplicator b = node("pekko://fleet@10.0.0.2:2552", 2);
        a.peerUp("pekko://fleet@10.0.0.2:2552");
        b.peerUp("pekko://fleet@10.0.0.1:2552");
        a.startCatchUp(1);
        b.startCatchUp(1);

        // The partition: A writes 50 connections that never reach B.
        partitioned = true;
        final PendingQueue queue = new PendingQueue(1 << 10);
        for (int i = 0; i < 50; i++)
        {
            queue.offer(new ConnectionReplicator.Pending(ByteKey.wrap(key(i)), new byte[]{1, 2, 3, (byte)i}, START_MS + 30_000));
        }
        while (a.flush(queue) > 0)
        {
            // until empty
        }
        assertThat(workers.get("pekko://fleet@10.0.0.2:2552")).isEmpty();

        // The heal: B waits for A (named host:port, as the election names directors).
        partitioned = false;
        final CompletableFuture<Void> caughtUp = new CompletableFuture<>();
        b.catchUpWith(Set.of("10.0.0.1:2552"), caughtUp);
        assertThat(caughtUp).as("nothing delivered yet").isNotDone();
        deliverAll();
        assertThat(caughtUp).isDone();
        assertThat(workers.get("pekko://fleet@10.0.0.2:2552")).as("every record A wrote during the partition").hasSize(50);
    }

    @Test
    void shouldCompleteWhenThePeerLeavesOrIsNotAPeer()
    {
        final StreamReplicator b = node("pekko://fleet@10.0.0.2:2552", 2);
        b.peerUp("pekko://fleet@10.0.0.1:2552");
        b.startCatchUp(1);
        final CompletableFuture<Void> unknown = new CompletableFuture<>();
        b.catchUpWith(Set.of("10.0.0.9:2552"), unknown);
        assertThat(unknown).as("not a member: nothing to wait for").isDone();

        partitioned = true;
        final CompletableFuture<Void> gone = new CompletableFuture<>();
        b.catchUpWith(Set.of("10.0.0.1:2552"), gone);
        assertThat(gone).isNotDone();
        b.peerRemoved("pekko://fleet@10.0.0.1:2552", 1);
        assertThat(gone).as("its state can no longer come").isDone();
    }
}
