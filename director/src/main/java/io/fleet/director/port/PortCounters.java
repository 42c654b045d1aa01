package io.fleet.director.port;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A port's frame counters: in, out, and dropped by reason. Written by the port's receive thread and the worker,
 * read by the admin side, hence atomics (one write per frame, no lock).
 */
public final class PortCounters
{
    /** Why a port dropped a frame before the core saw it. */
    public enum Drop
    {
        /** The queue from the receive thread to the worker was full. */
        QUEUE_FULL,
        /** The frame was larger than the port's buffer. */
        TOO_LONG,
        /** Sending failed (the NIC or socket refused it). */
        SEND_FAILED,
        /** An overlay datagram that is not a valid encapsulation (VXLAN header, VNI). */
        BAD_ENCAPSULATION
    }

    private final AtomicLongArray values = new AtomicLongArray(2 + Drop.values().length);

    public void received()
    {
        values.incrementAndGet(0);
    }

    public void sent()
    {
        values.incrementAndGet(1);
    }

    public void dropped(final Drop reason)
    {
        values.incrementAndGet(2 + reason.ordinal());
    }

    public long framesIn()
    {
        return values.get(0);
    }

    public long framesOut()
    {
        return values.get(1);
    }

    public long drops(final Drop reason)
    {
        return values.get(2 + reason.ordinal());
    }
}
