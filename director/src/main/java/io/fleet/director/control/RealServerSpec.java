package io.fleet.director.control;

import io.fleet.director.service.ForwardingMethod;
import io.fleet.director.service.IpAddress;

/**
 * A real server as configured (what {@code ipvsadm -a} takes): port 0 means the service's port; weight is the
 * configured weight, before health checks change it.
 */
public record RealServerSpec(
    IpAddress address, int port, ForwardingMethod method, int weight, int upperThreshold, int lowerThreshold)
{
    public Endpoint endpoint()
    {
        return new Endpoint(address, port);
    }
}
