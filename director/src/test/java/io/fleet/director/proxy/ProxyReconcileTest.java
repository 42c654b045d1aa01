package io.fleet.director.proxy;

import io.fleet.director.demo.FreePorts;
import io.fleet.director.service.SchedulerKind;
import io.fleet.director.service.VirtualService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.util.List;

import static io.fleet.director.proxy.ProxyFixture.VIP;
import static io.fleet.director.proxy.ProxyFixture.eventually;
import static io.fleet.director.proxy.ProxyFixture.ip;
import static io.fleet.director.proxy.ProxyFixture.rs;
import static io.fleet.director.proxy.ProxyFixture.service;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A running proxy brought to new services by {@link ProxyServer#reconcile}: a service added on a held VIP listens at
 * once, a removed one stops listening, a real server taken out of a service keeps the connection it carries, and
 * counters of what stays go on.
 */
@Timeout(30)
class ProxyReconcileTest
{
    private HttpBackend a;
    private HttpBackend b;
    private ProxyServer proxy;

    @BeforeEach
    void startRealServers() throws IOException
    {
        a = HttpBackend.start("A", "127.0.0.11");
        b = HttpBackend.start("B", "127.0.0.12");
    }

    @AfterEach
    void stopEverything()
    {
        if (proxy != null)
        {
            proxy.stop();
        }
        a.close();
        b.close();
    }

    @Test
    void shouldAddAndRemoveServicesAndKeepARemovedServersConnection() throws Exception
    {
        final int webPort = FreePorts.next();
        final int apiPort = FreePorts.next();
        final VirtualService web = VirtualService.tcp(ip(VIP), webPort).scheduler(SchedulerKind.RR).build();
        final VirtualService api = VirtualService.tcp(ip(VIP), apiPort).scheduler(SchedulerKind.RR).build();
        final InetSocketAddress webAddress = new InetSocketAddress(VIP, webPort);
        final InetSocketAddress apiAddress = new InetSocketAddress(VIP, apiPort);
        proxy = ProxyServer.start(ProxyConfig.defaults().eventLoopThreads(2), List.of(service(web, rs("127.0.0.11", a.port(), 1))));
        proxy.bind(ip(VIP));

        try (HttpConnection kept = HttpConnection.open(webAddress))
        {
            assertThat(kept.text("GET", "/", null)).isEqualTo("A");
            eventually(() -> assertThat(proxy.connections()).singleElement()
                .matches(ProxyConnection::established).matches(c -> c.realPort() == a.port()));

            final List<String> problems = proxy.reconcile(List.of(
                service(web, rs("127.0.0.12", b.port(), 1)),
                service(api, rs("127.0.0.11", a.port(), 1))));

            assertThat(problems).isEmpty();
            assertThat(proxy.services()).containsExactly(web, api);
            assertThat(HttpConnection.get(apiAddress, "/")).as("the new service listens on the held VIP").isEqualTo("A");
            assertThat(HttpConnection.get(webAddress, "/")).as("new connections go to the new server").isEqualTo("B");
            assertThat(kept.text("GET", "/", null)).as("the removed server's connection goes on").isEqualTo("A");
            eventually(() -> assertThat(proxy.counters(web).connections()).isEqualTo(2));
        }

        proxy.reconcile(List.of(service(web, rs("127.0.0.12", b.port(), 1))));

        assertThatThrownBy(() -> HttpConnection.get(apiAddress, "/")).isInstanceOf(ConnectException.class);
        assertThat(HttpConnection.get(webAddress, "/")).isEqualTo("B");
        assertThat(proxy.heldVips()).containsExactly(ip(VIP));
    }

    @Test
    void aServiceAddedOnAVipNotHeldShouldWaitForTheElection() throws Exception
    {
        final int port = FreePorts.next();
        final VirtualService web = VirtualService.tcp(ip(VIP), port).scheduler(SchedulerKind.RR).build();
        proxy = ProxyServer.start(ProxyConfig.defaults().eventLoopThreads(1), List.of());

        proxy.reconcile(List.of(service(web, rs("127.0.0.11", a.port(), 1))));

        assertThat(proxy.bound(ip(VIP))).isFalse();
        proxy.bind(ip(VIP));
        assertThat(HttpConnection.get(new InetSocketAddress(VIP, port), "/")).isEqualTo("A");
    }
}
