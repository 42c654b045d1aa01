package io.fleet.vrrp.wire;

/** RFC 5798 6.4 states, plus Keepalived's FAULT for a tracked interface or script that forbids being master. */
public enum VrrpState
{
    INITIALIZE,
    BACKUP,
    MASTER,
    FAULT
}
