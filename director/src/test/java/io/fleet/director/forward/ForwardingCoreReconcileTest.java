package io.fleet.director.forward;

import io.fleet.director.packet.TcpHeader;
import io.fleet.director.service.FlowKey;
import io.fleet.director.service.ForwardingMethod;
import io.fleet.director.service.IpAddress;
import io.fleet.director.service.RealServer;
import io.fleet.director.service.SchedulerKind;
import io.fleet.director.service.Service;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.fleet.director.forward.CoreHarness.CLIENT;
import static io.fleet.director.forward.CoreHarness.RS1;
import static io.fleet.director.forward.CoreHarness.RS1_MAC;
import static io.fleet.director.forward.CoreHarness.RS2;
import static io.fleet.director.forward.CoreHarness.RS2_MAC;
import static io.fleet.director.forward.CoreHarness.VIP;
import static io.fleet.director.forward.CoreHarness.config;
import static io.fleet.director.forward.CoreHarness.fromClient;
import static io.fleet.director.forward.CoreHarness.fromDirector;
import static io.fleet.director.forward.CoreHarness.rs;
import static io.fleet.director.forward.CoreHarness.service;
import static io.fleet.director.forward.CoreHarness.tcp;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A running core brought to new services by {@link ForwardingCore#reconcile}: established connections keep their
 * real server (also one that was removed, until it ends: IPVS's trash), edits reach the schedulers, services come
 * and go.
 */
class ForwardingCoreReconcileTest
{
    static final IpAddress VIP2 = IpAddress.parse("vip", "198.51.100.20");
    static final byte[] DATA = "hello".getBytes();

    private static byte[] syn(final int clientPort, final IpAddress vip, final int port)
    {
        return fromClient(CLIENT, vip).tcp(clientPort, port, TcpHeader.SYN, 1000, 0, new byte[0]);
    }

    private static byte[] data(final int clientPort)
    {
        return fromClient(CLIENT, VIP).tcp(clientPort, 80, TcpHeader.ACK | TcpHeader.PSH, 1001, 5000, DATA);
    }

    private static byte[] toServer(final long mac, final int clientPort)
    {
        return fromDirector(mac, CLIENT, VIP).tcp(clientPort, 80, TcpHeader.ACK | TcpHeader.PSH, 1001, 5000, DATA);
    }

    private static RealServer weighted(final IpAddress a, final int weight)
    {
        return RealServer.of(a, 80, ForwardingMethod.DR, weight, 0, 0);
    }

    private static int destinationOf(final CoreHarness h, final int clientPort)
    {
        final int e = h.core.table(false).find(new FlowKey().ipv4(6, CLIENT.ipv4(), clientPort, VIP.ipv4(), 80));
        return h.core.table(false).dest(e);
    }

    @Test
    void shouldKeepAnEstablishedConnectionOnItsServerWhenWeightsChangeAndServersAreAdded()
    {
        final CoreHarness h = new CoreHarness(config(service(tcp(VIP, 80, SchedulerKind.RR),
            rs(RS1, 80, ForwardingMethod.DR), rs(RS2, 80, ForwardingMethod.DR))));
        assertThat(h.send(syn(40000, VIP, 80))).isEqualTo(Verdict.FORWARDED);
        assertThat(h.send(data(40000))).isEqualTo(Verdict.FORWARDED);
        assertThat(h.only()).isEqualTo(toServer(RS1_MAC, 40000));
        final Destination before = h.core.destination(destinationOf(h, 40000));

        final List<String> problems = h.core.reconcile(List.of(service(tcp(VIP, 80, SchedulerKind.WRR),
            weighted(RS2, 3), weighted(RS1, 0), weighted(IpAddress.parse("rs", "192.0.2.13"), 1))));

        assertThat(problems).isEmpty();
        assertThat(h.send(data(40000))).isEqualTo(Verdict.FORWARDED);
        assertThat(h.only()).as("same connection, same real server").isEqualTo(toServer(RS1_MAC, 40000));
        assertThat(h.core.destination(destinationOf(h, 40000))).as("same destination object").isSameAs(before);
        assertThat(before.server().weight()).isZero();
        assertThat(before.server().activeConnections()).as("its connection still counted").isEqualTo(1);
        assertThat(h.core.service(0).virtualService().scheduler()).isEqualTo(SchedulerKind.WRR);
        assertThat(h.core.service(0).realServers()).extracting(RealServer::endpoint)
            .containsExactly("192.0.2.12:80", "192.0.2.11:80", "192.0.2.13:80");
        // Weight 0 on RS1: new connections go to RS2 and the new RS3 (3:1), never to RS1.
        h.core.learn(IpAddress.parse("rs", "192.0.2.13"), 0x02_00_00_00_0A_03L);
        int toRs2 = 0;
        for (int port = 41000; port < 41008; port++)
        {
            assertThat(h.send(syn(port, VIP, 80))).isEqualTo(Verdict.FORWARDED);
            final IpAddress picked = h.core.destination(destinationOf(h, port)).server().address();
            assertThat(picked).isNotEqualTo(RS1);
            toRs2 += picked.equals(RS2) ? 1 : 0;
        }
        assertThat(toRs2).isEqualTo(6);
    }

    @Test
    void aRemovedServerShouldCarryItsConnectionUntilItEndsAndThenLeaveTheTrash()
    {
        final CoreHarness h = new CoreHarness(config(service(tcp(VIP, 80, SchedulerKind.RR),
            rs(RS1, 80, ForwardingMethod.DR), rs(RS2, 80, ForwardingMethod.DR))));
        h.send(syn(40000, VIP, 80));
        h.send(data(40000));

        h.core.reconcile(List.of(service(tcp(VIP, 80, SchedulerKind.RR), weighted(RS2, 1))));

        assertThat(h.core.trashedDestinations()).isEqualTo(1);
        assertThat(h.send(data(40000))).isEqualTo(Verdict.FORWARDED);
        assertThat(h.only()).as("the removed server's connection drains to it").isEqualTo(toServer(RS1_MAC, 40000));
        assertThat(h.send(syn(40001, VIP, 80))).isEqualTo(Verdict.FORWARDED);
        assertThat(h.core.destination(destinationOf(h, 40001)).server().address()).as("new ones avoid it").isEqualTo(RS2);
        final long[] counters = new long[7];
        h.core.serviceCounters(0, counters);
        assertThat(counters[0]).as("the service now sums RS2 only").isEqualTo(1);

        h.advance(16 * 60 * 1_000_000_000L);
        assertThat(h.core.table(false).size()).isZero();
        assertThat(h.core.trashedDestinations()).isZero();
    }

    @Test
    void aServerAddedBackWhileInTheTrashShouldBeTheSameDestinationWithItsConnections()
    {
        final CoreHarness h = new CoreHarness(config(service(tcp(VIP, 80, SchedulerKind.RR),
            rs(RS1, 80, ForwardingMethod.DR), rs(RS2, 80, ForwardingMethod.DR))));
        h.send(syn(40000, VIP, 80));
        h.send(data(40000));
        final Destination rs1 = h.core.destination(destinationOf(h, 40000));

        h.core.reconcile(List.of(service(tcp(VIP, 80, SchedulerKind.RR), weighted(RS2, 1))));
        h.core.reconcile(List.of(service(tcp(VIP, 80, SchedulerKind.RR), weighted(RS1, 4), weighted(RS2, 1))));

        assertThat(h.core.trashedDestinations()).isZero();
        assertThat(h.core.destination(h.core.serviceDestinations(0)[0])).isSameAs(rs1);
        assertThat(rs1.server().weight()).isEqualTo(4);
        assertThat(rs1.server().activeConnections()).isEqualTo(1);
        assertThat(h.send(data(40000))).isEqualTo(Verdict.FORWARDED);
        assertThat(h.only()).isEqualTo(toServer(RS1_MAC, 40000));
    }

    @Test
    void shouldAddAndRemoveWholeServices()
    {
        final CoreHarness h = new CoreHarness(config(service(tcp(VIP, 80, SchedulerKind.RR), rs(RS1, 80, ForwardingMethod.DR))));
        assertThat(h.send(syn(40000, VIP2, 443))).isEqualTo(Verdict.DROP_NOT_FOR_US);

        final Service web = service(tcp(VIP, 80, SchedulerKind.RR), rs(RS1, 80, ForwardingMethod.DR));
        final Service tls = service(tcp(VIP2, 443, SchedulerKind.RR), RealServer.of(RS2, 443, ForwardingMethod.DR, 1, 0, 0));
        assertThat(h.core.reconcile(List.of(web, tls))).isEmpty();

        assertThat(h.core.serviceCount()).isEqualTo(2);
        assertThat(h.send(syn(40000, VIP2, 443))).isEqualTo(Verdict.FORWARDED);
        assertThat(h.only()).isEqualTo(fromDirector(RS2_MAC, CLIENT, VIP2).tcp(40000, 443, TcpHeader.SYN, 1000, 0, new byte[0]));
        assertThat(h.core.heldVips()).containsExactly(VIP, VIP2);

        h.core.reconcile(List.of(service(tcp(VIP, 80, SchedulerKind.RR), rs(RS1, 80, ForwardingMethod.DR))));

        assertThat(h.core.serviceCount()).isEqualTo(1);
        assertThat(h.send(syn(40001, VIP2, 443))).as("the VIP is no longer answered").isEqualTo(Verdict.DROP_NOT_FOR_US);
        assertThat(h.core.trashedDestinations()).as("RS2 keeps its connection on the removed service").isEqualTo(1);
    }

    @Test
    void aPersistenceTemplateOnARemovedServerShouldNotPinNewConnectionsToIt()
    {
        final io.fleet.director.service.VirtualService sticky = io.fleet.director.service.VirtualService.tcp(VIP, 80)
            .scheduler(SchedulerKind.RR).persistence(300).build();
        final CoreHarness h = new CoreHarness(config(service(sticky, rs(RS1, 80, ForwardingMethod.DR), rs(RS2, 80, ForwardingMethod.DR))));
        h.send(syn(40000, VIP, 80));
        assertThat(h.core.destination(destinationOf(h, 40000)).server().address()).isEqualTo(RS1);

        h.core.reconcile(List.of(service(sticky, weighted(RS2, 1))));

        assertThat(h.send(syn(40001, VIP, 80))).isEqualTo(Verdict.FORWARDED);
        assertThat(h.core.destination(destinationOf(h, 40001)).server().address()).isEqualTo(RS2);
    }

    @Test
    void aServerThatDoesNotFitShouldBeReportedAndTheRestApplied()
    {
        final CoreHarness h = new CoreHarness(config(service(tcp(VIP, 80, SchedulerKind.RR), rs(RS1, 80, ForwardingMethod.DR))));
        // A Service template cannot even hold a misfit, so the misfit comes as a second service given twice.
        final List<String> problems = h.core.reconcile(List.of(
            service(tcp(VIP, 80, SchedulerKind.RR), weighted(RS1, 2)),
            service(tcp(VIP, 80, SchedulerKind.WLC), weighted(RS2, 1))));
        assertThat(problems).singleElement().asString().contains("given twice");
        assertThat(h.core.service(0).realServers()).extracting(RealServer::weight).containsExactly(2);
    }
}
