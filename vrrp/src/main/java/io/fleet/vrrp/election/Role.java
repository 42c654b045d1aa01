package io.fleet.vrrp.election;

/** This director's role for one VIP group, named as Keepalived passes it to a {@code notify} script. */
public enum Role
{
    /** Not decided yet: before the first membership view, or after shutdown. */
    INITIALIZE,
    /** Eligible but another director holds the group. */
    BACKUP,
    /** This director holds the group: it answers ARP/ND for its VIPs. */
    MASTER,
    /** May not hold anything: faulted by a track script or interface, on the minority side, or downed. */
    FAULT
}
