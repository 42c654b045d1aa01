package io.fleet.director.port;

import org.agrona.MutableDirectBuffer;

/** Receives frames a port read; the buffer is the port's and is reused after the call. */
@FunctionalInterface
public interface FrameHandler
{
    void onFrame(MutableDirectBuffer buffer, int offset, int length);
}
