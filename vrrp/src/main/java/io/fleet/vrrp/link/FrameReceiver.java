package io.fleet.vrrp.link;

/** Gets the received frames a {@link Link} delivers; the bytes are valid only during the call. */
@FunctionalInterface
public interface FrameReceiver
{
    void onFrame(byte[] frame, int offset, int length);
}
