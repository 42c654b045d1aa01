#!/usr/bin/python3
"""Builds capture.pcap with scapy (Debian: apt-get install python3-scapy), independently of Fleet's own code:
what a client, a router and a real server would put on the director's link. Documentation addresses only;
the frames are written to a file and never sent."""
import sys
from scapy.all import Ether, ARP, IP, IPv6, TCP, UDP, ICMP, Raw, DNS, DNSQR, wrpcap

DIRECTOR = "02:00:00:00:0d:01"
CLIENT = "02:00:00:00:0c:01"
RS1 = "02:00:00:00:0a:01"
VIP, CLIENT_IP, RS1_IP = "198.51.100.10", "203.0.113.7", "192.0.2.11"

frames = []
t = 1_700_000_000.0


def add(frame, dt=0.001):
    global t
    t += dt
    frame.time = t
    frames.append(frame)


# The client's router asks who has the VIP.
add(Ether(src=CLIENT, dst="ff:ff:ff:ff:ff:ff") / ARP(op=1, hwsrc=CLIENT, psrc=CLIENT_IP, pdst=VIP))
# A TCP connection to VIP:80: handshake, request, close.
c = Ether(src=CLIENT, dst=DIRECTOR) / IP(src=CLIENT_IP, dst=VIP)
add(c / TCP(sport=41000, dport=80, flags="S", seq=1000))
add(c / TCP(sport=41000, dport=80, flags="A", seq=1001, ack=5001))
add(c / TCP(sport=41000, dport=80, flags="PA", seq=1001, ack=5001) / Raw(b"GET / HTTP/1.1\r\nHost: vip\r\n\r\n"))
add(c / TCP(sport=41000, dport=80, flags="FA", seq=1030, ack=5200))
# A DNS query to VIP:53 over UDP.
add(c / UDP(sport=53001, dport=53) / DNS(rd=1, qd=DNSQR(qname="example.org")))
# A ping to the VIP.
add(c / ICMP(type=8, id=7, seq=1) / Raw(b"ping"))
# Not for the director: another destination, and a segment of a connection it never saw.
add(Ether(src=CLIENT, dst=DIRECTOR) / IP(src=CLIENT_IP, dst="192.0.2.99") / TCP(sport=1, dport=80, flags="S"))
add(c / TCP(sport=42000, dport=80, flags="A", seq=1, ack=1))
# A truncated frame.
add(Ether(bytes(c / TCP(sport=43000, dport=80, flags="S"))[:30]))
# The real server answers ARP for itself (DR needs its MAC) - the config gives it, so this only refreshes it.
add(Ether(src=RS1, dst=DIRECTOR) / ARP(op=2, hwsrc=RS1, psrc=RS1_IP, hwdst=DIRECTOR, pdst="192.0.2.2"))

wrpcap(sys.argv[1] if len(sys.argv) > 1 else "capture.pcap", frames)
