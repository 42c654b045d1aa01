package io.fleet.director.service;

/**
 * Picks a real server for a new connection of one virtual service. One instance per service, used by the one
 * thread that owns the service (its forwarding worker), so implementations keep plain mutable state such as
 * a round-robin cursor. {@link #pick} allocates nothing.
 */
public interface Scheduler
{
    /**
     * The service's real servers changed (added, removed, weight or threshold edited). The array is in scan
     * order and must not be modified afterwards; tables (sh, dh, mh) are rebuilt here, never in {@link #pick}.
     */
    void update(RealServer[] servers);

    /**
     * Chooses a server for a new flow.
     *
     * @param flow  the new flow's addresses and ports.
     * @param nowNs monotonic time, for schedulers that age their state (lblc, lblcr).
     * @return the chosen server, or null when none is available (all quiescent, overloaded or absent).
     */
    RealServer pick(FlowKey flow, long nowNs);
}
