package io.fleet.director.service;

/**
 * The part of a new flow a scheduler may look at: client address and port, destination (VIP) address and port,
 * protocol. A mutable flyweight the forwarding worker fills once per new connection and reuses, so that
 * scheduling allocates nothing. Addresses are four big-endian words; IPv4 sits in word 3.
 */
public final class FlowKey
{
    private boolean ipv6;
    private int protocol;
    private int src0;
    private int src1;
    private int src2;
    private int src3;
    private int srcPort;
    private int dst0;
    private int dst1;
    private int dst2;
    private int dst3;
    private int dstPort;

    /** Fills an IPv4 flow. */
    public FlowKey ipv4(final int protocol, final int srcAddress, final int srcPort, final int dstAddress, final int dstPort)
    {
        this.ipv6 = false;
        this.protocol = protocol;
        this.src0 = 0;
        this.src1 = 0;
        this.src2 = 0;
        this.src3 = srcAddress;
        this.srcPort = srcPort;
        this.dst0 = 0;
        this.dst1 = 0;
        this.dst2 = 0;
        this.dst3 = dstAddress;
        this.dstPort = dstPort;
        return this;
    }

    /** Fills an IPv6 flow from address words. */
    public FlowKey set6(
        final int protocol, final int s0, final int s1, final int s2, final int s3, final int srcPort,
        final int d0, final int d1, final int d2, final int d3, final int dstPort)
    {
        this.ipv6 = true;
        this.protocol = protocol;
        this.src0 = s0;
        this.src1 = s1;
        this.src2 = s2;
        this.src3 = s3;
        this.srcPort = srcPort;
        this.dst0 = d0;
        this.dst1 = d1;
        this.dst2 = d2;
        this.dst3 = d3;
        this.dstPort = dstPort;
        return this;
    }

    /** Fills a flow from two addresses of the same family. */
    public FlowKey set(final int protocol, final IpAddress src, final int srcPort, final IpAddress dst, final int dstPort)
    {
        if (src.isIpv6() != dst.isIpv6())
        {
            throw new IllegalArgumentException("client " + src + " and destination " + dst + " differ in family");
        }
        this.ipv6 = src.isIpv6();
        this.protocol = protocol;
        this.src0 = src.word(0);
        this.src1 = src.word(1);
        this.src2 = src.word(2);
        this.src3 = src.word(3);
        this.srcPort = srcPort;
        this.dst0 = dst.word(0);
        this.dst1 = dst.word(1);
        this.dst2 = dst.word(2);
        this.dst3 = dst.word(3);
        this.dstPort = dstPort;
        return this;
    }

    public boolean ipv6()
    {
        return ipv6;
    }

    public int protocol()
    {
        return protocol;
    }

    public int srcPort()
    {
        return srcPort;
    }

    public int dstPort()
    {
        return dstPort;
    }

    /** Source word {@code i} (0..3). */
    public int src(final int i)
    {
        switch (i)
        {
            case 0: return src0;
            case 1: return src1;
            case 2: return src2;
            default: return src3;
        }
    }

    /** Destination word {@code i} (0..3). */
    public int dst(final int i)
    {
        switch (i)
        {
            case 0: return dst0;
            case 1: return dst1;
            case 2: return dst2;
            default: return dst3;
        }
    }

    /** Client address folded to 32 bits as IPVS hashes it: IPv4 as is, IPv6 as the XOR of its words. */
    public int srcFold()
    {
        return ipv6 ? src0 ^ src1 ^ src2 ^ src3 : src3;
    }

    /** Destination address folded to 32 bits. */
    public int dstFold()
    {
        return ipv6 ? dst0 ^ dst1 ^ dst2 ^ dst3 : dst3;
    }

    /** Whether the destination address equals the given words (four words; IPv4 in word 3). */
    public boolean dstEquals(final boolean v6, final int w0, final int w1, final int w2, final int w3)
    {
        return ipv6 == v6 && dst0 == w0 && dst1 == w1 && dst2 == w2 && dst3 == w3;
    }

    @Override
    public String toString()
    {
        final IpAddress s = ipv6 ? IpAddress.ofIpv6(src0, src1, src2, src3) : IpAddress.ofIpv4(src3);
        final IpAddress d = ipv6 ? IpAddress.ofIpv6(dst0, dst1, dst2, dst3) : IpAddress.ofIpv4(dst3);
        return "proto " + protocol + " " + s + ":" + srcPort + " -> " + d + ":" + dstPort;
    }
}
