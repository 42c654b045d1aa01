#!/usr/bin/env python3
"""Golden frames for PacketParserGoldenTest, built from the RFC layouts with struct and an independent
internet checksum (no Fleet code involved). Regenerate the resource with
  python3 director/src/test/python/golden_frames.py \
    > director/src/test/resources/io/fleet/director/packet/golden-frames.txt
Each line: NAME HEX."""
import struct

def csum(data: bytes) -> int:
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF

def mac(s): return bytes(int(x, 16) for x in s.split(":"))
def ip4(s): return bytes(int(x) for x in s.split("."))
def ip6(s):
    import ipaddress
    return ipaddress.IPv6Address(s).packed

DST, SRC = mac("52:54:00:12:34:56"), mac("52:54:00:ab:cd:ef")

def eth(ethertype, payload, vlan=None, dst=DST, src=SRC):
    if vlan is None:
        return dst + src + struct.pack("!H", ethertype) + payload
    return dst + src + struct.pack("!HHH", 0x8100, vlan, ethertype) + payload

def ipv4(src, dst, proto, payload, ident=0x1c46, flags_frag=0x4000, ttl=64, options=b"", tos=0,
         total=None, version_ihl=None, bad_checksum=False):
    ihl = 5 + len(options) // 4
    tl = 20 + len(options) + len(payload) if total is None else total
    vi = (4 << 4 | ihl) if version_ihl is None else version_ihl
    h = struct.pack("!BBHHHBBH4s4s", vi, tos, tl, ident, flags_frag, ttl, proto, 0, ip4(src), ip4(dst)) + options
    c = csum(h)
    if bad_checksum:
        c ^= 0x0101
    h = h[:10] + struct.pack("!H", c) + h[12:]
    return h + payload

def pseudo4(src, dst, proto, length):
    return ip4(src) + ip4(dst) + struct.pack("!BBH", 0, proto, length)

def pseudo6(src, dst, proto, length):
    return ip6(src) + ip6(dst) + struct.pack("!IxxxB", length, proto)

