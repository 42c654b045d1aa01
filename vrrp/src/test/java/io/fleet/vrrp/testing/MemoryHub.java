package io.fleet.vrrp.testing;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import io.fleet.vrrp.link.FrameReceiver;
import io.fleet.vrrp.link.Link;

/** A shared Ethernet segment in memory: what one port sends, every other attached port receives, synchronously. */
public final class MemoryHub
{
    private final List<Port> ports = new ArrayList<>();
    private final List<Sent> log = new ArrayList<>();

    /** A frame seen on the segment and when. */
    public record Sent(long atNs, byte[] frame)
    {
    }

    public final class Port implements Link
    {
        private final byte[] mac;
        private FrameReceiver receiver = (f, o, l) -> { };
        private boolean attached = true;

        Port(final byte[] mac)
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
            return attached;
        }

        @Override
        public void send(final byte[] frame, final int length)
        {
            // One frame at a time on the segment, whichever thread sends; receivers run on the sender's thread.
            synchronized (MemoryHub.this)
            {
                if (!attached)
                {
                    return;
                }
                final byte[] copy = Arrays.copyOf(frame, length);
                log.add(new Sent(System.nanoTime(), copy));
                for (final Port p : ports)
                {
                    if (p != this && p.attached)
                    {
                        p.receiver.onFrame(copy, 0, copy.length);
                    }
                }
            }
        }

        @Override
        public void receiver(final FrameReceiver receiver)
        {
            this.receiver = receiver;
        }

        /** Unplugs (false) or plugs the cable back (true). */
        public void attached(final boolean attached)
        {
            synchronized (MemoryHub.this)
            {
                this.attached = attached;
            }
        }
    }

    public synchronized Port port(final byte[] mac)
    {
        final Port p = new Port(mac);
        ports.add(p);
        return p;
    }

    /** Every frame sent on the segment, in order. */
    public synchronized List<byte[]> log()
    {
        final List<byte[]> frames = new ArrayList<>(log.size());
        for (final Sent s : log)
        {
            frames.add(s.frame());
        }
        return frames;
    }

    /** Every frame sent on the segment with its time, in order. */
    public synchronized List<Sent> timedLog()
    {
        return new ArrayList<>(log);
    }
}
