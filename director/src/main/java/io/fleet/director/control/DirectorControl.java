package io.fleet.director.control;

import io.fleet.director.service.IpAddress;
import io.fleet.director.service.VirtualService;

import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * Reads and changes one running director. Changes of services and real servers go through the replicated
 * service catalog, so they apply on every director of the fleet; each is validated first and a refused change
 * completes exceptionally with a {@link ControlException} naming the field, having changed nothing. Reads
 * never block on the network: they show this director's latest view.
 *
 * <p>Thread-safe: the admin API calls it from its own threads.
 */
public interface DirectorControl
{
    // ------------------------------------------------------------------------------------------- services

    /** Every virtual service with its real servers, in ipvsadm's order, with this director's counters. */
    List<ServiceStatus> services();

    /** {@code ipvsadm -A}: a new service (without real servers). Refused if it exists. */
    CompletionStage<Void> addService(VirtualService service);

    /** {@code ipvsadm -E}: new scheduler, flags or persistence for an existing service (matched by id). */
    CompletionStage<Void> editService(VirtualService service);

    /** {@code ipvsadm -D}. */
    CompletionStage<Void> deleteService(ServiceId id);

    /** {@code ipvsadm -a}: a real server at the head of the service's list. */
    CompletionStage<Void> addRealServer(ServiceId id, RealServerSpec realServer);

    /** {@code ipvsadm -e}: method, weight, thresholds of a real server (matched by address and port). */
    CompletionStage<Void> editRealServer(ServiceId id, RealServerSpec realServer);

    /** {@code ipvsadm -d}. */
    CompletionStage<Void> deleteRealServer(ServiceId id, Endpoint realServer);

    /** {@code ipvsadm -C}: every service goes. */
    CompletionStage<Void> clear();

    // ---------------------------------------------------------------------------------------- connections

    /** {@code ipvsadm -L -c}: this director's connections (and persistence templates) matching the filter. */
    Page<ConnectionEntry> connections(ConnectionFilter filter, long offset, int limit);

    // ------------------------------------------------------------------------------------- counters, timeouts

    /** {@code ipvsadm -Z}: zero the counters of one service, or of all when {@code id} is null. */
    void zero(ServiceId id);

    TimeoutSettings timeouts();

    /** {@code ipvsadm --set}: a 0 leaves that timeout as it is. */
    CompletionStage<Void> setTimeouts(TimeoutSettings timeouts);

    // ---------------------------------------------------------------------------------- fleet, health, ports

    ClusterStatus cluster();

    List<HealthStatus> health();

    List<PortStatus> ports();

    SyncStatus sync();

    /** Reads the director's config file again and applies it, or refuses it and keeps the running one. */
    ReloadResult reload();

    /** The VIPs this director answers for now. */
    List<IpAddress> heldVips();
}
