package io.fleet.director.health;

import io.fleet.director.control.Endpoint;
import io.fleet.director.control.ServiceId;
import io.fleet.sync.catalog.Quorum;

/**
 * One real server of one service under one check: what the checker probes, the weight it has when up (the
 * configured one unless a MISC_CHECK sets another), and the service's quorum rule for the fleet's verdict.
 */
public record CheckTarget(ServiceId service, Endpoint realServer, int weight, Quorum quorum, CheckSpec spec)
{
    public CheckTarget
    {
        if (service == null || realServer == null || quorum == null || spec == null)
        {
            throw new IllegalArgumentException("service, real server, quorum and spec are required");
        }
    }

    /** {@code tcp:192.0.2.1:80 -> 10.0.0.1:80}, how logs name it. */
    public String name()
    {
        return service + " -> " + realServer;
    }
}
