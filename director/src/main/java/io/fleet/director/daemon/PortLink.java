package io.fleet.director.daemon;

import io.fleet.director.worker.ForwardingWorker;
import io.fleet.director.port.Port;
import io.fleet.vrrp.link.FrameReceiver;
import io.fleet.vrrp.link.Link;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The election's link. In packet mode announcements (gratuitous ARP, unsolicited NA) leave through the director's
 * own port, sent on the forwarding worker's thread (a port has one sender); ARP and neighbour solicitations for
 * held VIPs are answered by the forwarding core itself, so nothing is handed to the election's receiver. In proxy
 * mode there is no port ({@link #none()}): the kernel owns a bound VIP, and announcements are dropped.
 */
final class PortLink implements Link
{
    private final byte[] mac;
    private final Port port;
    private final ForwardingWorker worker;

    PortLink(final long portMac, final Port port, final ForwardingWorker worker)
    {
        this.mac = new byte[6];
        for (int i = 0; i < 6; i++)
        {
            mac[i] = (byte)(portMac >>> (8 * (5 - i)));
        }
        this.port = port;
        this.worker = worker;
    }

    /** The link of proxy mode: no port, nothing sent. */
    static PortLink none()
    {
        return new PortLink(0x02_00_00_00_00_00L, null, null);
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
        if (port == null)
        {
            return;
        }
        final byte[] copy = java.util.Arrays.copyOf(frame, length);
        worker.submit(() -> port.send(new UnsafeBuffer(copy), 0, copy.length));
    }

    @Override
    public void receiver(final FrameReceiver receiver)
    {
        // the core answers ARP/ND for held VIPs
    }
}
