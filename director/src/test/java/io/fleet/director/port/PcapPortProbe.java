package io.fleet.director.port;

import io.fleet.director.config.DirectorConfig;
import io.fleet.director.forward.ForwardingConfig;
import io.fleet.director.forward.ForwardingCore;
import io.fleet.director.packet.EthernetHeader;
import io.fleet.director.packet.FrameWriter;
import io.fleet.director.packet.PacketParser;
import io.fleet.director.packet.ParseResult;
import io.fleet.director.packet.ParsedPacket;
import io.fleet.director.packet.TcpHeader;
import io.fleet.director.sched.SchedulerFactory;
import io.fleet.director.sched.SchedulerOptions;
import io.fleet.director.service.ForwardingMethod;
import io.fleet.director.service.IpAddress;
import io.fleet.director.service.RealServer;
import io.fleet.director.service.SchedulerKind;
import io.fleet.director.service.Service;
import io.fleet.director.service.VirtualService;
import io.fleet.director.worker.ForwardingWorker;
import org.agrona.concurrent.SystemNanoClock;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Runs inside a network namespace made by {@link PcapPortNamespaceTest}: a director on one end of a veth pair (a
 * real {@link PcapPort} driven by a real {@link ForwardingWorker}), a "wire" on the other end. It sends an ARP
 * request for the VIP and a TCP SYN to it from the wire side and reports what comes back. Prints one line per
 * finding and exits 0 only when both came back right.
 */
public final class PcapPortProbe
{
    static final IpAddress VIP = IpAddress.parse("vip", "198.51.100.10");
    static final IpAddress RS = IpAddress.parse("rs", "192.0.2.11");
    static final IpAddress CLIENT = IpAddress.parse("client", "203.0.113.7");
    static final long RS_MAC = 0x02_00_00_00_0A_01L;
    static final long CLIENT_MAC = 0x02_00_00_00_0C_01L;

    private PcapPortProbe()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        final String director = args[0];
        final String wire = args[1];
        final long directorMac = DirectorConfig.parseMac(Files.readString(Path.of("/sys/class/net", director, "address")).trim());
        final VirtualService vs = VirtualService.tcp(VIP, 80).scheduler(SchedulerKind.RR).build();
        final ForwardingConfig config = new ForwardingConfig().portMac(directorMac).capacity(1024, 16).staticMac(RS, RS_MAC)
            .service(Service.of(vs, SchedulerFactory.create(vs, SchedulerOptions.DEFAULTS),
                List.of(RealServer.of(RS, 80, ForwardingMethod.DR, 1, 0, 0))));
        boolean arpOk = false;
        boolean synOk = false;
        try (PcapPort directorPort = new PcapPort(director, PcapFilter.of(List.of(VIP), List.of(), List.of()), 1 << 20);
             PcapPort wirePort = new PcapPort(wire, null, 1 << 20))
        {
            final ForwardingCore core = new ForwardingCore(config, directorPort, System.nanoTime());
            final ForwardingWorker worker = new ForwardingWorker("probe", core, directorPort, new SystemNanoClock(), 64);
            final byte[] arp = FrameWriter.frame().macs(CLIENT_MAC, 0).arpRequest(CLIENT.ipv4(), VIP.ipv4());
            final byte[] syn = FrameWriter.frame().macs(CLIENT_MAC, directorMac).ip(CLIENT, VIP)
                .tcp(40000, 80, TcpHeader.SYN, 1, 0, new byte[0]);
            final PacketParser parser = new PacketParser();
            final ParsedPacket p = new ParsedPacket();
            final long deadline = System.nanoTime() + 10_000_000_000L;
            long nextSend = 0;
            final boolean[] seen = new boolean[2];
            while (System.nanoTime() < deadline && !(seen[0] && seen[1]))
            {
                if (System.nanoTime() > nextSend)
                {
                    // Resend until seen: the capture threads may start a moment after the ports open.
                    wirePort.send(new UnsafeBuffer(arp), 0, arp.length);
                    wirePort.send(new UnsafeBuffer(syn), 0, syn.length);
                    nextSend = System.nanoTime() + 500_000_000L;
                }
                worker.doWork();
                wirePort.poll((buffer, offset, length) ->
                {
                    if (parser.parse(buffer, offset, length, p) != ParseResult.OK)
                    {
                        return;
                    }
                    final long dst = EthernetHeader.readMac(buffer, offset);
                    if (p.etherType == EthernetHeader.ETHER_TYPE_ARP && p.arpOperation == 2 && dst == CLIENT_MAC
                        && p.src3 == VIP.ipv4() && EthernetHeader.readMac(buffer, offset + 6) == directorMac)
                    {
                        seen[0] = true;
                    }
                    if (p.ipVersion == 4 && dst == RS_MAC && p.dst3 == VIP.ipv4() && p.dstPort == 80
                        && (p.tcpFlags & TcpHeader.SYN) != 0)
                    {
                        seen[1] = true;
                    }
                }, 64);
                Thread.onSpinWait();
            }
            arpOk = seen[0];
            synOk = seen[1];
            System.out.println("arp-reply " + arpOk);
            System.out.println("dr-forward " + synOk);
            System.out.println("director-port in=" + directorPort.counters().framesIn() + " out=" + directorPort.counters().framesOut());
            System.out.println(core.counters().report().replace('\n', ';'));
        }
        System.exit(arpOk && synOk ? 0 : 1);
    }
}
