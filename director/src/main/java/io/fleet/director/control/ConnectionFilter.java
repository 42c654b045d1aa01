package io.fleet.director.control;

import io.fleet.director.service.IpAddress;

/** Which connections to list; a null field matches everything. */
public record ConnectionFilter(IpAddress vip, IpAddress realServer, IpAddress client)
{
    public static final ConnectionFilter ALL = new ConnectionFilter(null, null, null);

    public boolean matches(final ConnectionEntry e)
    {
        return (vip == null || vip.equals(e.vip()))
            && (realServer == null || realServer.equals(e.realServer()))
            && (client == null || client.equals(e.client()));
    }
}
