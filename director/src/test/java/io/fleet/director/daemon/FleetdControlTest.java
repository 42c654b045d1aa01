package io.fleet.director.daemon;

import com.sun.net.httpserver.HttpServer;
import io.fleet.director.control.ClusterStatus;
import io.fleet.director.control.ConnectionEntry;
import io.fleet.director.control.ConnectionFilter;
import io.fleet.director.control.ControlException;
import io.fleet.director.control.Endpoint;
import io.fleet.director.control.Page;
import io.fleet.director.control.RealServerSpec;
import io.fleet.director.control.RealServerStatus;
import io.fleet.director.control.ServiceId;
import io.fleet.director.control.ServiceStatus;
import io.fleet.director.control.TimeoutSettings;
import io.fleet.director.demo.FreePorts;
import io.fleet.director.service.ForwardingMethod;
import io.fleet.director.service.IpAddress;
import io.fleet.director.service.Protocol;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link FleetdControl} on one director in this JVM (proxy mode on loopback, two real HTTP servers): health verdicts
 * change the effective weight, API commands go through the catalog to the proxy, and the reads (services with
 * counters, connections, cluster, held VIPs, timeouts) show the running director.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class FleetdControlTest
{
    static final String VIP = "127.0.0.122";

    @TempDir
    Path dir;

    private final List<HttpServer> backends = new ArrayList<>();
    private Fleetd fleetd;

    @AfterEach
    void stop()
    {
        if (fleetd != null)
        {
            fleetd.close();
        }
        backends.forEach(s -> s.stop(0));
    }

    private int backend(final String name, final String address) throws Exception
    {
        final HttpServer s = HttpServer.create(new InetSocketAddress(address, FreePorts.next()), 16);
        s.createContext("/", exchange ->
        {
            final byte[] body = name.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Connection", "close");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        s.start();
        backends.add(s);
        return s.getAddress().getPort();
    }

    private static String get(final int port) throws Exception
    {
        try (Socket s = new Socket(VIP, port))
        {
            s.setSoTimeout(5_000);
            s.getOutputStream().write("GET / HTTP/1.1\r\nHost: vip\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            final InputStream in = s.getInputStream();
            final String response = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
            return response.substring(response.indexOf("\r\n\r\n") + 4);
        }
    }

    private static void eventually(final ThrowingRunnable assertion) throws Exception
    {
        final long deadline = System.nanoTime() + 10_000_000_000L;
        while (true)
        {
            try
            {
                assertion.run();
                return;
            }
            catch (final AssertionError e)
            {
                if (System.nanoTime() - deadline > 0)
                {
                    throw e;
                }
                Thread.sleep(50);
            }
        }
    }

    private interface ThrowingRunnable
    {
        void run() throws Exception;
    }

    private static RealServerStatus server(final FleetdControl control, final String address)
    {
        return control.services().get(0).realServers().stream()
            .filter(r -> r.spec().address().toString().equals(address)).findFirst().orElseThrow();
    }

    @Test
    void healthVerdictsCommandsAndReadsShouldActOnTheRunningDirector() throws Exception
    {
        final int portA = backend("A", "127.0.0.11");
        final int portB = backend("B", "127.0.0.12");
        final int cluster = FreePorts.next();
        final int vipPort = FreePorts.next();
        final Path file = dir.resolve("fleet.conf");
        Files.writeString(file, String.join("\n",
            "fleet.sync.node { hostname = \"127.0.0.1\", port = " + cluster + ", seed-nodes = [\"127.0.0.1:" + cluster + "\"] }",
            "fleet.sync.catalog.durable-dir = \"" + dir.resolve("ddata") + "\"",
            "fleet.vrrp.stable-after = 200ms",
            "fleet.vrrp.groups = [ { name = web, addresses = [\"" + VIP + "\"], priority = 100, preempt = true } ]",
            "director { mode = proxy }",
            "services = [ { protocol = tcp, vip = \"" + VIP + "\", port = " + vipPort + ", scheduler = rr, real-servers = [",
            "  { address = \"127.0.0.11\", port = " + portA + ", method = nat }",
            "  { address = \"127.0.0.12\", port = " + portB + ", method = nat } ] } ]",
            ""));
        fleetd = Fleetd.start(file.toFile());
        final FleetdControl control = fleetd.control();
        final ServiceId web = new ServiceId(Protocol.TCP, IpAddress.parse("vip", VIP), vipPort);
        eventually(() -> assertThat(control.heldVips()).containsExactly(IpAddress.parse("vip", VIP)));

        // Health: A down (inhibit) -> weight 0, every new connection to B; up again -> configured weight.
        control.healthVerdict(web, new Endpoint(IpAddress.parse("rs", "127.0.0.11"), portA), false, -1, false);
        eventually(() -> assertThat(server(control, "127.0.0.11")).matches(r -> r.effectiveWeight() == 0 && r.health().equals("down")));
        assertThat(List.of(get(vipPort), get(vipPort), get(vipPort))).containsOnly("B");
        control.healthVerdict(web, new Endpoint(IpAddress.parse("rs", "127.0.0.11"), portA), true, -1, false);
        eventually(() -> assertThat(server(control, "127.0.0.11")).matches(r -> r.effectiveWeight() == 1 && r.health().equals("up")));
        assertThat(List.of(get(vipPort), get(vipPort))).contains("A");

        // Counters: every request above is a connection of the service.
        eventually(() -> assertThat(control.services().get(0).traffic().connections()).isEqualTo(5));
        control.zero(null);
        eventually(() -> assertThat(control.services().get(0).traffic().connections()).isZero());

        // Commands go through the catalog: a misfit is refused naming the field, a delete reaches the proxy.
        assertThatThrownBy(() -> control.addRealServer(web,
                new RealServerSpec(IpAddress.parse("rs", "2001:db8::11"), 0, ForwardingMethod.DR, 1, 0, 0)).toCompletableFuture().join())
            .hasCauseInstanceOf(ControlException.class).hasMessageContaining("IPv4");
        control.deleteRealServer(web, new Endpoint(IpAddress.parse("rs", "127.0.0.12"), portB)).toCompletableFuture().get(10, TimeUnit.SECONDS);
        eventually(() -> assertThat(control.services().get(0).realServers()).hasSize(1));
        assertThat(List.of(get(vipPort), get(vipPort))).containsOnly("A");
        assertThatThrownBy(() -> control.deleteService(new ServiceId(Protocol.UDP, IpAddress.parse("vip", VIP), 53))
            .toCompletableFuture().join()).hasCauseInstanceOf(ControlException.class);

        // A connection held open is listed, established, on A.
        try (Socket held = new Socket(VIP, vipPort))
        {
            eventually(() ->
            {
                final Page<ConnectionEntry> page = control.connections(ConnectionFilter.ALL, 0, 10);
                assertThat(page.total()).isEqualTo(1);
                assertThat(page.items().get(0)).matches(c -> c.state().equals("ESTABLISHED") && c.realPort() == portA
                    && c.vport() == vipPort && c.clientPort() == held.getLocalPort());
            });
        }

        final ClusterStatus cluster1 = control.cluster();
        assertThat(cluster1.members()).extracting(ClusterStatus.Member::address).containsExactly(cluster1.self());
        assertThat(cluster1.vipGroups()).singleElement().matches(g -> g.role().equals("MASTER") && cluster1.self().equals(g.holder()));
        assertThat(cluster1.electionTransitions()).isPositive();

        control.setTimeouts(new TimeoutSettings(100, 0, 0)).toCompletableFuture().get();
        assertThat(control.timeouts()).isEqualTo(new TimeoutSettings(100, 120, 300));
        assertThatThrownBy(() -> control.setTimeouts(new TimeoutSettings(-5, 0, 0)).toCompletableFuture().join())
            .hasCauseInstanceOf(ControlException.class).hasMessageContaining("tcp");

        // The file did not change: a reload applies nothing and keeps the API's delete.
        assertThat(control.reload()).matches(r -> r.applied() && r.changes().isEmpty());
        assertThat(control.services().get(0).realServers()).extracting(r -> r.spec().address().toString()).containsExactly("127.0.0.11");
        assertThat(control.ports()).singleElement().matches(p -> p.name().equals("proxy"));
    }
}
