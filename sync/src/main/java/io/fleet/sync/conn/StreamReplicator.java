package io.fleet.sync.conn;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;

import org.slf4j.Logger;

/**
 * The connection table of one director and the protocol that keeps it equal to the others', without Distributed
 * Data: plain single-threaded logic that the {@link ConnectionReplicator} actor drives (and tests drive by hand
 * with an injected clock and transport).
 *
 * <ul>
 *   <li><b>Hot path.</b> {@link #flush} stamps queued local records with the hybrid logical clock, joins them into
 *   the local buckets of the {@link ConnectionReplica} CRDT ({@link ConnectionTable}) and sends them as one {@link StreamMessage.Batch} (compact
 *   {@link DeltaCodec} bytes, numbered per incarnation) to every peer. A receiver merges the batch (LWW by clock
 *   and node, as the CRDT's merge) and hands the versions that won to the worker.</li>
 *   <li><b>Gaps.</b> A receiver expects each writer's batches in sequence (Artery keeps the order between two
 *   actors and loses messages only on connection trouble or overflow). A gap, or a {@link StreamMessage.Digest}
 *   announcing a later batch than the last one received, makes it ask for a {@link StreamMessage.Resync}: the
 *   writer resends from its retransmit buffer, or its whole state when the buffer no longer reaches back.</li>
 *   <li><b>Anti-entropy.</b> Round-robin over the buckets, each node sends its peers additive hashes of a bucket's
 *   settled versions (older than {@code settle}) per key segment; a segment that differs is exchanged both ways.
 *   This repairs what gap detection cannot see, such as the last batch of a writer that died after reaching only
 *   some peers.</li>
 *   <li><b>Catch-up.</b> A node that becomes Up asks every peer for its whole state and reports itself caught up
 *   when a majority of the members Up at that moment (itself included) have sent theirs completely.</li>
 * </ul>
 */
final class StreamReplicator
{
    /** Digest segments per bucket: a mismatch exchanges 1/16 of a bucket. */
    static final int SEGMENTS = 16;
    /** Marks a {@link StreamMessage.StreamEnd} that ends a retransmission rather than a state transfer. */
    static final int RETRANSMISSION = -1;

    /** Sends one message to the replicator at a cluster address. */
    interface Transport
    {
        void send(String address, StreamMessage message);
    }

    /** Static settings, from {@code fleet.sync.connections}. */
    record Settings(
        int buckets, int batchMax, int chunkEntries, long retransmitBufferBytes, long pruneIntervalMs,
        long maxLifetimeMs, long settleMs, long requestTimeoutMs, long maxRecords)
    {
        Settings
        {
            if (buckets <= 0 || batchMax <= 0 || chunkEntries <= 0 || retransmitBufferBytes < 0 || pruneIntervalMs <= 0 ||
                maxLifetimeMs <= 0 || settleMs < 0 || requestTimeoutMs <= 0 || maxRecords < buckets)
            {
                throw new IllegalArgumentException("invalid fleet.sync.connections settings: " + this);
            }
        }

        /** Without a bound on the versions held. */
        Settings(
            final int buckets, final int batchMax, final int chunkEntries, final long retransmitBufferBytes,
            final long pruneIntervalMs, final long maxLifetimeMs, final long settleMs, final long requestTimeoutMs)
        {
            this(buckets, batchMax, chunkEntries, retransmitBufferBytes, pruneIntervalMs, maxLifetimeMs, settleMs,
                requestTimeoutMs, Integer.MAX_VALUE);
        }

        /** Versions (records and tombstones) one bucket may hold: {@code maxRecords} spread over the buckets. */
        int maxEntriesPerBucket()
        {
            return (int)Math.min(Integer.MAX_VALUE, (maxRecords + buckets - 1) / buckets);
        }
    }

    /** What this node knows of one writer's stream of batches. */
    private static final class Inbound
    {
        final String address;
        /** The next batch number expected in order. */
        long next = 1;
        /** A resync or state transfer is under way: batches are merged but not checked for gaps. */
        boolean waiting;
        long askedAtMs;

        Inbound(final String address)
        {
            this.address = address;
        }
    }

    /** A retransmission or state transfer this node asked for. */
    private static final class Transfer
    {
        final String address;
        final boolean catchUp;
        final long askedAtMs;
        int chunks;

