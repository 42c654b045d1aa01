package io.fleet.director.health;

import io.fleet.director.control.Endpoint;
import io.fleet.director.control.ServiceId;

/**
 * Applies the fleet's verdict on one real server to the data plane. Called on every change of the verdict (and
 * of the weight while up), from a sync or health thread: the implementation hands the change to the data
 * plane's own queue and returns; it must not block.
 */
@FunctionalInterface
public interface VerdictListener
{
    /**
     * @param up     the fleet's verdict under the service's quorum.
     * @param weight the weight to use: the configured one (or a dynamic MISC_CHECK's) when up, 0 when down.
     * @param remove down and the service's {@code on-failure} is {@code remove}: take the server out (when false
     *               and down, keep it with weight 0, Keepalived's {@code inhibit_on_failure}).
     */
    void verdict(ServiceId service, Endpoint realServer, boolean up, int weight, boolean remove);
}
