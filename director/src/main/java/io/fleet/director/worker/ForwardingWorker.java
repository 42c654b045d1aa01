package io.fleet.director.worker;

import io.fleet.director.forward.ForwardingCore;
import io.fleet.director.port.FrameHandler;
import io.fleet.director.port.Port;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.ManyToOneConcurrentArrayQueue;
import org.agrona.concurrent.NanoClock;

/**
 * The forwarding worker's duty cycle, an Agrona {@link Agent}: read the clock once, run the core's timers and
 * inbound sync queue, then at most {@code frameBurst} frames from the port. Run it with an {@code AgentRunner}
 * and an idle strategy (busy-spin for latency, backoff to share a core) on a thread of its own; it is the only
 * thread that touches the core.
 */
public final class ForwardingWorker implements Agent, FrameHandler
{
    private final String name;
    private final ForwardingCore core;
    private final Port port;
    private final NanoClock clock;
    private final int frameBurst;
    private final ManyToOneConcurrentArrayQueue<Runnable> commands = new ManyToOneConcurrentArrayQueue<>(4096);
    private Runnable afterFrames = () -> { };
    private long nowNs;

    public ForwardingWorker(final String name, final ForwardingCore core, final Port port, final NanoClock clock, final int frameBurst)
    {
        this.name = name;
        this.core = core;
        this.port = port;
        this.clock = clock;
        this.frameBurst = frameBurst;
    }

    /**
     * Runs {@code command} on the worker's thread at the top of its next cycle (the election holding a VIP, a frame
     * to send); any thread may call it.
     *
     * @return false when the command queue is full.
     */
    public boolean submit(final Runnable command)
    {
        return commands.offer(command);
    }

    /** Something to run at the end of every cycle on the worker's thread (draining the sync events). */
    public ForwardingWorker afterFrames(final Runnable task)
    {
        this.afterFrames = task;
        return this;
    }

    @Override
    public int doWork()
    {
        nowNs = clock.nanoTime();
        int work = commands.drain(Runnable::run, 64);
        work += core.poll(nowNs);
        work += port.poll(this, frameBurst);
        afterFrames.run();
        return work;
    }

    @Override
    public void onFrame(final MutableDirectBuffer buffer, final int offset, final int length)
    {
        core.process(buffer, offset, length, nowNs);
    }

    @Override
    public void onClose()
    {
        port.close();
    }

    @Override
    public String roleName()
    {
        return name;
    }
}
