package io.fleet.director.daemon;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.locks.LockSupport;

import io.fleet.director.port.PcapPort;
import io.fleet.vrrp.frame.Mac;
import io.fleet.vrrp.link.FrameReceiver;
import io.fleet.vrrp.link.Link;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The link of VRRP wire mode: a {@link PcapPort} of its own, filtered to what wire mode acts on (ARP, neighbour
 * discovery, IP protocol 112), drained by one receive thread that hands each frame to the vrrp receiver. Unlike
 * {@link PortLink} there is no forwarding worker in between, so sends from the vrrp thread and from the receive
 * thread (ARP replies) are serialised here: a pcap port has one send buffer.
 */
final class PcapWireLink implements Link, AutoCloseable
{
    /** BPF: only what wire mode reads. */
    static final String FILTER = "arp or (ip proto 112) or (ip6 proto 112) or " +
        "(icmp6 and (ip6[40] == 135 or ip6[40] == 136))";
    /**
     * BPF beside a forwarding worker in pcap mode: only the adverts. The worker's own port answers ARP and neighbour
     * solicitations for the VIPs its core holds, so wire mode must not answer them a second time.
     */
    static final String ADVERTS_ONLY = "(ip proto 112) or (ip6 proto 112)";

    private static final long IDLE_NS = 200_000L;

    private final String interfaceName;
    private final PcapPort port;
    private final byte[] mac;
    private final UnsafeBuffer sendBuffer = new UnsafeBuffer(new byte[0]);
    private final Thread thread;
    private byte[] rxFrame = new byte[2048];
    private volatile FrameReceiver receiver = (frame, offset, length) -> { };
    private volatile boolean running = true;

    PcapWireLink(final String interfaceName) throws Exception
    {
        this(interfaceName, FILTER, readMac(interfaceName));
    }

    /**
     * @param filter BPF of the frames wire mode reads ({@link #FILTER} alone, {@link #ADVERTS_ONLY} beside a worker).
     * @param mac    the MAC adverts and announcements leave from when the instance uses no virtual MAC.
     */
    PcapWireLink(final String interfaceName, final String filter, final byte[] mac) throws Exception
    {
        this.interfaceName = interfaceName;
        this.mac = mac.clone();
        this.port = new PcapPort(interfaceName, filter, 1 << 20);
        this.thread = new Thread(this::receiveLoop, "fleet-wire-rx-" + interfaceName);
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /** The MAC from sysfs ({@code ip netns exec} mounts the namespace's own /sys). */
    static byte[] readMac(final String interfaceName)
    {
        final Path file = Path.of("/sys/class/net", interfaceName, "address");
        try
        {
            return Mac.parse(Files.readString(file, StandardCharsets.US_ASCII).trim());
        }
        catch (final IOException | IllegalArgumentException ex)
        {
            throw new IllegalArgumentException("director.interface " + interfaceName + ": cannot read its MAC from " +
                file + " (" + ex.getMessage() + ")", ex);
        }
    }

    private void receiveLoop()
    {
        while (running)
        {
            if (port.poll(this::onFrame, 64) == 0)
            {
                LockSupport.parkNanos(IDLE_NS);
            }
        }
    }

    private void onFrame(final MutableDirectBuffer buffer, final int offset, final int length)
    {
        if (rxFrame.length < length)
        {
            rxFrame = new byte[length];
        }
        buffer.getBytes(offset, rxFrame, 0, length);
        receiver.onFrame(rxFrame, 0, length);
    }

    @Override
    public byte[] macAddress()
    {
        return mac.clone();
    }

    /** Carrier and administratively up, from sysfs; true when sysfs cannot tell (not Linux). */
    @Override
    public boolean isUp()
    {
        try
        {
            final String operstate = Files.readString(Path.of("/sys/class/net", interfaceName, "operstate")).trim();
            return !operstate.equals("down");
        }
        catch (final IOException ex)
        {
            return true;
        }
    }

    @Override
    public synchronized void send(final byte[] frame, final int length)
    {
        sendBuffer.wrap(frame, 0, length);
        port.send(sendBuffer, 0, length);
    }

    @Override
    public void receiver(final FrameReceiver receiver)
    {
        this.receiver = receiver;
    }

    @Override
    public void close()
    {
        running = false;
        try
        {
            thread.join(1_000);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        port.close();
    }
}
