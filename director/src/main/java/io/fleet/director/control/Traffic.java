package io.fleet.director.control;

/**
 * Traffic counters as {@code ipvsadm --stats} shows them (totals since start or the last zero) and
 * {@code --rate} (per second, averaged over the last few seconds). Bytes are IP bytes; "in" is toward the real
 * servers, "out" is back toward the clients (zero for DR and TUN, whose replies bypass the director).
 */
public record Traffic(
    long connections, long packetsIn, long packetsOut, long bytesIn, long bytesOut,
    double connectionsPerSecond, double packetsInPerSecond, double packetsOutPerSecond,
    double bytesInPerSecond, double bytesOutPerSecond)
{
    public static final Traffic ZERO = new Traffic(0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
}
