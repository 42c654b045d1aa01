package io.fleet.director.control;

import io.fleet.director.service.ForwardingMethod;
import io.fleet.director.service.IpAddress;
import io.fleet.director.service.Protocol;

/**
 * One connection in this director's table, as {@code ipvsadm -L -c} lists it: protocol, remaining time,
 * state ({@code ESTABLISHED}, {@code SYN_RECV}, … ; {@code UDP}; {@code NONE} for a persistence template),
 * client, virtual service address and the real server.
 */
public record ConnectionEntry(
    Protocol protocol, long expiresInMs, String state, IpAddress client, int clientPort, IpAddress vip, int vport,
    IpAddress realServer, int realPort, ForwardingMethod method, boolean template)
{
}
