package io.fleet.director.port;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * A port in memory, for tests and the simulator: frames are injected with {@link #inject} and what the core sends
 * is collected. Single-threaded.
 */
public final class MemoryPort implements Port
{
    private final String name;
    private final ArrayDeque<byte[]> inbound = new ArrayDeque<>();
    private final List<byte[]> outbound = new ArrayList<>();
    private final PortCounters counters = new PortCounters();
    private final UnsafeBuffer frame = new UnsafeBuffer(new byte[0]);

    public MemoryPort(final String name)
    {
        this.name = name;
    }

    /** A frame arrives on the wire. */
    public void inject(final byte[] bytes)
    {
        inbound.add(bytes.clone());
    }

    /** Everything sent so far, then forgotten. */
    public List<byte[]> drainSent()
    {
        final List<byte[]> copy = new ArrayList<>(outbound);
        outbound.clear();
        return copy;
    }

    @Override
    public String name()
    {
        return name;
    }

    @Override
    public int poll(final FrameHandler handler, final int limit)
    {
        int n = 0;
        while (n < limit && !inbound.isEmpty())
        {
            final byte[] bytes = inbound.poll();
            counters.received();
            frame.wrap(bytes);
            handler.onFrame(frame, 0, bytes.length);
            n++;
        }
        return n;
    }

    @Override
    public void send(final DirectBuffer buffer, final int offset, final int length)
    {
        final byte[] copy = new byte[length];
        buffer.getBytes(offset, copy);
        outbound.add(copy);
        counters.sent();
    }

    @Override
    public PortCounters counters()
    {
        return counters;
    }

    @Override
    public void close()
    {
        inbound.clear();
    }
}
