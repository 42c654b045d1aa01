package io.fleet.director.packet;

/**
 * Why {@link PacketParser#parse} refused a frame: one constant per drop reason, so the worker can keep one
 * counter per reason indexed by {@link #ordinal()} (the parser returns the ordinal, never throws).
 */
public enum ParseError
{
    /** Offset or length outside the buffer given: a caller bug, reported rather than thrown. */
    INVALID_RANGE,
    /** Fewer than 14 bytes. */
    TRUNCATED_ETHERNET,
    /** TPID 0x8100 but fewer than 18 bytes. */
    TRUNCATED_VLAN,
    /** Neither ARP, IPv4 nor IPv6 (a second 802.1Q tag, 0x88A8, LLDP ...). */
    UNKNOWN_ETHER_TYPE,
    /** An ARP packet shorter than 28 bytes. */
    TRUNCATED_ARP,
    /** ARP for something other than Ethernet and IPv4. */
    UNSUPPORTED_ARP,
    /** Fewer than 20 bytes, or fewer than the header length. */
    TRUNCATED_IPV4,
    IPV4_BAD_VERSION,
    /** IHL below 5 words. */
    IPV4_BAD_IHL,
    /** Total length below the header length. */
    IPV4_BAD_TOTAL_LENGTH,
    /** Total length beyond the end of the frame. */
    IPV4_TOTAL_LENGTH_BEYOND_FRAME,
    IPV4_BAD_HEADER_CHECKSUM,
    /** Fragment offset plus length beyond 65535 bytes (the "ping of death"). */
    IPV4_BAD_FRAGMENT,
    /** Fewer than 40 bytes. */
    TRUNCATED_IPV6,
    IPV6_BAD_VERSION,
    /** Payload length beyond the end of the frame. */
    IPV6_PAYLOAD_BEYOND_FRAME,
    /** More extension headers than {@link PacketParser#MAX_EXTENSION_HEADERS}. */
    IPV6_EXTENSION_CHAIN_TOO_LONG,
    /** An extension header running past the end of the packet. */
    TRUNCATED_IPV6_EXTENSION,
    /** A hop-by-hop options header anywhere but right after the fixed header (RFC 8200 section 4.1). */
    IPV6_MISPLACED_HOP_BY_HOP,
    /** Fewer than 20 bytes of TCP header, or fewer than its data offset says. */
    TRUNCATED_TCP,
    /** Data offset below 5 words. */
    TCP_BAD_DATA_OFFSET,
    /** Fewer than 8 bytes of UDP header. */
    TRUNCATED_UDP,
    /** UDP length below 8 or beyond the IP packet. */
    UDP_BAD_LENGTH,
    /** Fewer than 8 bytes of ICMP header. */
    TRUNCATED_ICMP,
    /** An ICMP error quoting less than an IP header plus the 8 bytes of transport header it must carry. */
    TRUNCATED_QUOTED_PACKET,
    /** An ICMP error quoting something that is not an IP header of the right version. */
    BAD_QUOTED_PACKET;

    private static final ParseError[] VALUES = values();

    /** Number of reasons: the size of a per-reason counter array. */
    public static final int COUNT = VALUES.length;

    /** The reason for a code returned by the parser; {@code null} for {@link ParseResult#OK}. */
    public static ParseError of(final int code)
    {
        return code >= 0 && code < COUNT ? VALUES[code] : null;
    }
}
