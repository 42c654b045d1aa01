package io.fleet.vrrp.agent;

/** A unit of work driven by one thread with the time, Agrona style: do what is due, say when next. */
public interface Agent
{
    /** Does what is due at {@code nowNs}; returns how much work was done (0 when idle). */
    int doWork(long nowNs);

    /** When something is next due without new input, or {@link Long#MAX_VALUE}. */
    long nextDeadlineNs();

    /** Called once on the agent's thread before it stops. */
    default void onClose(final long nowNs)
    {
    }
}
