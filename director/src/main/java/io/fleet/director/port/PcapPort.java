package io.fleet.director.port;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.pcap4j.core.BpfProgram;
import org.pcap4j.core.NotOpenException;
import org.pcap4j.core.PcapHandle;
import org.pcap4j.core.PcapNativeException;
import org.pcap4j.core.PcapNetworkInterface;
import org.pcap4j.core.RawPacketListener;


/**
 * A NIC through libpcap (pcap4j): immediate mode, inbound direction only, a BPF filter from the held VIPs and
 * NAT/FULLNAT peers ({@link PcapFilter}), raw bytes. A dedicated thread runs the capture loop and copies each
 * frame into a ring; the worker drains the ring in {@link #poll}, so the capture thread never touches the core.
 * Sending uses a second handle from the worker's thread. Frames the ring cannot take are counted, not blocked on.
 */
public final class PcapPort implements Port
{
    private static final int MAX_FRAME = 65_535;

    private final String name;
    private final PcapHandle receive;
    private final PcapHandle send;
    private final ReceiveRing ring;
    private final UnsafeBuffer copy = new UnsafeBuffer(new byte[0]);
    private final byte[] sendBuffer = new byte[MAX_FRAME];
    private final PortCounters counters = new PortCounters();
    private final Thread thread;
    private volatile boolean running = true;

    /**
     * Opens the interface.
     *
     * @param interfaceName the NIC, e.g. {@code eth1}.
     * @param filter        a BPF expression, usually from {@link PcapFilter}; null for none.
     * @param ringBytes     the receive queue's capacity (frames wait here for the worker).
     */
    public PcapPort(final String interfaceName, final String filter, final int ringBytes) throws PcapNativeException, NotOpenException
    {
        this.name = "pcap:" + interfaceName;
        this.receive = new PcapHandle.Builder(interfaceName)
            .snaplen(MAX_FRAME)
            .promiscuousMode(PcapNetworkInterface.PromiscuousMode.PROMISCUOUS)
            .timeoutMillis(10)
            .immediateMode(true)
            .build();
        this.receive.setDirection(org.pcap4j.core.PcapHandle.PcapDirection.IN);
        if (filter != null && !filter.isBlank())
        {
            this.receive.setFilter(filter, BpfProgram.BpfCompileMode.OPTIMIZE);
        }
        this.send = new PcapHandle.Builder(interfaceName).snaplen(MAX_FRAME).timeoutMillis(10).build();
        this.ring = new ReceiveRing(ringBytes);
        final RawPacketListener listener = this::onPacket;
        this.thread = new Thread(() ->
        {
            while (running)
            {
                try
                {
                    receive.loop(-1, listener);
                }
                catch (final InterruptedException ex)
                {
                    return;
                }
                catch (final PcapNativeException | NotOpenException ex)
                {
                    if (running)
                    {
                        throw new IllegalStateException(name + ": capture failed: " + ex.getMessage(), ex);
                    }
                }
            }
        }, "fleet-" + name);
        this.thread.setDaemon(true);
        this.thread.start();
    }

    private void onPacket(final byte[] bytes)
    {
        counters.received();
        copy.wrap(bytes);
        if (!ring.offer(copy, 0, bytes.length))
        {
            counters.dropped(PortCounters.Drop.QUEUE_FULL);
        }
    }

    @Override
    public String name()
    {
        return name;
    }

    @Override
    public int poll(final FrameHandler handler, final int limit)
    {
        return ring.drain(handler, limit);
    }

    @Override
    public void send(final DirectBuffer buffer, final int offset, final int length)
    {
        if (length > MAX_FRAME)
        {
            counters.dropped(PortCounters.Drop.TOO_LONG);
            return;
        }
        buffer.getBytes(offset, sendBuffer, 0, length);
        try
        {
            send.sendPacket(sendBuffer, length);
            counters.sent();
        }
        catch (final PcapNativeException | NotOpenException ex)
        {
            counters.dropped(PortCounters.Drop.SEND_FAILED);
        }
    }

    @Override
    public PortCounters counters()
    {
        return counters;
    }

    @Override
    public void close()
    {
        running = false;
        try
        {
            receive.breakLoop();
        }
        catch (final NotOpenException ignored)
        {
            // already closed
        }
        try
        {
            thread.join(2_000);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        receive.close();
        send.close();
    }
}
