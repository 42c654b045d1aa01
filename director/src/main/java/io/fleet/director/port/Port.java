package io.fleet.director.port;

import io.fleet.director.forward.FrameSink;

/**
 * Where frames come from and go to: a NIC through pcap, a VXLAN overlay, memory. The forwarding worker polls
 * it for received frames and sends through it; the port never knows what the core decided.
 */
public interface Port extends FrameSink, AutoCloseable
{
    String name();

    /**
     * Hands up to {@code limit} received frames to the handler, on the calling (worker) thread.
     *
     * @return how many frames were handed over.
     */
    int poll(FrameHandler handler, int limit);

    PortCounters counters();

    @Override
    void close();
}
