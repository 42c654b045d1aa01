package io.fleet.director.control;

/**
 * One real server now: its configuration, the weight schedulers use (0 while the fleet's health verdict is
 * down and the action is inhibit), health ({@code up}, {@code down}, or {@code unchecked} without a checker),
 * this director's connection counts (IPVS's ActiveConn / InActConn / persistent templates) and traffic.
 */
public record RealServerStatus(
    RealServerSpec spec, int effectiveWeight, String health, int activeConnections, int inactiveConnections,
    int persistentConnections, Traffic traffic)
{
}
