package io.fleet.director.forward;

import org.agrona.DirectBuffer;

/** Where the forwarding core sends frames: a port (pcap, VXLAN, memory) or a pcap file. */
@FunctionalInterface
public interface FrameSink
{
    /** Transmits {@code length} bytes at {@code offset}; the buffer is reused after the call returns. */
    void send(DirectBuffer buffer, int offset, int length);
}
