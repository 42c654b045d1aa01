package io.fleet.vrrp.wire;

import java.util.ArrayList;
import java.util.List;

import io.fleet.vrrp.election.VipAddress;
import io.fleet.vrrp.frame.Bytes;
import io.fleet.vrrp.frame.Checksum;
import io.fleet.vrrp.frame.Ethernet;
import io.fleet.vrrp.frame.Ipv4;
import io.fleet.vrrp.frame.Ipv6;
import io.fleet.vrrp.frame.Mac;
import io.fleet.vrrp.link.Frames;

/**
 * VRRP advertisements in Ethernet + IPv4/IPv6, both versions.
 * <pre>
 * RFC 3768 (v2)                                   RFC 5798 (v3)
 *  0    4    8        16        24       31        0    4    8        16        24       31
 * +----+----+--------+---------+--------+         +----+----+--------+---------+--------+
 * |ver |type| VRID   |priority |count IP|         |ver |type| VRID   |priority |count IP|
 * |  2 |  1 |        |         |        |         |  3 |  1 |        |         |        |
 * +----+----+--------+---------+--------+         +----+----+--------+---------+--------+
 * |auth type| adv int (s) | checksum    |         |rsvd| max adv int (cs)| checksum     |
 * +---------+-------------+-------------+         +----+-----------------+--------------+
 * | IPv4 address(es)                    |         | IPv4 or IPv6 address(es)             |
 * | authentication data (8 bytes)       |         +--------------------------------------+
 * +-------------------------------------+
 * </pre>
 * The v2 checksum covers the VRRP message; the v3 checksum also covers the IPv4 or IPv6 pseudo-header. Packets go
 * to 224.0.0.18 / ff02::12 with TTL / hop limit 255 (receivers drop anything else, RFC 5798 5.1.1.3), IPv4 with
 * Keepalived's TOS 0xc0 (internetwork control), IPv6 with traffic class 0xc0.
 */
public final class VrrpCodec
{
    public static final int VERSION_TYPE_OFFSET = 0;
    public static final int VRID_OFFSET = 1;
    public static final int PRIORITY_OFFSET = 2;
    public static final int COUNT_OFFSET = 3;
    public static final int V2_AUTH_TYPE_OFFSET = 4;
    public static final int V2_INTERVAL_OFFSET = 5;
    public static final int V3_INTERVAL_OFFSET = 4;
    public static final int CHECKSUM_OFFSET = 6;
    public static final int ADDRESSES_OFFSET = 8;
    public static final int V2_AUTH_DATA_LENGTH = 8;
    public static final int TYPE_ADVERTISEMENT = 1;
    public static final int AUTH_NONE = 0;
    public static final int AUTH_SIMPLE_TEXT = 1;
    public static final int TOS_INTERNETWORK_CONTROL = 0xC0;

    public static final byte[] GROUP_V4 = {(byte)224, 0, 0, 18};
    public static final byte[] GROUP_V6 = {(byte)0xff, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x12};

    /** Why a received frame was not accepted as an advertisement; index into a counter array. */
    public enum Verdict
    {
        OK,
        /** Shorter than the headers and addresses it announces. */
        TRUNCATED,
        /** TTL or hop limit not 255: it crossed a router (RFC 5798 7.1). */
        BAD_TTL,
        /** Not an advertisement of the expected version, or an IPv4 header with a bad checksum. */
        BAD_VERSION_OR_TYPE,
        BAD_CHECKSUM,
        /** IPv4 with an address count of 0 or an IPv6 packet in v2. */
        BAD_ADDRESSES
    }

    private VrrpCodec()
    {
    }

