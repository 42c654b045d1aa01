package io.fleet.director.proxy;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;

import java.util.concurrent.TimeUnit;

/**
 * The idle timeouts of every TCP relay on one event loop, checked by one periodic sweep instead of a timer per
 * connection. An {@code IdleStateHandler} per connection schedules (and cancels) a task when the connection opens,
 * again when it switches to the FIN_WAIT timeout, reads the clock on every read burst and hangs a listener on every
 * write to the client; here a read only sets a flag ({@link Entry#touch}), and the sweep, which reads the clock once,
 * turns flags into last-activity stamps and closes what has been quiet for its timeout.
 *
 * <p>Semantics: an entry is closed once no activity was marked for at least its timeout, never earlier; because a
 * mark is stamped at the sweep after it, the close comes between the timeout and the timeout plus two ticks after
 * the last activity. The tick is an eighth of the shortest timeout, at most 1 s and at least 1 ms, so a 900 s
 * timeout closes within 902 s and a 1 s one within 1.25 s. A sweep walks all entries of its loop: about a
 * nanosecond or two each, so a loop with 100,000 connections spends a fraction of a millisecond per tick.
 *
 * <p>Confined to its event loop: {@link #add}, {@link #remove}, {@link #timeout} and the sweep run on it and need no
 * synchronisation. {@link #tickNs(long)} may be called from any thread.
 */
final class IdleTimer implements Runnable
{
    static final long MAX_TICK_NS = TimeUnit.SECONDS.toNanos(1);
    static final long MIN_TICK_NS = TimeUnit.MILLISECONDS.toNanos(1);

    /** A connection watched by the timer: an intrusive list node with its activity flag and timeout. */
    abstract static class Entry
    {
        private Entry prev;
        private Entry next;
        private boolean touched;
        private long lastActiveNs;
        private long timeoutNs;
        private boolean watched;

        /** Marks activity (a byte read either way): a field write, no clock read. */
        final void touch()
        {
            touched = true;
        }

        /** The timer found the entry idle for its timeout and has stopped watching it. */
        abstract void onIdle();
    }

    private final EventExecutor loop;
    /** Sentinel of the circular list of watched entries. */
    private final Entry head = new Entry()
    {
        @Override
        void onIdle()
        {
            throw new IllegalStateException("the list head is never idle");
        }
    };
    private volatile long tickNs;
    private ScheduledFuture<?> scheduled;
    private int size;
    private boolean stopped;

    /**
     * @param loop    the event loop whose relays this timer watches; the sweep runs on it.
     * @param tickNs  how often to sweep; see {@link #tickFor}.
     */
    IdleTimer(final EventExecutor loop, final long tickNs)
    {
        this.loop = loop;
        this.tickNs = tickNs;
        head.prev = head;
        head.next = head;
    }

    /** The tick for these timeouts: an eighth of the shortest, between {@link #MIN_TICK_NS} and {@link #MAX_TICK_NS}. */
    static long tickFor(final long... timeoutsNs)
    {
        long shortestNs = Long.MAX_VALUE;
        for (final long t : timeoutsNs)
        {
            shortestNs = Math.min(shortestNs, t);
        }
        return Math.max(MIN_TICK_NS, Math.min(MAX_TICK_NS, shortestNs / 8));
    }

    /** Starts sweeping every tick on the event loop. */
    void start()
    {
        loop.execute(this::scheduleNext);
    }

    /** A new tick (timeouts changed); the sweep after the next one uses it. Any thread. */
    void tickNs(final long tickNs)
    {
        this.tickNs = tickNs;
    }

    long tickNs()
    {
        return tickNs;
    }

    /** Stops sweeping; entries stay where they are (the event loop is going away). */
    void stop()
    {
        loop.execute(() ->
        {
            stopped = true;
            if (scheduled != null)
            {
                scheduled.cancel(false);
            }
        });
    }

    /** Watches an entry from now on, with this timeout; counts as activity. */
    void add(final Entry e, final long timeoutNs)
    {
        if (e.watched)
        {
            throw new IllegalStateException("already watched");
        }
        e.watched = true;
        e.timeoutNs = timeoutNs;
        e.touched = true;
        e.next = head;
        e.prev = head.prev;
        head.prev.next = e;
        head.prev = e;
        size++;
    }

    /** Stops watching an entry; nothing when it is not watched. */
    void remove(final Entry e)
    {
        if (!e.watched)
        {
            return;
        }
        e.watched = false;
        e.prev.next = e.next;
        e.next.prev = e.prev;
        e.prev = null;
        e.next = null;
        size--;
    }

    /** Switches a watched entry to another timeout, counting from now (as a fresh idle timer would). */
    static void timeout(final Entry e, final long timeoutNs)
    {
        e.timeoutNs = timeoutNs;
        e.touched = true;
    }

    /** Entries watched now. */
    int size()
    {
        return size;
    }

    /**
     * Stamps the entries touched since the last sweep with {@code nowNs} and closes those quiet for their timeout.
     *
     * @return how many were found idle.
     */
    int sweep(final long nowNs)
    {
        int idle = 0;
        Entry e = head.next;
        while (e != head)
        {
            final Entry next = e.next;
            if (e.touched)
            {
                e.touched = false;
                e.lastActiveNs = nowNs;
            }
            else if (nowNs - e.lastActiveNs - e.timeoutNs >= 0)
            {
                remove(e);
                idle++;
                e.onIdle();
            }
            e = next;
        }
        return idle;
    }

    @Override
    public void run()
    {
        if (stopped)
        {
            return;
        }
        try
        {
            sweep(System.nanoTime());
        }
        finally
        {
            scheduleNext();
        }
    }

    private void scheduleNext()
    {
        if (!stopped && !loop.isShuttingDown())
        {
            scheduled = loop.schedule(this, tickNs, TimeUnit.NANOSECONDS);
        }
    }
}
