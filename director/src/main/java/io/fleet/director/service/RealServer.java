package io.fleet.director.service;

/**
 * A real server of one virtual service (IPVS's {@code ip_vs_dest}): where it is, how connections reach it,
 * its weight and thresholds, and the connection counters schedulers read.
 *
 * <p>Owned by one thread, the forwarding worker of the service: configuration edits reach it through that
 * worker's command queue, so nothing here is synchronised. The overload flag follows IPVS exactly: set when
 * active + inactive connections reach the upper threshold, cleared when they fall below the lower threshold,
 * or below three quarters of the upper one when no lower threshold is set ({@code ip_vs_bind_dest},
 * {@code ip_vs_unbind_dest}).
 */
public final class RealServer
{
    /** ipvsadm's weight range. */
    public static final int MAX_WEIGHT = 65535;
    public static final int DEFAULT_WEIGHT = 1;

    private final IpAddress address;
    private final int port;
    private ForwardingMethod method;
    private int weight;
    private int lastWeight;
    private int upperThreshold;
    private int lowerThreshold;

    private int activeConnections;
    private int inactiveConnections;
    private int persistentConnections;
    private boolean overloaded;

    private RealServer(
        final IpAddress address, final int port, final ForwardingMethod method, final int weight,
        final int upperThreshold, final int lowerThreshold)
    {
        this.address = address;
        this.port = port;
        this.method = method;
        this.weight = weight;
        this.lastWeight = weight;
        this.upperThreshold = upperThreshold;
        this.lowerThreshold = lowerThreshold;
    }

    /**
     * A validated real server. Port 0 means "the service's port" and is resolved when it joins a service.
     *
     * @throws InvalidServiceException naming the field and value at fault.
     */
    public static RealServer of(
        final IpAddress address, final int port, final ForwardingMethod method, final int weight,
        final int upperThreshold, final int lowerThreshold)
    {
        if (address == null)
        {
            throw new InvalidServiceException("real-server", null, "an address is required");
        }
        checkPort("real-server port", port);
        checkWeight(weight);
        checkThresholds(upperThreshold, lowerThreshold);
        return new RealServer(address, port, method == null ? ForwardingMethod.DR : method, weight,
            upperThreshold, lowerThreshold);
    }

    /** A real server with ipvsadm's defaults: DR, weight 1, no thresholds. */
    public static RealServer of(final IpAddress address, final int port)
    {
        return of(address, port, ForwardingMethod.DR, DEFAULT_WEIGHT, 0, 0);
    }

    static void checkPort(final String field, final int port)
    {
        if (port < 0 || port > 65535)
        {
            throw new InvalidServiceException(field, port, "must be 0..65535");
        }
    }

    static void checkWeight(final int weight)
    {
        if (weight < 0 || weight > MAX_WEIGHT)
        {
            throw new InvalidServiceException("weight", weight, "must be 0.." + MAX_WEIGHT);
        }
    }

    static void checkThresholds(final int upper, final int lower)
    {
        if (upper < 0)
        {
            throw new InvalidServiceException("u-threshold", upper, "must be 0 (no limit) or more");
        }
        if (lower < 0)
        {
            throw new InvalidServiceException("l-threshold", lower, "must be 0 or more");
        }
        // IPVS refuses l_threshold > u_threshold even when u_threshold is 0 (ip_vs_add_dest).
        if (lower > upper)
        {
            throw new InvalidServiceException("l-threshold", lower,
                "must not exceed the upper threshold " + upper + (upper == 0 ? " (set -x first)" : ""));
        }
    }

    /** A copy bound to a service: same settings and port resolved, fresh counters. */
    RealServer withPort(final int resolvedPort)
    {
        return new RealServer(address, resolvedPort, method, weight, upperThreshold, lowerThreshold);
    }

    public IpAddress address()
    {
        return address;
    }

    public int port()
    {
        return port;
    }

    public ForwardingMethod method()
    {
        return method;
    }

    public int weight()
    {
        return weight;
    }

    /**
     * The last non-zero weight (IPVS {@code last_weight}): mh keeps a quiesced server's table slots so that
     * its flows come back to it when its weight is restored.
     */
    public int lastWeight()
    {
        return lastWeight;
    }