        Transfer(final String address, final boolean catchUp, final long askedAtMs)
        {
            this.address = address;
            this.catchUp = catchUp;
            this.askedAtMs = askedAtMs;
        }
    }

    private final Settings settings;
    private final int nodeId;
    private final String self;
    private final Transport transport;
    private final RemoteConnectionListener listener;
    private final ConnectionStats stats;
    private final LongSupplier clockMs;
    private final CompletableFuture<Void> caughtUp;
    private final Logger log;
    private final HybridLogicalClock clock = new HybridLogicalClock();
    private final ConnectionTable[] buckets;
    private final LinkedHashSet<String> peers = new LinkedHashSet<>();
    private final ArrayDeque<StreamMessage.Batch> retransmitBuffer = new ArrayDeque<>();
    private final HashMap<Integer, Inbound> inbound = new HashMap<>();
    private final HashMap<Long, Transfer> transfers = new HashMap<>();
    private final Set<String> caughtUpFrom = new LinkedHashSet<>();
    private final ArrayList<ConnectionReplica.Entry> winners = new ArrayList<>();
    private ConnectionReplica.Entry[] drained;
    private long retransmitBytes;
    private long lastSeq;
    private long nextToken = 1;
    private int catchUpNeeded = -1;
    /** After a heal (vrrp's gate): peers whose whole state is awaited, and who waits for them. */
    private final List<Map.Entry<Set<String>, CompletableFuture<Void>>> healWaits = new ArrayList<>();
    private int digestCursor;
    private int pruneCursor;

    StreamReplicator(
        final Settings settings, final int nodeId, final String self, final Transport transport,
        final RemoteConnectionListener listener, final ConnectionStats stats, final LongSupplier clockMs,
        final CompletableFuture<Void> caughtUp, final Logger log)
    {
        this.settings = settings;
        this.nodeId = nodeId;
        this.self = self;
        this.transport = transport;
        this.listener = listener;
        this.stats = stats;
        this.clockMs = clockMs;
        this.caughtUp = caughtUp;
        this.log = log;
        this.buckets = new ConnectionTable[settings.buckets()];
        for (int i = 0; i < buckets.length; i++)
        {
            // Staggered, so that buckets filling at the same pace do not all grow in the same flush.
            buckets[i] = new ConnectionTable(settings.maxLifetimeMs(), settings.maxEntriesPerBucket(),
                (double)i / buckets.length);
        }
        this.drained = new ConnectionReplica.Entry[Math.min(settings.batchMax(), 1024)];
    }

    int nodeId()
    {
        return nodeId;
    }

    long lastSeq()
    {
        return lastSeq;
    }

    boolean isCaughtUp()
    {
        return caughtUp.isDone();
    }

    // ------------------------------------------------------------------------------------------- membership

    /** A member other than this node is Up at {@code address}: it gets this node's batches from now on. */
    void peerUp(final String address)
    {
        if (!address.equals(self))
        {
            peers.add(address);
        }
    }

    /**
     * After a partition heals: asks the peers at {@code hostPorts} ({@code host:port}) for their whole state, as on
     * catch-up, and completes {@code done} once each has sent it completely or left. The election waits for this
     * before it retakes a VIP, so that the records written on the other side are here first.
     */
    void catchUpWith(final Set<String> hostPorts, final CompletableFuture<Void> done)
    {
        final Set<String> waiting = new java.util.HashSet<>();
        for (final String peer : peers)
        {
            if (hostPorts.contains(peer.substring(peer.indexOf('@') + 1)))
            {
                waiting.add(peer);
                if (!transferPendingTo(peer, true))
                {
                    requestState(peer);
                }
            }
        }
        if (waiting.isEmpty())
        {
            done.complete(null);
            return;
        }
        healWaits.add(Map.entry(waiting, done));
    }

    private void healed(final String address)
    {
        healWaits.removeIf(w -> w.getKey().remove(address) && w.getKey().isEmpty() && w.getValue().complete(null));
    }

    /** The member at {@code address} with writer id {@code peerNodeId} left the cluster: forget its stream. */
    void peerRemoved(final String address, final int peerNodeId)
    {
        healed(address);
        peers.remove(address);
        inbound.remove(peerNodeId);
        transfers.values().removeIf(t -> t.address.equals(address));
        if (catchUpNeeded > 0 && !isCaughtUp())
        {
            askForStateFromPeersNotAnswered();
        }
    }

