package io.fleet.director.control;

/** {@code ipvsadm --set TCP TCPFIN UDP}, in seconds; 0 in a change leaves that value as it is. */
public record TimeoutSettings(long tcpS, long tcpFinS, long udpS)
{
}
