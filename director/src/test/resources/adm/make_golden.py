#!/usr/bin/env python3
"""Writes the golden outputs of AdmGoldenTest from ipvsadm's own printf formats (ipvsadm.c: print_title,
print_service_entry, print_largenum, list_conn), independently of Fleet's Java layout code.

The scenario below is the one AdmGoldenTest builds through `fleet adm` and the in-memory director; keep the two
in step. Run from this directory: python3 make_golden.py
"""
import ipaddress

VERSION = "IP Virtual Server version 1.2.1 (size=4096) Fleet 0.1.0\n"

def tr(c, pi, po, bi, bo, cps=0.0, ppsi=0.0, ppso=0.0, bpsi=0.0, bpso=0.0):
    return dict(conns=c, inpkts=pi, outpkts=po, inbytes=bi, outbytes=bo,
                cps=int(cps), inpps=int(ppsi), outpps=int(ppso), inbps=int(bpsi), outbps=int(bpso))

Z = tr(0, 0, 0, 0, 0)

# Each service: name fields, scheduler, flags, persistence, mask (None = full), ops, traffic, servers in scan order
# (the last -a first). Each server: address, port, forward, configured weight, effective weight, x, y, active,
# inactive, persistent, traffic.
SERVICES = [
    dict(proto="TCP", addr="192.168.1.100", port=80, fwmark=0, v6=False, sched="rr", flags=[], persistent=0,
         mask=None, ops=False, traffic=tr(19, 150, 138, 11100, 190000, 1.6, 12.2, 11, 900.7, 15000),
         servers=[
             dict(addr="192.168.1.102", port=80, fwd="m", weight=1, eff=0, x=0, y=0, act=0, inact=4, pers=0,
                  traffic=tr(4, 30, 28, 2100, 40000)),
             dict(addr="192.168.1.101", port=80, fwd="m", weight=1, eff=1, x=0, y=0, act=3, inact=12, pers=0,
                  traffic=tr(15, 120, 110, 9000, 150000, 1.6, 12.2, 11, 900.7, 15000)),
         ]),
    dict(proto="TCP", addr="192.168.33.50", port=80, fwmark=0, v6=False, sched="rr", flags=[], persistent=0,
         mask=None, ops=False, traffic=tr(38, 228, 0, 15086, 0, 1, 6, 0, 397, 0),
         servers=[
             dict(addr="192.168.33.20", port=80, fwd="g", weight=1, eff=1, x=0, y=0, act=1, inact=2, pers=0,
                  traffic=tr(19, 114, 0, 7543, 0, 0.5, 3, 0, 198.5, 0)),
             dict(addr="192.168.33.30", port=80, fwd="g", weight=1, eff=1, x=0, y=0, act=0, inact=3, pers=0,
                  traffic=tr(19, 114, 0, 7543, 0, 0.5, 3, 0, 198.5, 0)),
         ]),
    dict(proto="UDP", addr="192.0.2.53", port=53, fwmark=0, v6=False, sched="sh", flags=["sh-port"], persistent=0,
         mask=None, ops=True, traffic=tr(5000, 10000, 10000, 800000, 1600000),
         servers=[
             dict(addr="192.0.2.54", port=5353, fwd="m", weight=5, eff=5, x=1000, y=100, act=0, inact=57, pers=0,
                  traffic=tr(5000, 10000, 10000, 800000, 1600000)),
         ]),
    dict(proto="TCP", addr="2001:db8::1", port=443, fwmark=0, v6=True, sched="mh", flags=[], persistent=1800,
         mask=64, ops=False,
         traffic=tr(123456789, 987654321, 876543210, 123456789012, 98765432109876, 12345.6, 99999999.0, 100000000,
                    123456789012.0, 150000000000000.0),
         servers=[
             dict(addr="2001:db8::10", port=8443, fwd="fullnat", weight=10, eff=10, x=0, y=0, act=70000, inact=1,
                  pers=5,
                  traffic=tr(123456789, 987654321, 876543210, 123456789012, 98765432109876, 12345.6, 99999999.0,
                             100000000, 123456789012.0, 150000000000000.0)),
         ]),
    dict(proto="FWM", addr=None, port=0, fwmark=7, v6=False, sched="wlc", flags=[], persistent=300, mask=24,
         ops=False, traffic=Z,
         servers=[
             dict(addr="10.0.0.1", port=0, fwd="g", weight=2, eff=2, x=0, y=0, act=1, inact=0, pers=2, traffic=Z),
         ]),
]