    /** An old incarnation left while a new one is Up at the same address: forget only the old one's stream. */
    void forgetWriter(final int writerNodeId)
    {
        inbound.remove(writerNodeId);
    }

    /**
     * This node became Up with {@code membersUp} members Up (itself included): ask every peer for its state and
     * report caught up once a majority of {@code membersUp}, this node included, has sent it completely.
     */
    void startCatchUp(final int membersUp)
    {
        if (catchUpNeeded >= 0)
        {
            return;
        }
        catchUpNeeded = Math.max(1, membersUp) / 2;
        if (catchUpNeeded == 0)
        {
            caughtUp.complete(null);
            return;
        }
        askForStateFromPeersNotAnswered();
    }

    private void askForStateFromPeersNotAnswered()
    {
        for (final String peer : peers)
        {
            if (!caughtUpFrom.contains(peer) && !transferPendingTo(peer, true))
            {
                requestState(peer);
            }
        }
    }

    private void requestState(final String peer)
    {
        final long token = nextToken++;
        transfers.put(token, new Transfer(peer, true, clockMs.getAsLong()));
        transport.send(peer, new StreamMessage.StateRequest(nodeId, self, token));
    }

    private boolean transferPendingTo(final String peer, final boolean catchUp)
    {
        for (final Transfer t : transfers.values())
        {
            if (t.address.equals(peer) && (!catchUp || t.catchUp))
            {
                return true;
            }
        }
        return false;
    }

    // ------------------------------------------------------------------------------------------- local writes

    /**
     * Drains at most {@code batchMax} queued records, applies them locally and sends them to every peer as one
     * batch.
     *
     * @return the number of records drained.
     */
    int flush(final PendingQueue queue)
    {
        final long nowMs = clockMs.getAsLong();
        int n = 0;
        ConnectionReplicator.Pending p;
        while (n < settings.batchMax() && (p = queue.poll()) != null)
        {
            final long hlc = clock.tick(nowMs);
            // Clamping keeps the CRDT's rule "dead implies every older version dead" (see ConnectionReplica).
            final long expiryMs = Math.min(p.expiryMs(), HybridLogicalClock.physicalMs(hlc) + settings.maxLifetimeMs());
            if (n == drained.length)
            {
                drained = java.util.Arrays.copyOf(drained, Math.min(settings.batchMax(), n * 2));
            }
            drained[n++] = new ConnectionReplica.Entry(p.key(), p.record(), hlc, nodeId, expiryMs);
        }
        if (n == 0)
        {
            return 0;
        }
        for (int i = 0; i < n; i++)
        {
            if (buckets[drained[i].key().bucket(buckets.length)].join(drained[i]) == ConnectionTable.REFUSED)
            {
                // Still sent: the peers may have room, and this node's worker holds the connection anyway.
                stats.addTableFull();
            }
        }
        final StreamMessage.Batch batch = new StreamMessage.Batch(nodeId, self, ++lastSeq, DeltaCodec.encode(drained, 0, n));
        java.util.Arrays.fill(drained, 0, n, null);
        retain(batch);
        for (final String peer : peers)
        {
            transport.send(peer, batch);
        }
        stats.addFlushed(n);
        stats.addBatchSent(batch.entries().length);
        return n;
    }

    private void retain(final StreamMessage.Batch batch)
    {
        retransmitBuffer.addLast(batch);
        retransmitBytes += batch.entries().length;
        while (retransmitBytes > settings.retransmitBufferBytes() && !retransmitBuffer.isEmpty())
        {
            retransmitBytes -= retransmitBuffer.removeFirst().entries().length;
        }
    }

    // ----------------------------------------------------------------------------------------- remote messages

