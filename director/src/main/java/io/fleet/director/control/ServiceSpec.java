package io.fleet.director.control;

import io.fleet.director.service.VirtualService;

import java.util.List;

/** A virtual service and its real servers in scan order, as configured: the desired state, not counters. */
public record ServiceSpec(VirtualService service, List<RealServerSpec> realServers)
{
    public ServiceSpec
    {
        realServers = List.copyOf(realServers);
    }

    public ServiceId id()
    {
        return ServiceId.of(service);
    }
}
