package io.fleet.vrrp.drill;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;

import io.fleet.vrrp.link.FrameReceiver;
import io.fleet.vrrp.link.Link;

/** A link that sends each frame as one UDP datagram to an observer on 127.0.0.1; it receives nothing. */
final class UdpLink implements Link
{
    private final byte[] mac;
    private final DatagramChannel channel;
    private final InetSocketAddress observer;

    UdpLink(final byte[] mac, final int observerPort) throws IOException
    {
        this.mac = mac.clone();
        this.channel = DatagramChannel.open();
        this.observer = new InetSocketAddress("127.0.0.1", observerPort);
    }

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
        try
        {
            channel.send(ByteBuffer.wrap(frame, 0, length), observer);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    @Override
    public void receiver(final FrameReceiver receiver)
    {
        // The drill's observer only listens; nothing is delivered back.
    }
}
