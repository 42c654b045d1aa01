package io.fleet.sync.cluster;

import java.util.Set;

/**
 * A director of the fleet as the membership API reports it, free of Pekko types.
 *
 * @param address  the Pekko address, {@code pekko://system@host:port}; stable for a host and port.
 * @param host     host or IP it is reached at.
 * @param port     cluster transport port.
 * @param uid      incarnation: a restarted director has the same address and a new uid.
 * @param roles    cluster roles.
 */
public record ClusterMember(String address, String host, int port, long uid, Set<String> roles)
{
    /** "host:port", how configs and logs name a director. */
    public String hostPort()
    {
        return host + ":" + port;
    }
}
