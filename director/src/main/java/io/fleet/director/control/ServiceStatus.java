package io.fleet.director.control;

import io.fleet.director.service.VirtualService;

import java.util.List;

/** One virtual service now, with its real servers in scan order and its traffic on this director. */
public record ServiceStatus(VirtualService service, List<RealServerStatus> realServers, Traffic traffic)
{
    public ServiceId id()
    {
        return ServiceId.of(service);
    }
}