CONNECTIONS = [
    ("TCP", 899_000, "ESTABLISHED", "203.0.113.5", 40001, "192.168.1.100", 80, "192.168.1.101", 80),
    ("UDP", 298_500, "UDP", "203.0.113.6", 53000, "192.0.2.53", 53, "192.0.2.54", 5353),
    ("TCP", 6_000_000, "NONE", "203.0.113.0", 0, "192.168.33.50", 80, "192.168.33.20", 80),
    ("TCP", 59_999, "SYN_RECV", "2001:db8:ffff::7", 51000, "2001:db8::1", 443, "2001:db8::10", 8443),
]

FWD_NAME = {"g": "Route", "m": "Masq", "i": "Tunnel", "fullnat": "FullNat"}
FWD_SWITCH = {"g": "-g", "m": "-m", "i": "-i", "fullnat": "--fullnat"}


def ap(addr, port, v6=None):
    if v6 is None:
        v6 = ":" in addr
    return ("[%s]" % addr if v6 else addr) + ":%u" % port


def largenum(i, exact):
    if exact:
        n = len("%d" % i)
        return "%*d" % (9 if n <= 8 else n + 1, i)
    if i < 100000000:
        return "%9d" % i
    if i < 1000000000:
        return "%8dK" % (i // 1000)
    if i < 100000000000:
        return "%8dM" % (i // 1000000)
    if i < 100000000000000:
        return "%8dG" % (i // 1000000000)
    return "%8dT" % (i // 1000000000000)


def mask_text(s):
    if s["v6"]:
        return "%d" % s["mask"]
    return str(ipaddress.IPv4Network("0.0.0.0/%d" % s["mask"]).netmask)


def svc_key(s):
    # libipvs ipvs_cmp_services: fwmark, af, protocol, address, port
    proto = {"TCP": 6, "UDP": 17, "FWM": 6}[s["proto"]]
    addr = int(ipaddress.ip_address(s["addr"])) if s["addr"] else 0
    return (s["fwmark"], 10 if s["v6"] else 2, proto, addr, s["port"])


def dest_key(d):
    return (int(ipaddress.ip_address(d["addr"])), d["port"])


def title(fmt):
    if fmt == "stats":
        return "%-33s %8s %8s %8s %8s %8s\n  -> RemoteAddress:Port\n" % (
            "Prot LocalAddress:Port", "Conns", "InPkts", "OutPkts", "InBytes", "OutBytes")
    if fmt == "rate":
        return "%-33s %8s %8s %8s %8s %8s\n  -> RemoteAddress:Port\n" % (
            "Prot LocalAddress:Port", "CPS", "InPPS", "OutPPS", "InBPS", "OutBPS")
    if fmt == "thresholds":
        return "%-33s %-10s %-10s %-10s %-10s\n  -> RemoteAddress:Port\n" % (
            "Prot LocalAddress:Port", "Uthreshold", "Lthreshold", "ActiveConn", "InActConn")
    if fmt == "persistent-conn":
        return "%-33s %-9s %-11s %-10s %-10s\n  -> RemoteAddress:Port\n" % (
            "Prot LocalAddress:Port", "Weight", "PersistConn", "ActiveConn", "InActConn")
    return ("Prot LocalAddress:Port Scheduler Flags\n"
            "  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n")


def svc_name(s):
    if s["fwmark"]:
        return "FWM  %d" % s["fwmark"] + (" IPv6" if s["v6"] else "")
    name = "%s  %s" % (s["proto"], ap(s["addr"], s["port"], s["v6"]))
    return name if s["v6"] else name[:33]


def listing(fmt, exact=False):
    out = VERSION + title(fmt)
    for s in sorted(SERVICES, key=svc_key):
        t = s["traffic"]
        if fmt == "stats":
            out += "%-33s" % svc_name(s) + "".join(largenum(t[k], exact) for k in
                                                 ("conns", "inpkts", "outpkts", "inbytes", "outbytes"))
        elif fmt == "rate":
            out += "%-33s" % svc_name(s) + "".join(largenum(t[k], exact) for k in
                                                 ("cps", "inpps", "outpps", "inbps", "outbps"))
        else:
            out += "%s %s" % (svc_name(s), s["sched"])
            if s["flags"]:
                out += " (%s)" % ",".join(s["flags"])
            if s["persistent"]:
                out += " persistent %u" % s["persistent"]
                if s["mask"] is not None:
                    out += " mask %s" % mask_text(s)
            if s["ops"]:
                out += " ops"
        out += "\n"
        for d in sorted(s["servers"], key=dest_key):
            dname = ap(d["addr"], d["port"])
            if not s["v6"]:
                dname = dname[:28]
            t = d["traffic"]
            if fmt == "stats":
                out += "  -> %-28s" % dname + "".join(largenum(t[k], exact) for k in
                                                    ("conns", "inpkts", "outpkts", "inbytes", "outbytes")) + "\n"
            elif fmt == "rate":
                out += "  -> %-28s %8u %8u %8u" % (dname, t["cps"], t["inpps"], t["outpps"])
                out += largenum(t["inbps"], exact) + largenum(t["outbps"], exact) + "\n"
            elif fmt == "thresholds":
                out += "  -> %-28s %-10u %-10u %-10u %-10u\n" % (dname, d["x"], d["y"], d["act"], d["inact"])
            elif fmt == "persistent-conn":
                out += "  -> %-28s %-9u %-11u %-10u %-10u\n" % (dname, d["eff"], d["pers"], d["act"], d["inact"])
            else:
                out += "  -> %-28s %-7s %-6d %-10u %-10u\n" % (dname, FWD_NAME[d["fwd"]], d["eff"], d["act"],
                                                               d["inact"])
    return out


def save():
    out = ""
    for s in sorted(SERVICES, key=svc_key):
        if s["fwmark"]:
            name = "-f %d" % s["fwmark"] + (" -6" if s["v6"] else "")
        else:
            name = ("-t " if s["proto"] == "TCP" else "-u ") + ap(s["addr"], s["port"], s["v6"])
        out += "-A %s -s %s" % (name, s["sched"])
        if s["flags"]:
            out += " -b " + ",".join(s["flags"])
        if s["persistent"]:
            out += " -p %u" % s["persistent"]
            if s["mask"] is not None:
                out += " -M %s" % mask_text(s)
        if s["ops"]:
            out += " -o"
        out += "\n"
        # Fleet's -S: servers last-added first, so that -R rebuilds the scan order; thresholds when set.
        for d in reversed(s["servers"]):
            out += "-a %s -r %s %s -w %d" % (name, ap(d["addr"], d["port"]), FWD_SWITCH[d["fwd"]], d["weight"])
            if d["x"]:
                out += " -x %u" % d["x"]
            if d["y"]:
                out += " -y %u" % d["y"]
            out += "\n"
    return out


def connections():
    out = "IPVS connection entries\n"
    out += "pro expire %-11s %-18s %-18s %s\n" % ("state", "source", "virtual", "destination")
    for (p, ms, state, c, cp, v, vp, d, dp) in CONNECTIONS:
        secs = ms // 1000
        out += "%-3s %-6s %-11s %-18s %-18s %s\n" % (p, "%02d:%02d" % (secs // 60, secs % 60), state, ap(c, cp),
                                                    ap(v, vp), ap(d, dp))
    return out


FILES = {
    "list-n.txt": listing("plain"),
    "stats.txt": listing("stats"),
    "stats-exact.txt": listing("stats", exact=True),
    "rate.txt": listing("rate"),
    "thresholds.txt": listing("thresholds"),
    "persistent-conn.txt": listing("persistent-conn"),
    "connections.txt": connections(),
    "save.txt": save(),
}

if __name__ == "__main__":
    for name, text in FILES.items():
        with open(name, "w") as f:
            f.write(text)