def tcp(sp, dp, seq, ack, flags, payload=b"", options=b"", window=64240, doff=None, pseudo=None):
    d = (5 + len(options) // 4) if doff is None else doff
    h = struct.pack("!HHIIBBHHH", sp, dp, seq, ack, d << 4, flags, window, 0, 0) + options
    seg = h + payload
    if pseudo is not None:
        c = csum(pseudo(len(seg)) + seg)
        seg = seg[:16] + struct.pack("!H", c) + seg[18:]
    return seg

def udp(sp, dp, payload, pseudo=None, length=None):
    l = 8 + len(payload) if length is None else length
    d = struct.pack("!HHHH", sp, dp, l, 0) + payload
    if pseudo is not None:
        c = csum(pseudo(8 + len(payload)) + d) or 0xFFFF
        d = d[:6] + struct.pack("!H", c) + d[8:]
    return d

def icmp(t, code, rest, body, pseudo=None):
    m = struct.pack("!BBHI", t, code, 0, rest) + body
    c = csum((pseudo(len(m)) if pseudo else b"") + m)
    return m[:2] + struct.pack("!H", c) + m[4:]

def ipv6(src, dst, nh, payload, hlim=64, plen=None, version=6):
    pl = len(payload) if plen is None else plen
    return struct.pack("!IHBB", version << 28, pl, nh, hlim) + ip6(src) + ip6(dst) + payload

def ext(nh, length=8):
    # Hop-by-hop / destination options: next header, hdr ext len, PadN over the rest.
    return struct.pack("!BBBB", nh, length // 8 - 1, 1, length - 4) + b"\0" * (length - 4)

def routing(nh):
    # Routing header type 0 ... with segments left 0 (8 bytes, no addresses).
    return struct.pack("!BBBB4x", nh, 0, 0, 0)

def frag6(nh, offset, more, ident):
    return struct.pack("!BBHI", nh, 0, offset | (1 if more else 0), ident)

C4, V4 = "203.0.113.1", "198.51.100.10"
C6, V6 = "2001:db8::1", "2001:db8::10"
F = {}

# --- valid frames ---------------------------------------------------------------------------------------
mss = struct.pack("!BBH", 2, 4, 1460)
F["ipv4_tcp_syn"] = eth(0x0800, ipv4(C4, V4, 6, tcp(40000, 80, 1000, 0, 0x02, options=mss,
                                                    pseudo=lambda l: pseudo4(C4, V4, 6, l))))
F["vlan_ipv4_udp"] = eth(0x0800, ipv4(C4, V4, 17, udp(5353, 53, b"hello", pseudo=lambda l: pseudo4(C4, V4, 17, l)),
                                      ident=0x0101, flags_frag=0), vlan=0x2064)
ra = bytes([0x94, 0x04, 0, 0, 0x01, 0x01, 0x01, 0x00])  # router alert, NOP, NOP, NOP, EOL
F["ipv4_options_tcp_ack"] = eth(0x0800, ipv4(C4, V4, 6, tcp(40000, 80, 1001, 5001, 0x18, payload=b"GET / HTTP/1.0\r\n\r\n",
                                                            pseudo=lambda l: pseudo4(C4, V4, 6, l)), options=ra, ttl=63))
F["ipv4_icmp_echo"] = eth(0x0800, ipv4(C4, V4, 1, icmp(8, 0, 0x12340001, b"ping-payload"), flags_frag=0))
quoted_tcp = ipv4(V4, C4, 6, tcp(80, 40000, 7000, 1001, 0x10, payload=b"x" * 100,
                                  pseudo=lambda l: pseudo4(V4, C4, 6, l)), ident=0x2222)
F["ipv4_icmp_frag_needed"] = eth(0x0800, ipv4("192.0.2.254", V4, 1, icmp(3, 4, 1400, quoted_tcp[:28]),
                                              flags_frag=0, ttl=255))
quoted_udp = ipv4(C4, "192.0.2.99", 17, udp(33434, 33435, b"\0" * 32, pseudo=lambda l: pseudo4(C4, "192.0.2.99", 17, l)),
                  ident=0x3333, ttl=1, flags_frag=0)
F["ipv4_icmp_time_exceeded"] = eth(0x0800, ipv4("192.0.2.1", C4, 1, icmp(11, 0, 0, quoted_udp), flags_frag=0))
whole_udp = udp(5000, 53, b"A" * 1600, pseudo=lambda l: pseudo4(C4, V4, 17, l))
F["ipv4_first_fragment_udp"] = eth(0x0800, ipv4(C4, V4, 17, whole_udp[:1480], ident=0xabcd, flags_frag=0x2000))
F["ipv4_later_fragment_udp"] = eth(0x0800, ipv4(C4, V4, 17, whole_udp[1480:], ident=0xabcd, flags_frag=1480 // 8))
F["arp_request"] = eth(0x0806, struct.pack("!HHBBH", 1, 0x0800, 6, 4, 1) + SRC + ip4("198.51.100.1")
                       + b"\0" * 6 + ip4(V4), dst=b"\xff" * 6)
F["arp_reply_padded"] = eth(0x0806, struct.pack("!HHBBH", 1, 0x0800, 6, 4, 2) + SRC + ip4(V4)
                            + DST + ip4("198.51.100.1") + b"\0" * 18)
F["ipv6_tcp_synack"] = eth(0x86DD, ipv6(V6, C6, 6, tcp(443, 50000, 9000, 1001, 0x12,
                                                       pseudo=lambda l: pseudo6(V6, C6, 6, l)), hlim=64))
u6 = udp(7000, 7001, b"ext", pseudo=lambda l: pseudo6(C6, V6, 17, l))
# Hop-by-hop (8) -> destination options (16) -> routing (8) -> UDP: 32 bytes of extension headers.
F["ipv6_ext_udp"] = eth(0x86DD, ipv6(C6, V6, 0, ext(60, 8) + ext(43, 16) + routing(17) + u6))
big6 = udp(7000, 53, b"B" * 1300, pseudo=lambda l: pseudo6(C6, V6, 17, l))
F["ipv6_first_fragment_udp"] = eth(0x86DD, ipv6(C6, V6, 44, frag6(17, 0, True, 0xdeadbeef) + big6[:1232]))
F["ipv6_later_fragment_udp"] = eth(0x86DD, ipv6(C6, V6, 44, frag6(17, 1232, False, 0xdeadbeef) + big6[1232:]))
F["icmpv6_echo"] = eth(0x86DD, ipv6(C6, V6, 58, icmp(128, 0, 0x77770005, b"abcdefgh",
                                                       pseudo=lambda l: pseudo6(C6, V6, 58, l))))
q6 = ipv6(V6, C6, 6, tcp(443, 50000, 9001, 1001, 0x10, payload=b"y" * 1400,
                          pseudo=lambda l: pseudo6(V6, C6, 6, l)))
R6 = "2001:db8:ffff::1"
F["icmpv6_packet_too_big"] = eth(0x86DD, ipv6(R6, V6, 58, icmp(2, 0, 1280, q6[:1232],
                                                               pseudo=lambda l: pseudo6(R6, V6, 58, l)), hlim=255))
SN = "ff02::1:ff00:10"
ns = icmp(135, 0, 0, ip6(V6) + bytes([1, 1]) + SRC, pseudo=lambda l: pseudo6(C6, SN, 58, l))
F["icmpv6_neighbour_solicitation"] = eth(0x86DD, ipv6(C6, SN, 58, ns, hlim=255), dst=mac("33:33:ff:00:00:10"))

# --- one fault each, everything else right ----------------------------------------------------------------
ok_tcp = tcp(40000, 80, 1000, 0, 0x02, pseudo=lambda l: pseudo4(C4, V4, 6, l))
F["bad_unknown_ethertype"] = eth(0x88CC, b"\x02\x07\x04" + b"\0" * 40)
F["bad_qinq"] = eth(0x88A8, struct.pack("!HH", 0x0064, 0x8100) + b"\0" * 40)
F["bad_arp_hardware"] = eth(0x0806, struct.pack("!HHBBH", 6, 0x0800, 6, 4, 1) + SRC + ip4(C4) + b"\0" * 6 + ip4(V4))
F["bad_ipv4_version"] = eth(0x0800, ipv4(C4, V4, 6, ok_tcp, version_ihl=0x65))
F["bad_ipv4_ihl"] = eth(0x0800, ipv4(C4, V4, 6, ok_tcp, version_ihl=0x44))
F["bad_ipv4_total_length_short"] = eth(0x0800, ipv4(C4, V4, 6, ok_tcp, total=19))
F["bad_ipv4_total_length_long"] = eth(0x0800, ipv4(C4, V4, 6, ok_tcp, total=41))
F["bad_ipv4_checksum"] = eth(0x0800, ipv4(C4, V4, 6, ok_tcp, bad_checksum=True))
F["bad_ipv4_ping_of_death"] = eth(0x0800, ipv4(C4, V4, 1, b"\0" * 16, flags_frag=0x1FFF))
F["bad_tcp_data_offset"] = eth(0x0800, ipv4(C4, V4, 6, tcp(40000, 80, 1, 0, 0x02, doff=4)))
F["bad_tcp_options_beyond_packet"] = eth(0x0800, ipv4(C4, V4, 6, tcp(40000, 80, 1, 0, 0x02, doff=8)))
F["bad_udp_length_long"] = eth(0x0800, ipv4(C4, V4, 17, udp(1, 2, b"abc", length=12)))
F["bad_udp_length_short"] = eth(0x0800, ipv4(C4, V4, 17, udp(1, 2, b"abc", length=7)))
F["bad_udp_header_short"] = eth(0x0800, ipv4(C4, V4, 17, b"\x00\x01\x00\x02"))
F["bad_icmp_short"] = eth(0x0800, ipv4(C4, V4, 1, b"\x08\x00\x00\x00\x12\x34"))
F["bad_icmp_quote_short"] = eth(0x0800, ipv4("192.0.2.254", V4, 1, icmp(3, 4, 1400, quoted_tcp[:24])))
F["bad_icmp_quote_not_ipv4"] = eth(0x0800, ipv4("192.0.2.254", V4, 1, icmp(3, 1, 0, b"\x60" + quoted_tcp[1:28])))
F["bad_ipv6_version"] = eth(0x86DD, ipv6(C6, V6, 59, b"", version=4))
F["bad_ipv6_payload_long"] = eth(0x86DD, ipv6(C6, V6, 59, b"\0" * 8, plen=9))
nine = b""
for i in range(9):
    nine += ext(60 if i < 8 else 59, 8)
F["bad_ipv6_chain_too_long"] = eth(0x86DD, ipv6(C6, V6, 60, nine))
F["bad_ipv6_extension_truncated"] = eth(0x86DD, ipv6(C6, V6, 60, struct.pack("!BB", 17, 3) + b"\0" * 6 + u6))
F["bad_ipv6_hop_by_hop_second"] = eth(0x86DD, ipv6(C6, V6, 60, ext(0, 8) + ext(17, 8) + u6))
F["bad_icmpv6_quote_short"] = eth(0x86DD, ipv6(R6, V6, 58, icmp(1, 4, 0, q6[:39], pseudo=lambda l: pseudo6(R6, V6, 58, l))))

for name, frame in F.items():
    print(name, frame.hex())
