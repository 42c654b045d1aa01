package io.fleet.director.daemon;

import io.fleet.director.conn.Timeouts;
import io.fleet.director.control.ConnectionEntry;
import io.fleet.director.control.ConnectionFilter;
import io.fleet.director.control.Page;
import io.fleet.director.forward.ForwardingConfig;
import io.fleet.director.forward.ForwardingCore;
import io.fleet.director.forward.Verdict;
import io.fleet.director.packet.FrameWriter;
import io.fleet.director.packet.TcpHeader;
import io.fleet.director.sched.SchedulerFactory;
import io.fleet.director.sched.SchedulerOptions;
import io.fleet.director.service.ForwardingMethod;
import io.fleet.director.service.IpAddress;
import io.fleet.director.service.Protocol;
import io.fleet.director.service.RealServer;
import io.fleet.director.service.SchedulerKind;
import io.fleet.director.service.Service;
import io.fleet.director.service.VirtualService;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code ipvsadm -L -c} in packet mode: the core's table as {@link ConnectionEntry}s, filtered and paged. */
class ConnectionListingTest
{
    static final long DIRECTOR_MAC = 0x02_00_00_00_0D_01L;
    static final IpAddress VIP = IpAddress.parse("vip", "198.51.100.10");
    static final IpAddress CLIENT1 = IpAddress.parse("client", "203.0.113.7");
    static final IpAddress CLIENT2 = IpAddress.parse("client", "203.0.113.8");
    static final IpAddress RS1 = IpAddress.parse("rs", "192.0.2.11");
    static final IpAddress RS2 = IpAddress.parse("rs", "192.0.2.12");

    @Test
    void shouldListFilterAndPageTheCoresConnections()
    {
        final VirtualService vs = VirtualService.tcp(VIP, 80).scheduler(SchedulerKind.RR).build();
        final Service service = Service.of(vs, SchedulerFactory.create(vs, SchedulerOptions.DEFAULTS),
            List.of(RealServer.of(RS1, 8080, ForwardingMethod.NAT, 1, 0, 0), RealServer.of(RS2, 80, ForwardingMethod.DR, 1, 0, 0)));
        final ForwardingConfig config = new ForwardingConfig().portMac(DIRECTOR_MAC).capacity(64, 64).wheel(10_000_000L, 256)
            .staticMac(RS1, 0x02_00_00_00_0A_01L).staticMac(RS2, 0x02_00_00_00_0A_02L).timeouts(new Timeouts()).service(service);
        final ForwardingCore core = new ForwardingCore(config, (b, o, l) -> { }, System.nanoTime());
        int clientPort = 40000;
        for (final IpAddress client : List.of(CLIENT1, CLIENT1, CLIENT2, CLIENT2))
        {
            final byte[] syn = FrameWriter.frame().macs(0x02_00_00_00_0C_01L, DIRECTOR_MAC).ip(client, VIP)
                .tcp(clientPort++, 80, TcpHeader.SYN, 1, 0, new byte[0]);
            assertThat(core.process(new UnsafeBuffer(syn), 0, syn.length, System.nanoTime())).isEqualTo(Verdict.FORWARDED);
        }

        final Page<ConnectionEntry> all = FleetdControl.tablePage(core, ConnectionFilter.ALL, 0, 10);
        assertThat(all.total()).isEqualTo(4);
        assertThat(all.items()).allMatch(e -> e.protocol() == Protocol.TCP && e.state().equals("SYN_RECV") && !e.template()
            && e.vip().equals(VIP) && e.vport() == 80 && e.expiresInMs() > 0 && e.expiresInMs() <= 60_000);
        assertThat(all.items()).filteredOn(e -> e.realServer().equals(RS1))
            .allMatch(e -> e.realPort() == 8080 && e.method() == ForwardingMethod.NAT).hasSize(2);

        final Page<ConnectionEntry> toRs2FromClient2 = FleetdControl.tablePage(core, new ConnectionFilter(null, RS2, CLIENT2), 0, 10);
        assertThat(toRs2FromClient2.total()).isEqualTo(1);
        assertThat(toRs2FromClient2.items()).singleElement().matches(e -> e.method() == ForwardingMethod.DR && e.realPort() == 80);

        final Page<ConnectionEntry> second = FleetdControl.tablePage(core, ConnectionFilter.ALL, 3, 2);
        assertThat(second.total()).isEqualTo(4);
        assertThat(second.offset()).isEqualTo(3);
        assertThat(second.items()).hasSize(1);
        assertThat(FleetdControl.tablePage(core, new ConnectionFilter(IpAddress.parse("vip", "198.51.100.99"), null, null), 0, 10)
            .total()).isZero();
    }
}
