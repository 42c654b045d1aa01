package io.fleet.sync.conn;

import io.fleet.sync.serial.KryoSerializable;

/**
 * What replicators of the connection table send each other directly (not through Distributed Data). Every
 * message names its writer's incarnation ({@code from}, the node id) and the address replies go to
 * ({@code replyTo}, e.g. {@code pekko://fleet@10.0.0.1:25520}). Entry runs are {@link DeltaCodec} bytes.
 */
public sealed interface StreamMessage extends ConnectionReplicator.Command, KryoSerializable
{
    /** Node id of the sending incarnation. */
    int from();

    /** Cluster address of the sender, where replies go. */
    String replyTo();

    /** Local writes of {@code from}, numbered 1, 2, ... per incarnation, so that a receiver sees a gap. */
    record Batch(int from, String replyTo, long seq, byte[] entries) implements StreamMessage
    {
    }

    /** Asks for the sender's whole state: chunks, then a {@link StreamEnd} carrying {@code token}. */
    record StateRequest(int from, String replyTo, long token) implements StreamMessage
    {
    }

    /**
     * Asks {@code to}'s writer to send its batches again from {@code fromSeq}: from its retransmit buffer when it
     * still holds them, else as a whole state transfer; either way followed by a {@link StreamEnd}.
     */
    record Resync(int from, String replyTo, long fromSeq, long token) implements StreamMessage
    {
    }

    /** Part of a state transfer. */
    record Chunk(int from, String replyTo, long token, byte[] entries) implements StreamMessage
    {
    }

    /**
     * Ends a retransmission or state transfer: everything the sender wrote up to {@code lastSeq} has been sent
     * before this message (Artery keeps the order between two actors), in {@code chunks} chunks (0 for a
     * retransmission).
     */
    record StreamEnd(int from, String replyTo, long token, long lastSeq, int chunks) implements StreamMessage
    {
    }

    /**
     * Anti-entropy: additive hashes of one bucket's versions older than {@code cutHlc} and not dead under
     * {@code horizonMs}, per key segment. Also announces the sender's last batch, so that a lost tail is seen.
     */
    record Digest(int from, String replyTo, long lastSeq, int bucket, long cutHlc, long horizonMs, long[] segments)
        implements StreamMessage
    {
    }

    /**
     * Anti-entropy repair: the sender's versions of the segments in {@code segmentMask} of a bucket (older than
     * {@code cutHlc}); when {@code answer} is set the receiver sends its own versions of those segments back.
     */
    record Repair(int from, String replyTo, int bucket, long cutHlc, long horizonMs, long segmentMask,
        boolean answer, byte[] entries) implements StreamMessage
    {
    }
}
