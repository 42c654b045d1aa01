package io.fleet.director.proxy;

import io.fleet.director.proxy.ProxiedService.Binding;
import io.fleet.director.service.RealServer;
import io.fleet.director.service.SchedulerKind;
import io.fleet.director.service.Service;
import io.fleet.director.service.VirtualService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetSocketAddress;

import static io.fleet.director.proxy.ProxyFixture.ip;
import static io.fleet.director.proxy.ProxyFixture.rs;
import static io.fleet.director.proxy.ProxyFixture.service;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Scheduling state of one proxied service, driven by hand with an injected clock: no sockets. */
@Timeout(10)
class ProxiedServiceTest
{
    private static final InetSocketAddress VIP = new InetSocketAddress("127.0.0.100", 80);
    private static final long SECOND_NS = 1_000_000_000L;

    private final RealServer a = rs("127.0.0.11", 8080, 1);
    private final RealServer b = rs("127.0.0.12", 8080, 1);

    private static InetSocketAddress client(final String address, final int port)
    {
        return new InetSocketAddress(address, port);
    }

    @Test
    void shouldCountAConnectionInactiveWhenBoundActiveWhenEstablishedAndInactiveAfterFin()
    {
        final ProxiedService ps = new ProxiedService(service(VirtualService.tcp(ip("127.0.0.100"), 80).build(), a));

        final Binding x = ps.open(client("127.0.0.1", 40000), VIP, 0, false, 0);
        assertThat(new int[] {a.activeConnections(), a.inactiveConnections()}).containsExactly(0, 1);
        ps.established(x);
        assertThat(new int[] {a.activeConnections(), a.inactiveConnections()}).containsExactly(1, 0);
        ps.finishing(x);
        assertThat(new int[] {a.activeConnections(), a.inactiveConnections()}).containsExactly(0, 1);
        ps.closed(x);
        ps.closed(x);
        assertThat(a.totalConnections()).isZero();
        assertThat(ps.counters(ip("127.0.0.11"), 8080).connections()).isEqualTo(1);
        assertThat(ps.counters(ip("127.0.0.11"), 8080).active()).isZero();
    }

    @Test
    void shouldKeepATemplateWhileItPlacesConnectionsAndDropItAfterItsTimeout()
    {
        final VirtualService vs = VirtualService.tcp(ip("127.0.0.100"), 80).scheduler(SchedulerKind.RR)
            .persistence(10).persistenceNetmask(24).build();
        final ProxiedService ps = new ProxiedService(service(vs, a, b));

        final Binding first = ps.open(client("10.0.0.1", 40000), VIP, 0, false, 0);
        // Same /24: the same server, whatever rr would say.
        final Binding second = ps.open(client("10.0.0.2", 40001), VIP, SECOND_NS, false, 0);
        assertThat(second.server).isSameAs(first.server);
        assertThat(first.server.persistentConnections()).isEqualTo(1);

        ps.closed(first);
        ps.expireTemplates(60 * SECOND_NS);
        assertThat(ps.templateCount()).as("a connection it placed is alive").isEqualTo(1);
        ps.closed(second);
        ps.expireTemplates(5 * SECOND_NS);
        assertThat(ps.templateCount()).as("not yet expired").isEqualTo(1);
        ps.expireTemplates(12 * SECOND_NS);
        assertThat(ps.templateCount()).isZero();
        assertThat(first.server.persistentConnections()).isZero();
    }

    @Test
    void shouldMoveAPersistentClientOffAQuiescedServer()
    {
        final VirtualService vs = VirtualService.tcp(ip("127.0.0.100"), 80).scheduler(SchedulerKind.RR)
            .persistence(300).build();
        final Service s = service(vs, a, b);
        final ProxiedService ps = new ProxiedService(s);

        final Binding first = ps.open(client("10.0.0.1", 40000), VIP, 0, false, 0);
        ps.change(svc -> svc.edit(first.server.address(), first.server.port(), null, 0, 0, 0));
        final Binding second = ps.open(client("10.0.0.1", 40001), VIP, 0, false, 0);

        assertThat(second.server).isNotSameAs(first.server);
        assertThat(first.server.persistentConnections()).isZero();
        assertThat(second.server.persistentConnections()).isEqualTo(1);
    }

    @Test
    void shouldKeepAFailedConnectOnItsServerUntilReleasedSoThatWlcTriesAnother()
    {
        final ProxiedService ps = new ProxiedService(service(
            VirtualService.tcp(ip("127.0.0.100"), 80).scheduler(SchedulerKind.WLC).build(), a, b));

        final Binding tried = ps.open(client("10.0.0.1", 40000), VIP, 0, false, 0);
        ps.failed(tried);
        final Binding retry = ps.open(client("10.0.0.1", 40000), VIP, 0, false, 0);

        assertThat(retry.server).isNotSameAs(tried.server);
        ps.closed(tried);
        assertThat(tried.server.totalConnections()).isZero();
        assertThat(ps.counters().connectFailures()).isEqualTo(1);
    }

    @Test
    void shouldRefuseUdpSessionsBeyondTheLimitAndFreeASlotWhenOneCloses()
    {
        final ProxiedService ps = new ProxiedService(service(VirtualService.udp(ip("127.0.0.100"), 53).build(), a));

        final Binding one = ps.open(client("10.0.0.1", 5000), VIP, 0, true, 2);
        ps.open(client("10.0.0.2", 5000), VIP, 0, true, 2);
        assertThat(ps.open(client("10.0.0.3", 5000), VIP, 0, true, 2)).isNull();
        ps.closed(one);
        assertThat(ps.open(client("10.0.0.3", 5000), VIP, 0, true, 2)).isNotNull();
    }

    @Test
    void shouldRefuseServicesAProxyCannotListenFor()
    {
        final VirtualService portless = VirtualService.tcp(ip("127.0.0.100"), 0).persistence().build();
        final VirtualService fwmark = VirtualService.fwmark(7, false).protocol(null).build();

        assertThatThrownBy(() -> new ProxiedService(service(portless, a))).hasMessageContaining("one port");
        assertThatThrownBy(() -> new ProxiedService(service(fwmark, rs("127.0.0.11", 0, 1))))
            .hasMessageContaining("firewall marks");
    }
}
