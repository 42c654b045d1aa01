package io.fleet.director.port;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.MessageHandler;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;

import java.nio.ByteBuffer;

/**
 * The queue between a port's receive thread (the one writer) and the forwarding worker (the one reader): frames
 * are copied in, handed out in place, and a full queue is the caller's to count. Draining allocates nothing.
 */
final class ReceiveRing implements MessageHandler
{
    private final RingBuffer ring;
    private FrameHandler handler;

    /** @param bytes capacity, rounded up to a power of two of at least 64 KiB. */
    ReceiveRing(final int bytes)
    {
        final int capacity = Integer.highestOneBit(Math.max(64 * 1024, bytes - 1)) << 1;
        this.ring = new OneToOneRingBuffer(new UnsafeBuffer(ByteBuffer.allocateDirect(capacity + RingBufferDescriptor.TRAILER_LENGTH)));
    }

    /** Copies a received frame in; false when the queue is full. */
    boolean offer(final DirectBuffer buffer, final int offset, final int length)
    {
        return ring.write(1, buffer, offset, length);
    }

    /** Hands up to {@code limit} frames to the handler, on the calling thread. */
    int drain(final FrameHandler frameHandler, final int limit)
    {
        handler = frameHandler;
        try
        {
            return ring.read(this, limit);
        }
        finally
        {
            handler = null;
        }
    }

    @Override
    public void onMessage(final int type, final MutableDirectBuffer buffer, final int index, final int length)
    {
        handler.onFrame(buffer, index, length);
    }
}
