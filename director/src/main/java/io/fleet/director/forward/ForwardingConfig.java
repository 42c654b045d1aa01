package io.fleet.director.forward;

import io.fleet.director.conn.Timeouts;
import io.fleet.director.service.IpAddress;
import io.fleet.director.service.Service;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Everything one forwarding core needs to start: the port's identity, the services, the table sizes. */
public final class ForwardingConfig
{
    long portMac;
    int mtu = 1500;
    IpAddress ipv4;
    IpAddress ipv6;
    long gatewayMac = NeighbourCache.MISSING;
    int capacity4 = 1 << 20;
    int capacity6 = 1 << 16;
    long tickNs = 100_000_000L;
    int wheelSlots = 4096;
    final List<IpAddress> localAddresses = new ArrayList<>();
    int localPortMin = 1024;
    int localPortMax = 65535;
    final List<Service> services = new ArrayList<>();
    final Map<IpAddress, Long> staticMacs = new HashMap<>();
    Timeouts timeouts = new Timeouts();
    int syncRingBytes;
    long epochOffsetNs;
    int neighbourCapacity = 4096;
    int fragmentSlots = 4096;
    boolean holdVips = true;
    final List<IpAddress> electedAddresses = new ArrayList<>();

    /** The services, in configuration order. */
    public List<Service> services()
    {
        return List.copyOf(services);
    }

    /** MACs known in advance, by address. */
    public Map<IpAddress, Long> staticMacs()
    {
        return Map.copyOf(staticMacs);
    }

    public Timeouts timeouts()
    {
        return timeouts;
    }

    /** FULLNAT's local addresses. */
    public List<IpAddress> localAddresses()
    {
        return List.copyOf(localAddresses);
    }

    public long portMac()
    {
        return portMac;
    }

    /** MAC of the director's port, as a 48-bit value. */
    public ForwardingConfig portMac(final long mac)
    {
        this.portMac = mac;
        return this;
    }

    /** Largest IP packet the port sends, in bytes (default 1500); TUN answers "too big" above it. */
    public ForwardingConfig mtu(final int mtu)
    {
        if (mtu < 1280 || mtu > 65535)
        {
            throw new IllegalArgumentException("mtu must be 1280..65535, got " + mtu);
        }
        this.mtu = mtu;
        return this;
    }

    /** The director's own IPv4 address on the port: ARP requests and TUN's outer source. */
    public ForwardingConfig ipv4(final IpAddress address)
    {
        this.ipv4 = address;
        return this;
    }

    /** The director's own IPv6 address on the port: neighbour solicitations and TUN's outer source. */
    public ForwardingConfig ipv6(final IpAddress address)
    {
        this.ipv6 = address;
        return this;
    }

    /** MAC of the router toward clients, for NAT/FULLNAT replies to clients that are not on the link. */
    public ForwardingConfig gatewayMac(final long mac)
    {
        this.gatewayMac = mac;
        return this;
    }

    /** Connection table capacities (connections plus persistence templates) for IPv4 and IPv6. */
    public ForwardingConfig capacity(final int ipv4Entries, final int ipv6Entries)
    {
        this.capacity4 = ipv4Entries;
        this.capacity6 = ipv6Entries;
        return this;
    }

    /** Timer wheel: tick length and number of slots (a power of two). */
    public ForwardingConfig wheel(final long tickNs, final int slots)
    {
        this.tickNs = tickNs;
        this.wheelSlots = slots;
        return this;
    }

    /** Director-local addresses and port range for FULLNAT's source NAT. */
    public ForwardingConfig fullnat(final List<IpAddress> addresses, final int minPort, final int maxPort)
    {
        this.localAddresses.clear();
        this.localAddresses.addAll(addresses);
        this.localPortMin = minPort;
        this.localPortMax = maxPort;
        return this;
    }

    public ForwardingConfig service(final Service service)
    {
        this.services.add(service);
        return this;
    }

    /** A MAC known in advance (a real server's, a gateway's), so that the first packet needs no ARP. */
    public ForwardingConfig staticMac(final IpAddress address, final long mac)
    {
        this.staticMacs.put(address, mac);
        return this;
    }

    public ForwardingConfig timeouts(final Timeouts timeouts)
    {
        this.timeouts = timeouts;
        return this;
    }

    /** Capacity in bytes of the queue of connection events for sync (0: no events are published). */
    public ForwardingConfig syncRing(final int bytes)
    {
        this.syncRingBytes = bytes;
        return this;
    }

    /**
     * Whether the core answers ARP/ND and pings for its VIPs from the start (true: replay, a single director) or
     * only once the election hands them over with {@code ForwardingCore.hold} (false: a fleet).
     */
    public ForwardingConfig holdVips(final boolean hold)
    {
        this.holdVips = hold;
        return this;
    }

    /**
     * Every address the election moves between directors (all VIP groups' addresses). Those that are no service's
     * VIP - a NAT gateway the real servers route through, FULLNAT local addresses shared by the fleet - are
     * answered for (ARP/ND) like a VIP, only while held; a FULLNAT local address in this list is answered only
     * while held, so that one director at a time claims it.
     */
    public ForwardingConfig electedAddresses(final List<IpAddress> addresses)
    {
        this.electedAddresses.clear();
        this.electedAddresses.addAll(addresses);
        return this;
    }

    /** Slots of the cache that sends later fragments after their first (default 4096). */
    public ForwardingConfig fragments(final int slots)
    {
        this.fragmentSlots = slots;
        return this;
    }

    /** Entries of the neighbour (IP to MAC) cache (default 4096). */
    public ForwardingConfig neighbours(final int entries)
    {
        this.neighbourCapacity = entries;
        return this;
    }

    /** Wall-clock minus monotonic time, in ns, so that records carry absolute expiries. */
    public ForwardingConfig epochOffsetNs(final long offsetNs)
    {
        this.epochOffsetNs = offsetNs;
        return this;
    }
}
