package io.fleet.director.service;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;

/**
 * A virtual service as ipvsadm defines it: protocol + VIP + port, or a firewall mark; its scheduler and
 * flags; persistence ({@code -p}, {@code -M}); one-packet scheduling ({@code -o}). Immutable and validated:
 * {@link Builder#build()} throws an {@link InvalidServiceException} that names the field and the value.
 */
public final class VirtualService
{
    /**
     * Persistence timeout when {@code -p} is given without a value. The ipvsadm manual says 300 s; ipvsadm's
     * code ({@code IPVS_SVC_PERSISTENT_TIMEOUT}) uses 360 s. Fleet follows the manual.
     */
    public static final int DEFAULT_PERSISTENCE_TIMEOUT_S = 300;
    /** Largest persistence timeout accepted, so that it fits an int of milliseconds. */
    public static final int MAX_PERSISTENCE_TIMEOUT_S = Integer.MAX_VALUE / 1000;

    private final Protocol protocol;
    private final IpAddress address;
    private final int port;
    private final long fwmark;
    private final boolean ipv6;
    private final SchedulerKind scheduler;
    private final Set<SchedulerFlag> schedulerFlags;
    private final int persistenceTimeoutS;
    private final int persistenceNetmask;
    private final boolean onePacket;

    private VirtualService(final Builder b, final boolean ipv6, final int netmask)
    {
        this.protocol = b.protocol;
        this.address = b.address;
        this.port = b.port;
        this.fwmark = b.fwmark;
        this.ipv6 = ipv6;
        this.scheduler = b.scheduler;
        this.schedulerFlags = Collections.unmodifiableSet(EnumSet.copyOf(b.schedulerFlags));
        this.persistenceTimeoutS = b.persistenceTimeoutS;
        this.persistenceNetmask = netmask;
        this.onePacket = b.onePacket;
    }

    public static Builder tcp(final IpAddress address, final int port)
    {
        return new Builder().protocol(Protocol.TCP).address(address).port(port);
    }

    public static Builder udp(final IpAddress address, final int port)
    {
        return new Builder().protocol(Protocol.UDP).address(address).port(port);
    }

    /** A firewall-mark service ({@code -f MARK}); {@code ipv6} is ipvsadm's {@code -6}. */
    public static Builder fwmark(final long mark, final boolean ipv6)
    {
        return new Builder().fwmark(mark).ipv6(ipv6);
    }

    public static Builder builder()
    {
        return new Builder();
    }

    /** A builder holding this service's settings, for an edit ({@code -E}). */
    public Builder toBuilder()
    {
        final Builder b = new Builder()
            .protocol(protocol)
            .address(address)
            .port(port)
            .fwmark(fwmark)
            .ipv6(ipv6)
            .scheduler(scheduler)
            .schedulerFlags(schedulerFlags)
            .onePacket(onePacket);
        if (persistent())
        {
            b.persistence(persistenceTimeoutS).persistenceNetmask(persistenceNetmask);
        }
        return b;
    }

    /** TCP or UDP; for a firewall-mark service the protocol it was declared with, or null for any. */
    public Protocol protocol()
    {
        return protocol;
    }

    /** The VIP, or null for a firewall-mark service. */
    public IpAddress address()
    {
        return address;
    }

    /** 0 for a firewall-mark service or a port-less persistent service (every port of the VIP). */
    public int port()
    {
        return port;
    }

    /** The firewall mark, or 0 when the service is protocol + VIP + port. */
    public long fwmark()
    {
        return fwmark;
    }

    public boolean isFwmark()
    {
        return fwmark != 0;
    }

    public boolean isIpv6()
    {
        return ipv6;
    }

    public SchedulerKind scheduler()
    {
        return scheduler;
    }

    public Set<SchedulerFlag> schedulerFlags()
    {
        return schedulerFlags;
    }

    public boolean hasFlag(final SchedulerFlag flag)
    {
        return schedulerFlags.contains(flag);
    }

    public boolean persistent()
    {
        return persistenceTimeoutS > 0;
    }

    /** Persistence timeout in seconds; 0 when the service is not persistent. */
    public int persistenceTimeoutS()
    {
        return persistenceTimeoutS;
    }