    void onMessage(final StreamMessage message)
    {
        try
        {
            if (message instanceof StreamMessage.Batch b)
            {
                onBatch(b);
            }
            else if (message instanceof StreamMessage.Chunk c)
            {
                onChunk(c);
            }
            else if (message instanceof StreamMessage.StreamEnd e)
            {
                onStreamEnd(e);
            }
            else if (message instanceof StreamMessage.Digest d)
            {
                onDigest(d);
            }
            else if (message instanceof StreamMessage.Repair r)
            {
                onRepair(r);
            }
            else if (message instanceof StreamMessage.Resync r)
            {
                onResync(r);
            }
            else if (message instanceof StreamMessage.StateRequest r)
            {
                peerUp(r.replyTo());
                sendState(r.replyTo(), r.token());
            }
        }
        catch (final IllegalArgumentException e)
        {
            stats.addRefused();
            log.warn("refused {} from {}: {}", message.getClass().getSimpleName(), message.replyTo(), e.getMessage());
        }
    }

    private void onBatch(final StreamMessage.Batch batch)
    {
        if (batch.from() == nodeId)
        {
            return;
        }
        stats.addBatchReceived();
        Inbound in = inbound.get(batch.from());
        if (in == null)
        {
            in = newInbound(batch.from(), batch.replyTo());
        }
        if (batch.seq() < in.next && !in.waiting)
        {
            stats.addDuplicate();
            return;
        }
        // Merged at once even after a gap: the merge is idempotent and order-free, and the record is needed now.
        applyRemote(DeltaCodec.decode(batch.entries()), true);
        if (batch.seq() == in.next)
        {
            in.next++;
        }
        else if (batch.seq() > in.next && !in.waiting)
        {
            askResync(batch.from(), in);
        }
    }

    private Inbound newInbound(final int from, final String address)
    {
        final Inbound in = new Inbound(address);
        // A state transfer from that node is on its way: it will set the baseline.
        in.waiting = transferPendingTo(address, true);
        in.askedAtMs = clockMs.getAsLong();
        inbound.put(from, in);
        return in;
    }

    private void askResync(final int from, final Inbound in)
    {
        stats.addResync();
        in.waiting = true;
        in.askedAtMs = clockMs.getAsLong();
        final long token = nextToken++;
        transfers.put(token, new Transfer(in.address, false, in.askedAtMs));
        transport.send(in.address, new StreamMessage.Resync(nodeId, self, in.next, token));
    }

    private void onChunk(final StreamMessage.Chunk chunk)
    {
        final Transfer t = transfers.get(chunk.token());
        if (t != null)
        {
            t.chunks++;
        }
        applyRemote(DeltaCodec.decode(chunk.entries()), false);
    }

    private void onStreamEnd(final StreamMessage.StreamEnd end)
    {
        final Transfer t = transfers.remove(end.token());
        if (t == null)
        {
            return;
        }
        Inbound in = inbound.get(end.from());
        if (in == null)
        {
            in = newInbound(end.from(), end.replyTo());
        }
        final boolean complete;
        if (end.chunks() == RETRANSMISSION)
        {
            complete = in.next > end.lastSeq();
        }
        else
        {
            stats.addStateTransferReceived();
            complete = t.chunks == end.chunks();
            if (complete)
            {
                in.next = Math.max(in.next, end.lastSeq() + 1);
            }
        }
        if (!complete)
        {
            stats.addIncompleteTransfer();
            if (t.catchUp)
            {
                requestState(t.address);
            }
            else
            {
                askResync(end.from(), in);
            }
            return;
        }
        in.waiting = false;
        if (t.catchUp)
        {
            healed(t.address);
        }
        if (t.catchUp && !isCaughtUp())
        {
            caughtUpFrom.add(t.address);
            if (caughtUpFrom.size() >= catchUpNeeded)
            {
                caughtUp.complete(null);
            }
        }
    }

    private void onResync(final StreamMessage.Resync r)
    {
        peerUp(r.replyTo());
        final StreamMessage.Batch first = retransmitBuffer.peekFirst();
        if (r.fromSeq() > lastSeq || first != null && first.seq() <= r.fromSeq())
        {
            stats.addRetransmission();
            for (final StreamMessage.Batch b : retransmitBuffer)
            {
                if (b.seq() >= r.fromSeq())
                {
                    transport.send(r.replyTo(), b);
                }
            }
            transport.send(r.replyTo(), new StreamMessage.StreamEnd(nodeId, self, r.token(), lastSeq, RETRANSMISSION));
        }
        else
        {
            sendState(r.replyTo(), r.token());
        }
    }

