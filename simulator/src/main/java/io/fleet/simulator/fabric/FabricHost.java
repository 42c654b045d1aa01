package io.fleet.simulator.fabric;

/** Something plugged into the {@link Fabric}: a director's port, the clients' router, a real server. */
@FunctionalInterface
public interface FabricHost
{
    /**
     * A frame the switch delivered to this host's port (unicast to its MAC, or flooded). Called on the simulation
     * thread; the array is the host's to keep.
     */
    void onFrame(byte[] frame, long nowNs);
}
