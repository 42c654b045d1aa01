package io.fleet.vrrp.agent;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Runs an {@link Agent} on its own thread: reads the clock once per cycle, sleeps until the agent's next deadline
 * (at most {@code maxIdleNs}) and wakes early when {@link #wake()} is called, for example by a port that just queued
 * a frame. The vrrp thread never blocks on anything else.
 */
public final class AgentRunner implements AutoCloseable
{
    private final Agent agent;
    private final long maxIdleNs;
    private final Thread thread;
    private volatile boolean running = true;

    public AgentRunner(final String name, final Agent agent, final long maxIdleNs)
    {
        this.agent = agent;
        this.maxIdleNs = maxIdleNs;
        this.thread = new Thread(this::run, name);
        this.thread.setDaemon(true);
    }

    public AgentRunner start()
    {
        thread.start();
        return this;
    }

    /** Makes the agent run a cycle now; any thread. */
    public void wake()
    {
        LockSupport.unpark(thread);
    }

    private void run()
    {
        while (running)
        {
            final long nowNs = System.nanoTime();
            final int work;
            try
            {
                work = agent.doWork(nowNs);
            }
            catch (final RuntimeException ex)
            {
                // An agent bug must not kill the election thread silently; report it and keep running.
                ex.printStackTrace();
                LockSupport.parkNanos(maxIdleNs);
                continue;
            }
            if (work == 0)
            {
                final long untilNs = agent.nextDeadlineNs() - System.nanoTime();
                if (untilNs > 0)
                {
                    LockSupport.parkNanos(Math.min(untilNs, maxIdleNs));
                }
            }
        }
        agent.onClose(System.nanoTime());
    }

    /** Stops the thread after its current cycle, lets the agent close, and waits up to 5 s for it. */
    @Override
    public void close() throws InterruptedException
    {
        running = false;
        LockSupport.unpark(thread);
        thread.join(TimeUnit.SECONDS.toMillis(5));
    }
}