    /** Prefix length applied to the client address for persistence: 32 or 128 unless {@code -M} said less. */
    public int persistenceNetmask()
    {
        return persistenceNetmask;
    }

    public boolean onePacket()
    {
        return onePacket;
    }

    /** ipvsadm's name for the service: {@code TCP  192.0.2.1:80}, {@code UDP  [2001:db8::1]:53}, {@code FWM  7}. */
    public String key()
    {
        if (isFwmark())
        {
            return "FWM  " + fwmark + (ipv6 ? " IPv6" : "");
        }
        final String host = ipv6 ? "[" + address + "]" : address.toString();
        return protocol.name() + "  " + host + ":" + port;
    }

    /** Whether a real server's address family may serve this service with the given method. */
    void checkRealServer(final RealServer rs)
    {
        if (rs.address().isIpv6() != ipv6 && rs.method() != ForwardingMethod.TUN)
        {
            // IPVS allows a mixed address family only for tunnelling (ip_vs_genl_set_cmd).
            throw new InvalidServiceException("real-server", rs.address(),
                "is IPv" + (rs.address().isIpv6() ? 6 : 4) + " but the service is IPv" + (ipv6 ? 6 : 4)
                    + "; a different address family works only with TUN (-i), not " + rs.method());
        }
        if (rs.port() != 0 && port != 0 && rs.port() != port
            && (rs.method() == ForwardingMethod.DR || rs.method() == ForwardingMethod.TUN))
        {
            throw new InvalidServiceException("real-server port", rs.port(),
                rs.method() + " cannot change the destination port; use " + port + " or leave it out");
        }
    }

    @Override
    public String toString()
    {
        return key() + " " + scheduler + (persistent() ? " persistent " + persistenceTimeoutS : "");
    }

    @Override
    public boolean equals(final Object o)
    {
        if (!(o instanceof VirtualService))
        {
            return false;
        }
        final VirtualService v = (VirtualService)o;
        return protocol == v.protocol && java.util.Objects.equals(address, v.address) && port == v.port
            && fwmark == v.fwmark && ipv6 == v.ipv6 && scheduler == v.scheduler
            && schedulerFlags.equals(v.schedulerFlags) && persistenceTimeoutS == v.persistenceTimeoutS
            && persistenceNetmask == v.persistenceNetmask && onePacket == v.onePacket;
    }

    @Override
    public int hashCode()
    {
        return java.util.Objects.hash(protocol, address, port, fwmark, scheduler, persistenceTimeoutS);
    }

    /** Collects settings; {@link #build()} validates them all. */
    public static final class Builder
    {
        private Protocol protocol;
        private IpAddress address;
        private int port;
        private long fwmark;
        private Boolean ipv6;
        private SchedulerKind scheduler = SchedulerKind.DEFAULT;
        private Set<SchedulerFlag> schedulerFlags = EnumSet.noneOf(SchedulerFlag.class);
        private int persistenceTimeoutS;
        private int persistenceNetmask = -1;
        private boolean onePacket;

        private Builder()
        {
        }

        public Builder protocol(final Protocol protocol)
        {
            this.protocol = protocol;
            return this;
        }

        public Builder address(final IpAddress address)
        {
            this.address = address;
            return this;
        }

        public Builder port(final int port)
        {
            this.port = port;
            return this;
        }

        public Builder fwmark(final long fwmark)
        {
            this.fwmark = fwmark;
            return this;
        }

        public Builder ipv6(final boolean ipv6)
        {
            this.ipv6 = ipv6;
            return this;
        }

        public Builder scheduler(final SchedulerKind scheduler)
        {
            this.scheduler = scheduler;
            return this;
        }

        public Builder schedulerFlags(final Set<SchedulerFlag> flags)
        {
            this.schedulerFlags = flags.isEmpty() ? EnumSet.noneOf(SchedulerFlag.class) : EnumSet.copyOf(flags);
            return this;
        }

        /** Persistent with the given timeout in seconds ({@code -p TIMEOUT}). */
        public Builder persistence(final int timeoutS)
        {
            this.persistenceTimeoutS = timeoutS;
            return this;
        }

        /** Persistent with the default timeout ({@code -p} alone). */
        public Builder persistence()
        {
            return persistence(DEFAULT_PERSISTENCE_TIMEOUT_S);
        }