    /** Every version this node holds, in chunks, then the end marker with this node's last batch number. */
    private void sendState(final String to, final long token)
    {
        stats.addStateTransferSent();
        final ConnectionReplica.Entry[] chunk = new ConnectionReplica.Entry[settings.chunkEntries()];
        int n = 0;
        int chunks = 0;
        for (final ConnectionTable bucket : buckets)
        {
            for (final ConnectionReplica.Entry e : bucket.canonicalByVersion())
            {
                chunk[n++] = e;
                if (n == chunk.length)
                {
                    transport.send(to, new StreamMessage.Chunk(nodeId, self, token, DeltaCodec.encode(chunk, 0, n)));
                    chunks++;
                    n = 0;
                }
            }
        }
        if (n > 0)
        {
            transport.send(to, new StreamMessage.Chunk(nodeId, self, token, DeltaCodec.encode(chunk, 0, n)));
            chunks++;
        }
        transport.send(to, new StreamMessage.StreamEnd(nodeId, self, token, lastSeq, chunks));
    }

    /** Merges remote versions and hands the worker those that won and are live. */
    private void applyRemote(final ConnectionReplica.Entry[] entries, final boolean live)
    {
        final long nowMs = clockMs.getAsLong();
        long maxHlc = 0;
        winners.clear();
        for (int i = 0; i < entries.length; i++)
        {
            final ConnectionReplica.Entry e = entries[i];
            maxHlc = Math.max(maxHlc, e.hlc());
            final int joined = buckets[e.key().bucket(buckets.length)].join(e);
            if (joined == ConnectionTable.WON)
            {
                winners.add(e);
            }
            else if (joined == ConnectionTable.REFUSED)
            {
                stats.addTableFull();
            }
        }
        clock.observe(maxHlc);
        for (int i = 0; i < winners.size(); i++)
        {
            final ConnectionReplica.Entry e = winners.get(i);
            final ConnectionTable bucket = buckets[e.key().bucket(buckets.length)];
            // Never hand over what is expired (here or under the horizon), a tombstone, or this node's own write.
            if (e.node() == nodeId || e.tombstone() || e.expiryMs() - Math.max(nowMs, bucket.horizonMs()) <= 0)
            {
                continue;
            }
            stats.addDelivered();
            if (live)
            {
                stats.addLag(nowMs - HybridLogicalClock.physicalMs(e.hlc()));
            }
            try
            {
                listener.onRemoteRecord(e.key().bytes(), e.record(), e.expiryMs());
            }
            catch (final RuntimeException ex)
            {
                log.error("remote connection listener failed", ex);
            }
        }
        winners.clear();
    }

    // ------------------------------------------------------------------------------------------ anti-entropy

    /** Sends the digest of the next bucket to every peer (also announcing this node's last batch). */
    void antiEntropyTick()
    {
        if (peers.isEmpty())
        {
            return;
        }
        final int b = digestCursor;
        digestCursor = (digestCursor + 1) % buckets.length;
        final long cutHlc = HybridLogicalClock.of(clockMs.getAsLong() - settings.settleMs(), 0);
        final long horizonMs = buckets[b].horizonMs();
        final StreamMessage.Digest digest = new StreamMessage.Digest(
            nodeId, self, lastSeq, b, cutHlc, horizonMs, digest(buckets[b], cutHlc, horizonMs));
        for (final String peer : peers)
        {
            transport.send(peer, digest);
        }
    }

    private void onDigest(final StreamMessage.Digest d)
    {
        checkProgress(d.from(), d.replyTo(), d.lastSeq());
        if (d.bucket() < 0 || d.bucket() >= buckets.length || d.segments().length != SEGMENTS)
        {
            throw new IllegalArgumentException("digest of bucket " + d.bucket() + " with " + d.segments().length +
                " segments (this node: " + buckets.length + " buckets, " + SEGMENTS + " segments)");
        }
        final ConnectionTable bucket = buckets[d.bucket()];
        if (bucket.horizonMs() > d.horizonMs())
        {
            // The sender has not pruned this far yet; its next round will compare like with like.
            return;
        }
        final long[] mine = digest(bucket, d.cutHlc(), d.horizonMs());
        long mask = 0;
        for (int s = 0; s < SEGMENTS; s++)
        {
            if (mine[s] != d.segments()[s])
            {
                mask |= 1L << s;
            }
        }
        if (mask != 0)
        {
            stats.addRepair();
            transport.send(d.replyTo(), new StreamMessage.Repair(nodeId, self, d.bucket(), d.cutHlc(), d.horizonMs(),
                mask, true, segmentEntries(bucket, mask, d.cutHlc(), d.horizonMs())));
        }
    }

