package io.fleet.director.daemon;

import com.sun.net.httpserver.HttpServer;
import io.fleet.director.demo.FreePorts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
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

/**
 * Reload and the replicated catalog with real {@code fleet run} processes in proxy mode on loopback: a bad file sent
 * by SIGHUP is refused and the director goes on serving; a good one is applied as a difference; a change reloaded
 * on director A reaches director C through the catalog, and survives a restart of the whole fleet.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class FleetdReloadTest
{
    static final String VIP = "127.0.0.121";

    @TempDir
    Path dir;

    private final List<HttpServer> backends = new ArrayList<>();
    private int portA;
    private int portB;

    @BeforeEach
    void startRealServers() throws IOException
    {
        portA = backend("A", "127.0.0.11");
        portB = backend("B", "127.0.0.12");
    }

    @AfterEach
    void stopRealServers()
    {
        backends.forEach(s -> s.stop(0));
    }

    private int backend(final String name, final String address) throws IOException
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

    private final int[] adminPorts = {FreePorts.next(), FreePorts.next(), FreePorts.next()};
    private static final String TOKEN = "fleet-test-token-0123456789";

    private HttpResponse<String> admin(final int director, final String method, final String path, final String body,
        final boolean token) throws Exception
    {
        final HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPorts[director] + path))
            .timeout(Duration.ofSeconds(10))
            .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (token)
        {
            b.header("Authorization", "Bearer " + TOKEN);
        }
        return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private String config(final int self, final int[] cluster, final int vipPort, final String realServers)
    {
        final StringBuilder seeds = new StringBuilder();
        final StringBuilder prio = new StringBuilder();
        for (int j = 0; j < cluster.length; j++)
        {
            seeds.append(j == 0 ? "" : ", ").append("\"127.0.0.1:").append(cluster[j]).append('"');
            prio.append(j == 0 ? "" : ", ").append("\"127.0.0.1:").append(cluster[j]).append("\" = ").append(150 - 50 * j);
        }
        return String.join("\n",
            "fleet.sync.node { hostname = \"127.0.0.1\", port = " + cluster[self] + ", seed-nodes = [" + seeds + "] }",
            "fleet.sync.catalog.durable-dir = \"" + dir.resolve("ddata-" + self) + "\"",
            "fleet.vrrp.stable-after = 1s",
            "fleet.admin { port = " + adminPorts[self] + ", token-file = \"" + dir.resolve("admin.token") + "\" }",
            "fleet.vrrp.groups = [ { name = web, addresses = [\"" + VIP + "\"], priority = 100, preempt = true,",
            "  priorities { " + prio + " } } ]",
            "director { mode = proxy }",
            "services = [ {",
            "  protocol = tcp, vip = \"" + VIP + "\", port = " + vipPort + ", scheduler = rr",
            "  real-servers = [",
            realServers,
            "  ]",
            "} ]",
            "");
    }

    private String serverA(final int weight)
    {
        return "    { address = \"127.0.0.11\", port = " + portA + ", method = nat, weight = " + weight + " }";
    }

    private String serverB()
    {
        return "    { address = \"127.0.0.12\", port = " + portB + ", method = nat }";
    }

    private static String get(final int port) throws IOException
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

    @BeforeEach
    void token() throws IOException
    {
        Files.writeString(dir.resolve("admin.token"), TOKEN + "\n");
    }

    @Test
    void aBadFileShouldBeRefusedWhileServingAndAGoodOneAppliedAsADifference() throws Exception
    {
        final int[] cluster = {FreePorts.next()};
        final int vipPort = FreePorts.next();
        try (Directors d = new Directors(dir))
        {
            final int a = d.start("a", config(0, cluster, vipPort, serverA(1)));
            assertThat(d.await(a, 0, l -> l.startsWith("ROLE web MASTER"), 60_000)).as(d.dump()).isNotNull();
            assertThat(get(vipPort)).isEqualTo("A");

            // A weight that is no number and an unknown key: both reported with file and line, nothing applied.
            int mark = d.mark(a);
            Files.writeString(d.file("a"), config(0, cluster, vipPort,
                "    { address = \"127.0.0.11\", port = " + portA + ", method = nat, weight = heavy, colour = blue }"));
            d.signal(a, "HUP");
            final Directors.Line refused = d.await(a, mark, l -> l.startsWith("RELOAD "), 20_000);
            assertThat(refused).as(d.dump()).isNotNull();
            assertThat(refused.text()).startsWith("RELOAD refused 2 ").contains(d.file("a") + ":11: services[0].real-servers[0].weight: must be a whole number")
                .contains("services[0].real-servers[0].colour: unknown key");
            assertThat(get(vipPort)).as("still serving the running configuration").isEqualTo("A");

            mark = d.mark(a);
            Files.writeString(d.file("a"), config(0, cluster, vipPort, serverA(2) + "\n" + serverB()));
            d.signal(a, "HUP");
            final Directors.Line applied = d.await(a, mark, l -> l.startsWith("RELOAD "), 20_000);
            assertThat(applied).as(d.dump()).isNotNull();
            assertThat(applied.text()).startsWith("RELOAD applied 2 ").contains("weight 1->2").contains("+real-server");
            assertThat(d.await(a, mark, l -> l.startsWith("SERVICES ") && l.contains("127.0.0.12:" + portB), 10_000))
                .as(d.dump()).isNotNull();
            final List<String> answers = new ArrayList<>();
            for (int i = 0; i < 4; i++)
            {
                answers.add(get(vipPort));
            }
            assertThat(answers).as("rr over both servers now").contains("A", "B");
        }
    }

    @Test
    void aChangeReloadedOnOneDirectorShouldReachTheOthersAndSurviveAWholeFleetRestart() throws Exception
    {
        final int[] cluster = {FreePorts.next(), FreePorts.next(), FreePorts.next()};
        final int vipPort = FreePorts.next();
        final String[] names = {"a", "b", "c"};
        final String original = serverA(1);
        try (Directors d = new Directors(dir))
        {
            for (int i = 0; i < 3; i++)
            {
                d.start(names[i], config(i, cluster, vipPort, original));
            }
            final long startNs = System.nanoTime();
            for (int i = 0; i < 3; i++)
            {
                assertThat(d.await(i, 0, l -> l.startsWith("READY "), 90_000)).as(d.dump()).isNotNull();
            }
            // Every director has joined and seeded or read the fleet's catalog (it then prints what it applies),
            // deciding on a majority read, not on a fallback to its local copy.
            for (int i = 0; i < 3; i++)
            {
                assertThat(d.await(i, 0, l -> l.startsWith("SERVICES "), 90_000)).as(d.dump()).isNotNull();
                assertThat(d.await(i, 0, l -> l.equals("CATALOG seeded majority") || l.equals("CATALOG followed majority"), 30_000))
                    .as(d.dump()).isNotNull();
            }
            System.out.printf("fleet ready in %d ms%n", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs));
            final int markA = d.mark(0);
            final int markC = d.mark(2);
            Files.writeString(d.file("a"), config(0, cluster, vipPort, serverA(1) + "\n" + serverB()));
            final long hupNs = System.nanoTime();
            d.signal(0, "HUP");
            final Directors.Line onA = d.await(0, markA, l -> l.startsWith("SERVICES ") && l.contains("127.0.0.12:" + portB), 30_000);
            assertThat(onA).as(d.dump()).isNotNull();
            final Directors.Line onC = d.await(2, markC, l -> l.startsWith("SERVICES ") && l.contains("127.0.0.12:" + portB), 10_000);
            assertThat(onC).as(d.dump()).isNotNull();
            assertThat(d.await(0, markA, l -> l.startsWith("RELOAD applied 1 +real-server"), 10_000)).as(d.dump()).isNotNull();
            final long lagMs = TimeUnit.NANOSECONDS.toMillis(onC.atNs() - onA.atNs());
            System.out.printf("catalog change: applied on A %d ms after SIGHUP, on C %d ms after A (load %s)%n",
                TimeUnit.NANOSECONDS.toMillis(onA.atNs() - hupNs), lagMs, Files.readString(Path.of("/proc/loadavg")).trim());
            assertThat(lagMs).as("C applies the change A applied within 1 s").isLessThan(1_000);

            // The admin API: a change made on director A is listed on director C; a bad write is refused naming
            // the field and changes nothing; no token, no answer.
            final String id = "tcp:" + VIP + ":" + vipPort;
            assertThat(admin(2, "GET", "/v1/services", null, false).statusCode()).isEqualTo(401);
            final HttpResponse<String> bad = admin(0, "POST", "/v1/services/" + id + "/real-servers",
                "{\"address\":\"127.0.0.13\",\"port\":" + portB + ",\"method\":\"nat\",\"weight\":70000}", true);
            assertThat(bad.statusCode()).as(bad.body()).isEqualTo(400);
            assertThat(bad.body()).contains("\"field\"").contains("weight");
            final long postNs = System.nanoTime();
            final HttpResponse<String> added = admin(0, "POST", "/v1/services/" + id + "/real-servers",
                "{\"address\":\"127.0.0.13\",\"port\":" + portB + ",\"method\":\"nat\",\"weight\":2}", true);
            assertThat(added.statusCode()).as(added.body()).isEqualTo(201);
            String onCList = "";
            while (System.nanoTime() - postNs < TimeUnit.SECONDS.toNanos(10) && !onCList.contains("127.0.0.13"))
            {
                onCList = admin(2, "GET", "/v1/services/" + id + "/real-servers", null, true).body();
                Thread.sleep(20);
            }
            System.out.printf("admin API: added on A, listed on C after %d ms%n",
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - postNs));
            assertThat(onCList).as("C lists the real server added through A's API").contains("127.0.0.13").doesNotContain("70000");

            // The whole fleet stops and starts again with the files it first had: the catalog (LMDB) keeps the change.
            final long stopNs = System.nanoTime();
            d.stopAll();
            System.out.printf("fleet stopped in %d ms%n", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stopNs));
            for (int i = 0; i < 3; i++)
            {
                Files.writeString(d.file(names[i] + "2"), "");
                d.start(names[i] + "2", config(i, cluster, vipPort, original));
            }
            for (int i = 3; i < 6; i++)
            {
                assertThat(d.await(i, 0, l -> l.startsWith("SERVICES ") && l.contains("127.0.0.12:" + portB), 60_000))
                    .as(d.dump()).isNotNull();
                assertThat(d.printed(i, l -> l.equals("CATALOG followed durable"))).as("applied before the election").isTrue();
            }
            System.out.printf("fleet restarted with the change in %d ms%n", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stopNs));
        }
    }
}