    public int upperThreshold()
    {
        return upperThreshold;
    }

    public int lowerThreshold()
    {
        return lowerThreshold;
    }

    public int activeConnections()
    {
        return activeConnections;
    }

    public int inactiveConnections()
    {
        return inactiveConnections;
    }

    public int persistentConnections()
    {
        return persistentConnections;
    }

    /** Active plus inactive connections; persistence templates do not count ({@code ip_vs_dest_totalconns}). */
    public int totalConnections()
    {
        return activeConnections + inactiveConnections;
    }

    /** Above its upper connection threshold: schedulers skip it until it drains below the lower one. */
    public boolean overloaded()
    {
        return overloaded;
    }

    /** Usable for new connections: weight above zero and not overloaded. */
    public boolean available()
    {
        return weight > 0 && !overloaded;
    }

    /**
     * IPVS's connection overhead, {@code activeconns * 256 + inactconns}, used by lc, wlc, lblc, lblcr and twos
     * ({@code ip_vs_dest_conn_overhead}).
     */
    public long connectionOverhead()
    {
        return ((long)activeConnections << 8) + inactiveConnections;
    }

    /**
     * Edits weight, method and thresholds as {@code ipvsadm -e} does; counters stay. Clears the overload flag
     * when the upper threshold is removed or raised ({@code __ip_vs_update_dest}).
     */
    public void edit(final ForwardingMethod newMethod, final int newWeight, final int newUpper, final int newLower)
    {
        checkWeight(newWeight);
        checkThresholds(newUpper, newLower);
        method = newMethod == null ? method : newMethod;
        weight = newWeight;
        if (newWeight != 0)
        {
            lastWeight = newWeight;
        }
        if (newUpper == 0 || newUpper > upperThreshold)
        {
            overloaded = false;
        }
        upperThreshold = newUpper;
        lowerThreshold = newLower;
    }

    /** A connection (not a template) is bound to this server; IPVS binds every new connection as inactive. */
    public void connectionBound(final boolean active)
    {
        if (active)
        {
            activeConnections++;
        }
        else
        {
            inactiveConnections++;
        }
        if (upperThreshold != 0 && totalConnections() >= upperThreshold)
        {
            overloaded = true;
        }
    }

    /** A connection bound to this server expired or was removed. */
    public void connectionUnbound(final boolean active)
    {
        if (active)
        {
            activeConnections--;
        }
        else
        {
            inactiveConnections--;
        }
        if (lowerThreshold != 0)
        {
            if (totalConnections() < lowerThreshold)
            {
                overloaded = false;
            }
        }
        else if (upperThreshold != 0)
        {
            if ((long)totalConnections() * 4 < (long)upperThreshold * 3)
            {
                overloaded = false;
            }
        }
        else
        {
            overloaded = false;
        }
    }

    /** A TCP connection entered ESTABLISHED (true) or left it (false); the total, and so overload, is unchanged. */
    public void connectionActivity(final boolean nowActive)
    {
        if (nowActive)
        {
            inactiveConnections--;
            activeConnections++;
        }
        else
        {
            activeConnections--;
            inactiveConnections++;
        }
    }

    /** A persistence template now points at (true) or no longer points at (false) this server. */
    public void templateBound(final boolean bound)
    {
        persistentConnections += bound ? 1 : -1;
    }

    /**
     * Sets the counters outright (what-if tools, state received from another director) and re-derives the
     * overload flag as if the connections had been bound one by one.
     */
    public void counters(final int active, final int inactive)
    {
        if (active < 0 || inactive < 0)
        {
            throw new IllegalArgumentException("connection counters cannot be negative: " + active + "/" + inactive);
        }
        activeConnections = active;
        inactiveConnections = inactive;
        overloaded = upperThreshold != 0 && totalConnections() >= upperThreshold;
    }

    /** {@code address:port}, with IPv6 in brackets, as ipvsadm prints it. */
    public String endpoint()
    {
        return address.isIpv6() ? "[" + address + "]:" + port : address + ":" + port;
    }

    @Override
    public String toString()
    {
        return endpoint() + " " + method.listName() + " w" + weight;
    }
}