        /** Persistence granularity as a prefix length ({@code -M}); IPv4 masks are parsed by {@link #netmask}. */
        public Builder persistenceNetmask(final int prefixLength)
        {
            this.persistenceNetmask = prefixLength;
            return this;
        }

        public Builder onePacket(final boolean onePacket)
        {
            this.onePacket = onePacket;
            return this;
        }

        /**
         * Validates and builds.
         *
         * @throws InvalidServiceException naming the first field at fault and its value.
         */
        public VirtualService build()
        {
            if (fwmark < 0 || fwmark > 0xFFFF_FFFFL)
            {
                throw new InvalidServiceException("fwmark", fwmark, "must be 1..4294967295");
            }
            final boolean isFwmark = fwmark != 0;
            final boolean v6;
            if (isFwmark)
            {
                if (address != null)
                {
                    throw new InvalidServiceException("fwmark", fwmark, "a firewall-mark service has no address");
                }
                if (port != 0)
                {
                    throw new InvalidServiceException("port", port, "a firewall-mark service has no port");
                }
                v6 = ipv6 != null && ipv6;
            }
            else
            {
                if (protocol == null)
                {
                    throw new InvalidServiceException("protocol", null, "must be tcp or udp");
                }
                if (address == null)
                {
                    throw new InvalidServiceException("vip", null, "an address is required (or a firewall mark)");
                }
                if (ipv6 != null && ipv6 != address.isIpv6())
                {
                    throw new InvalidServiceException("vip", address, "does not match the requested address family");
                }
                v6 = address.isIpv6();
                if (port < 0 || port > 65535)
                {
                    throw new InvalidServiceException("port", port, "must be 1..65535");
                }
                if (port == 0 && persistenceTimeoutS == 0)
                {
                    // ipvsadm: "Zero port specified for non-persistent service"; the kernel would never schedule it.
                    throw new InvalidServiceException("port", port,
                        "zero port is allowed only for a persistent service (-p); give a port 1..65535");
                }
            }
            if (scheduler == null)
            {
                throw new InvalidServiceException("scheduler", null, "unknown scheduler; one of " + SchedulerKind.names());
            }
            if (persistenceTimeoutS < 0 || persistenceTimeoutS > MAX_PERSISTENCE_TIMEOUT_S)
            {
                throw new InvalidServiceException("persistent", persistenceTimeoutS,
                    "timeout must be 1.." + MAX_PERSISTENCE_TIMEOUT_S + " seconds");
            }
            final int bits = v6 ? 128 : 32;
            int netmask = persistenceNetmask;
            if (netmask == -1)
            {
                netmask = bits;
            }
            else
            {
                if (persistenceTimeoutS == 0)
                {
                    throw new InvalidServiceException("netmask", netmask, "applies only to a persistent service (-p)");
                }
                if (netmask < 1 || netmask > bits)
                {
                    throw new InvalidServiceException("netmask", netmask, "prefix length must be 1.." + bits);
                }
            }
            if (onePacket && !isFwmark && protocol != Protocol.UDP)
            {
                throw new InvalidServiceException("one-packet", protocol, "one-packet scheduling is only for UDP services");
            }
            return new VirtualService(this, v6, netmask);
        }

        /**
         * Parses ipvsadm's {@code -M}: a dotted IPv4 mask (contiguous) or a prefix length.
         *
         * @return the prefix length.
         */
        public static int netmask(final String text)
        {
            if (text == null || text.isBlank())
            {
                throw new InvalidServiceException("netmask", text, "a mask (255.255.255.0) or prefix length is required");
            }
            final String t = text.trim();
            if (t.indexOf('.') >= 0)
            {
                final int mask = IpAddress.parse("netmask", t).ipv4();
                final int prefix = Integer.bitCount(mask);
                if (IpAddress.maskWord(prefix) != mask)
                {
                    throw new InvalidServiceException("netmask", text, "not a contiguous mask");
                }
                return prefix;
            }
            try
            {
                return Integer.parseInt(t.startsWith("/") ? t.substring(1) : t);
            }
            catch (final NumberFormatException ex)
            {
                throw new InvalidServiceException("netmask", text, "a mask (255.255.255.0) or prefix length is required");
            }
        }
    }
}
