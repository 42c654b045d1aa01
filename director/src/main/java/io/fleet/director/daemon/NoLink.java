package io.fleet.director.daemon;

import io.fleet.vrrp.link.FrameReceiver;
import io.fleet.vrrp.link.Link;

/**
 * The election's link in proxy mode: there is no L2 port to announce on (the kernel owns the VIP once it is
 * bound), so frames are counted and dropped.
 */
final class NoLink implements Link
{
    private final byte[] mac = {2, 0, 0, 0, 0, 0};
    private long discarded;

    @Override
    public byte[] macAddress()
    {
        return mac.clone();
    }

    @Override
    public boolean isUp()
    {
        return true;
    }

    @Override
    public void send(final byte[] frame, final int length)
    {
        discarded++;
    }

    @Override
    public void receiver(final FrameReceiver receiver)
    {
        // nothing arrives
    }

    long discarded()
    {
        return discarded;
    }
}
