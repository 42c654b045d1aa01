package io.fleet.vrrp.testing;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import io.fleet.vrrp.frame.Bytes;
import io.fleet.vrrp.link.FrameReceiver;
import io.fleet.vrrp.link.Link;

/** A link that records what is sent and lets a test inject received frames. */
public final class MemoryLink implements Link
{
    private final byte[] mac;
    private final List<byte[]> sent = new ArrayList<>();
    private volatile boolean up = true;
    private FrameReceiver receiver;

    public MemoryLink(final byte[] mac)
    {
        this.mac = mac.clone();
    }

    @Override
    public byte[] macAddress()
    {
        return mac.clone();
    }

    @Override
    public boolean isUp()
    {
        return up;
    }

    public void up(final boolean up)
    {
        this.up = up;
    }

    @Override
    public synchronized void send(final byte[] frame, final int length)
    {
        sent.add(Arrays.copyOf(frame, length));
    }

    @Override
    public void receiver(final FrameReceiver receiver)
    {
        this.receiver = receiver;
    }

    public void deliver(final byte[] frame)
    {
        receiver.onFrame(frame, 0, frame.length);
    }

    public synchronized List<byte[]> sent()
    {
        return new ArrayList<>(sent);
    }

    public synchronized List<String> sentHex()
    {
        final List<String> hex = new ArrayList<>();
        for (final byte[] f : sent)
        {
            hex.add(Bytes.hex(f, 0, f.length));
        }
        return hex;
    }

    public synchronized void clear()
    {
        sent.clear();
    }
}