    /**
     * Writes at offset 0 of {@code out} the whole Ethernet frame carrying {@code advert}, from {@code sourceMac};
     * returns its length.
     */
    public static int writeFrame(final Advert advert, final byte[] sourceMac, final byte[] out)
    {
        final boolean v6 = advert.isIpv6();
        final int addressLength = v6 ? 16 : 4;
        final int vrrpLength = ADDRESSES_OFFSET + advert.addresses().size() * addressLength +
            (advert.version() == 2 ? V2_AUTH_DATA_LENGTH : 0);
        final byte[] group = v6 ? GROUP_V6 : GROUP_V4;
        final int ip = Ethernet.write(out, 0, v6 ? Mac.ipv6Multicast(group, 0) : Mac.ipv4Multicast(group, 0),
            sourceMac, v6 ? Frames.ETHERTYPE_IPV6 : Frames.ETHERTYPE_IPV4);
        final int vrrp = v6 ?
            Ipv6.write(out, ip, TOS_INTERNETWORK_CONTROL, vrrpLength, Frames.PROTOCOL_VRRP, 255,
                advert.source().bytes(), group) :
            Ipv4.write(out, ip, TOS_INTERNETWORK_CONTROL, vrrpLength, Frames.PROTOCOL_VRRP, 255,
                advert.source().bytes(), group);
        out[vrrp + VERSION_TYPE_OFFSET] = (byte)((advert.version() << 4) | TYPE_ADVERTISEMENT);
        out[vrrp + VRID_OFFSET] = (byte)advert.vrid();
        out[vrrp + PRIORITY_OFFSET] = (byte)advert.priority();
        out[vrrp + COUNT_OFFSET] = (byte)advert.addresses().size();
        if (advert.version() == 2)
        {
            out[vrrp + V2_AUTH_TYPE_OFFSET] = (byte)advert.authType();
            out[vrrp + V2_INTERVAL_OFFSET] = (byte)(advert.intervalCs() / 100);
        }
        else
        {
            Bytes.u16(out, vrrp + V3_INTERVAL_OFFSET, advert.intervalCs() & 0x0FFF);
        }
        Bytes.u16(out, vrrp + CHECKSUM_OFFSET, 0);
        int a = vrrp + ADDRESSES_OFFSET;
        for (final VipAddress address : advert.addresses())
        {
            address.copyTo(out, a);
            a += addressLength;
        }
        if (advert.version() == 2)
        {
            java.util.Arrays.fill(out, a, a + V2_AUTH_DATA_LENGTH, (byte)0);
            System.arraycopy(advert.authData(), 0, out, a, Math.min(V2_AUTH_DATA_LENGTH, advert.authData().length));
        }
        final long pseudo = advert.version() == 2 ? 0 : v6 ?
            Ipv6.pseudoHeaderSum(out, ip, Frames.PROTOCOL_VRRP, vrrpLength) :
            Checksum.pseudoHeader(out, ip + Ipv4.SOURCE_OFFSET, ip + Ipv4.DESTINATION_OFFSET, 4,
                Frames.PROTOCOL_VRRP, vrrpLength);
        Bytes.u16(out, vrrp + CHECKSUM_OFFSET, Checksum.finish(Checksum.sum(out, vrrp, vrrpLength, pseudo)));
        return vrrp + vrrpLength;
    }

    /** A decoded advertisement, or why the frame is not one. */
    public record Decoded(Verdict verdict, Advert advert)
    {
    }

