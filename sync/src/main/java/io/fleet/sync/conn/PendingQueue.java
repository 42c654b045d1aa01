package io.fleet.sync.conn;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The bounded, lock-free queue between the drainers (many producers) and the replicator (one consumer). An
 * accepted record is copied anyway, so a linked node per record costs little; the bound keeps a stalled
 * replicator from eating the heap. (Agrona's array queue would need {@code --add-exports} of JDK internals on
 * every director's command line.)
 */
final class PendingQueue
{
    private final ConcurrentLinkedQueue<ConnectionReplicator.Pending> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger size = new AtomicInteger();
    private final int capacity;

    PendingQueue(final int capacity)
    {
        this.capacity = capacity;
    }

    boolean offer(final ConnectionReplicator.Pending pending)
    {
        if (size.incrementAndGet() > capacity)
        {
            size.decrementAndGet();
            return false;
        }
        queue.offer(pending);
        return true;
    }

    ConnectionReplicator.Pending poll()
    {
        final ConnectionReplicator.Pending p = queue.poll();
        if (p != null)
        {
            size.decrementAndGet();
        }
        return p;
    }

    boolean isEmpty()
    {
        return queue.isEmpty();
    }

    int size()
    {
        return size.get();
    }
}