    private void onRepair(final StreamMessage.Repair r)
    {
        if (r.bucket() < 0 || r.bucket() >= buckets.length)
        {
            throw new IllegalArgumentException("repair of bucket " + r.bucket() + " of " + buckets.length);
        }
        applyRemote(DeltaCodec.decode(r.entries()), false);
        if (r.answer())
        {
            final ConnectionTable bucket = buckets[r.bucket()];
            transport.send(r.replyTo(), new StreamMessage.Repair(nodeId, self, r.bucket(), r.cutHlc(), r.horizonMs(),
                r.segmentMask(), false, segmentEntries(bucket, r.segmentMask(), r.cutHlc(),
                Math.max(r.horizonMs(), bucket.horizonMs()))));
        }
    }

    /** A digest or progress announcement says {@code from} wrote up to {@code seq}: did any batch not arrive? */
    private void checkProgress(final int from, final String address, final long seq)
    {
        if (from == nodeId || seq == 0)
        {
            return;
        }
        Inbound in = inbound.get(from);
        if (in == null)
        {
            in = newInbound(from, address);
        }
        if (!in.waiting && seq >= in.next)
        {
            askResync(from, in);
        }
    }

    /** Additive hashes per segment of the versions older than {@code cutHlc} and not dead under the horizon. */
    static long[] digest(final ConnectionTable bucket, final long cutHlc, final long horizonMs)
    {
        final long[] segments = new long[SEGMENTS];
        bucket.digest(cutHlc, horizonMs, segments);
        return segments;
    }

    private static byte[] segmentEntries(
        final ConnectionTable bucket, final long mask, final long cutHlc, final long horizonMs)
    {
        final ConnectionReplica.Entry[] entries = bucket.versions(mask, cutHlc, horizonMs);
        return DeltaCodec.encode(entries, 0, entries.length);
    }

    // ------------------------------------------------------------------------------------- timers, queries

    /** Asks again for whatever retransmission or state transfer has not ended within the request timeout. */
    void retryTick()
    {
        final long nowMs = clockMs.getAsLong();
        final List<Transfer> late = new ArrayList<>();
        for (final Iterator<Map.Entry<Long, Transfer>> it = transfers.entrySet().iterator(); it.hasNext(); )
        {
            final Transfer t = it.next().getValue();
            if (nowMs - t.askedAtMs >= settings.requestTimeoutMs())
            {
                it.remove();
                late.add(t);
            }
        }
        for (final Transfer t : late)
        {
            if (t.catchUp && peers.contains(t.address))
            {
                requestState(t.address);
            }
        }
        for (final Map.Entry<Integer, Inbound> e : inbound.entrySet())
        {
            final Inbound in = e.getValue();
            if (in.waiting && nowMs - in.askedAtMs >= settings.requestTimeoutMs() && !transferPendingTo(in.address, false))
            {
                askResync(e.getKey(), in);
            }
        }
        if (catchUpNeeded > 0 && !isCaughtUp())
        {
            askForStateFromPeersNotAnswered();
        }
    }

    /** Advances the horizon of the next bucket to the current prune-interval boundary. */
    void pruneTick()
    {
        final long step = settings.pruneIntervalMs();
        final long horizonMs = clockMs.getAsLong() / step * step;
        final int b = pruneCursor;
        pruneCursor = (pruneCursor + 1) % buckets.length;
        buckets[b].prune(horizonMs);
    }

    /** Every live record held. */
    Map<ByteKey, ConnectionReplica.Entry> live()
    {
        final Map<ByteKey, ConnectionReplica.Entry> all = new HashMap<>();
        final long nowMs = clockMs.getAsLong();
        for (final ConnectionTable t : buckets)
        {
            t.forEachLive(nowMs, e -> all.put(e.key(), e));
        }
        return all;
    }

    /** One bucket of the table, for tests. */
    ConnectionTable bucket(final int b)
    {
        return buckets[b];
    }
}