    /** Decodes and validates the VRRP frame at {@code offset}; {@code version} is the version expected. */
    public static Decoded read(final byte[] b, final int offset, final int length, final int version)
    {
        if (length < Ethernet.HEADER_LENGTH + 20)
        {
            return new Decoded(Verdict.TRUNCATED, null);
        }
        final int ip = offset + Ethernet.HEADER_LENGTH;
        final boolean v6 = Bytes.u16(b, offset + Ethernet.TYPE_OFFSET) == Frames.ETHERTYPE_IPV6;
        final int vrrp;
        final int vrrpLength;
        final long pseudo;
        if (v6)
        {
            if (length < Ethernet.HEADER_LENGTH + Ipv6.HEADER_LENGTH + ADDRESSES_OFFSET)
            {
                return new Decoded(Verdict.TRUNCATED, null);
            }
            if (Bytes.u8(b, ip + Ipv6.HOP_LIMIT_OFFSET) != 255)
            {
                return new Decoded(Verdict.BAD_TTL, null);
            }
            vrrp = ip + Ipv6.HEADER_LENGTH;
            vrrpLength = Bytes.u16(b, ip + Ipv6.PAYLOAD_LENGTH_OFFSET);
            pseudo = Ipv6.pseudoHeaderSum(b, ip, Frames.PROTOCOL_VRRP, vrrpLength);
        }
        else
        {
            final int ihl = Ipv4.headerLength(b, ip);
            if ((b[ip] >> 4) != 4 || ihl < 20 || length < Ethernet.HEADER_LENGTH + ihl + ADDRESSES_OFFSET)
            {
                return new Decoded(Verdict.TRUNCATED, null);
            }
            if (!Ipv4.isHeaderChecksumValid(b, ip))
            {
                return new Decoded(Verdict.BAD_VERSION_OR_TYPE, null);
            }
            if (Bytes.u8(b, ip + Ipv4.TTL_OFFSET) != 255)
            {
                return new Decoded(Verdict.BAD_TTL, null);
            }
            vrrp = ip + ihl;
            vrrpLength = Bytes.u16(b, ip + Ipv4.TOTAL_LENGTH_OFFSET) - ihl;
            pseudo = Checksum.pseudoHeader(b, ip + Ipv4.SOURCE_OFFSET, ip + Ipv4.DESTINATION_OFFSET, 4,
                Frames.PROTOCOL_VRRP, vrrpLength);
        }
        if (vrrpLength < ADDRESSES_OFFSET || vrrp + vrrpLength > offset + length)
        {
            return new Decoded(Verdict.TRUNCATED, null);
        }
        final int versionType = Bytes.u8(b, vrrp + VERSION_TYPE_OFFSET);
        if (versionType >> 4 != version || (versionType & 0x0F) != TYPE_ADVERTISEMENT)
        {
            return new Decoded(Verdict.BAD_VERSION_OR_TYPE, null);
        }
        if (version == 2 && v6)
        {
            return new Decoded(Verdict.BAD_ADDRESSES, null);
        }
        final int count = Bytes.u8(b, vrrp + COUNT_OFFSET);
        final int addressLength = v6 ? 16 : 4;
        if (vrrpLength < ADDRESSES_OFFSET + count * addressLength + (version == 2 ? V2_AUTH_DATA_LENGTH : 0))
        {
            return new Decoded(Verdict.TRUNCATED, null);
        }
        if (Checksum.finish(Checksum.sum(b, vrrp, vrrpLength, version == 2 ? 0 : pseudo)) != 0)
        {
            return new Decoded(Verdict.BAD_CHECKSUM, null);
        }
        if (count == 0)
        {
            return new Decoded(Verdict.BAD_ADDRESSES, null);
        }
        final List<VipAddress> addresses = new ArrayList<>(count);
        for (int i = 0; i < count; i++)
        {
            final byte[] a = new byte[addressLength];
            System.arraycopy(b, vrrp + ADDRESSES_OFFSET + i * addressLength, a, 0, addressLength);
            addresses.add(VipAddress.ofBytes(a));
        }
        final byte[] source = new byte[addressLength];
        System.arraycopy(b, ip + (v6 ? Ipv6.SOURCE_OFFSET : Ipv4.SOURCE_OFFSET), source, 0, addressLength);
        final int intervalCs;
        final int authType;
        final byte[] authData;
        if (version == 2)
        {
            intervalCs = 100 * Bytes.u8(b, vrrp + V2_INTERVAL_OFFSET);
            authType = Bytes.u8(b, vrrp + V2_AUTH_TYPE_OFFSET);
            authData = new byte[V2_AUTH_DATA_LENGTH];
            System.arraycopy(b, vrrp + ADDRESSES_OFFSET + count * 4, authData, 0, V2_AUTH_DATA_LENGTH);
        }
        else
        {
            intervalCs = Bytes.u16(b, vrrp + V3_INTERVAL_OFFSET) & 0x0FFF;
            authType = AUTH_NONE;
            authData = new byte[0];
        }
        return new Decoded(Verdict.OK, new Advert(version, Bytes.u8(b, vrrp + VRID_OFFSET),
            Bytes.u8(b, vrrp + PRIORITY_OFFSET), intervalCs, authType, authData, addresses, VipAddress.ofBytes(source)));
    }
}
