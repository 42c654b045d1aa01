package io.fleet.director.admin;

import com.fasterxml.jackson.databind.JsonNode;
import io.fleet.director.control.ClusterStatus;
import io.fleet.director.control.Endpoint;
import io.fleet.director.control.HealthStatus;
import io.fleet.director.control.PortStatus;
import io.fleet.director.control.ServiceId;
import io.fleet.director.control.SyncStatus;
import io.fleet.director.control.Traffic;
import io.fleet.director.service.IpAddress;
import io.fleet.director.service.Protocol;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code /metrics} as a scraper sees it: the token rule, the content type, and the text parsed by the reference
 * Prometheus text-format parser (Debian's python3-prometheus-client, which {@code ./fleet test} installs).
 */
@Timeout(60)
class MetricsTest
{
    private static final ServiceId WEB = ServiceId.parse("t", "tcp:192.0.2.10:80");
    private static final String PARSER = String.join("\n",
        "import sys, json",
        "from prometheus_client.parser import text_string_to_metric_families",
        "out = {}",
        "for f in text_string_to_metric_families(sys.stdin.read()):",
        "    out[f.name] = {'type': f.type, 'help': f.documentation,",
        "                   'samples': [{'name': s.name, 'labels': s.labels, 'value': s.value} for s in f.samples]}",
        "print(json.dumps(out))");

    private static AdminFixture fx;

    @BeforeAll
    static void start() throws Exception
    {
        fx = new AdminFixture();
        final InMemoryDirectorControl c = fx.control;
        c.addService(io.fleet.director.service.VirtualService.tcp(IpAddress.parse("v", "192.0.2.10"), 80).build())
            .toCompletableFuture().join();
        c.addRealServer(WEB, new io.fleet.director.control.RealServerSpec(IpAddress.parse("r", "192.0.2.11"), 80,
            io.fleet.director.service.ForwardingMethod.DR, 2, 0, 0)).toCompletableFuture().join();
        c.traffic(WEB, new Traffic(38, 228, 0, 15086, 0, 1, 6, 0, 397, 0));
        c.realServer(WEB, Endpoint.parse("r", "192.0.2.11:80", true), new InMemoryDirectorControl.RealServerCounters(
            "down", 4, 7, 1, new Traffic(19, 114, 0, 7543, 0, 0, 0, 0, 0, 0)));
        c.health(List.of(new HealthStatus(WEB, Endpoint.parse("r", "192.0.2.11:80", true), "HTTP_GET", false,
            Map.of("127.0.0.1:25521", false, "127.0.0.1:25522", true, "127.0.0.1:25523", false), "majority", false, 1L)));
        c.ports(List.of(new PortStatus("eth0", "pcap", 1000, 990, Map.of("no_service", 7L, "bad_checksum", 3L))));
        c.sync(new SyncStatus(12, 3400, 3300, 1.5, 20, 2, 0));
        c.cluster(new ClusterStatus("127.0.0.1:25521", List.of(
            new ClusterStatus.Member("127.0.0.1:25521", "up", true, List.of()),
            new ClusterStatus.Member("127.0.0.1:25522", "up", true, List.of()),
            new ClusterStatus.Member("127.0.0.1:25523", "up", false, List.of())),
            List.of(new ClusterStatus.VipGroupStatus("web", List.of("192.0.2.10"), "127.0.0.1:25521", "MASTER")), 3),
            List.of(IpAddress.parse("v", "192.0.2.10")));
    }

    @AfterAll
    static void stop() throws Exception
    {
        fx.close();
    }

    @Test
    void shouldNeedTheTokenByDefault() throws Exception
    {
        assertThat(fx.send("GET", "/metrics", null, null).statusCode()).isEqualTo(401);
        assertThat(fx.send("POST", "/metrics", "", AdminFixture.TOKEN).statusCode()).isEqualTo(405);
    }

    @Test
    void shouldServeWithoutTokenWhenConfigured() throws Exception
    {
        try (AdminFixture open = new AdminFixture(false))
        {
            assertThat(open.send("GET", "/metrics", null, null).statusCode()).isEqualTo(200);
            assertThat(open.send("GET", "/v1/services", null, null).statusCode()).as("only /metrics opens").isEqualTo(401);
        }
    }

    @Test
    void shouldWriteTheTextFormatWithConventionalNames() throws Exception
    {
        final HttpResponse<String> r = fx.send("GET", "/metrics", null);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain").contains("version=0.0.4");
        assertThat(r.body()).contains(
            "# TYPE fleet_service_connections_total counter",
            "fleet_service_connections_total{service=\"tcp:192.0.2.10:80\"} 38",
            "fleet_service_bytes_total{direction=\"in\",service=\"tcp:192.0.2.10:80\"} 15086",
            "fleet_real_server_active_connections{real_server=\"192.0.2.11:80\",service=\"tcp:192.0.2.10:80\"} 4",
            "fleet_port_drops_total{port=\"eth0\",reason=\"no_service\"} 7",
            "fleet_election_transitions_total 3");
    }

    @Test
    void shouldParseWithThePrometheusParser() throws Exception
    {
        final Path python = Path.of("/usr/bin/python3");
        assumeTrue(Files.isExecutable(python) && run(python, "import prometheus_client.parser", "").exit == 0,
            "python3-prometheus-client is not installed (apt-get install -y python3-prometheus-client; ./fleet test does it)");
        final String text = fx.send("GET", "/metrics", null).body();
        final Result parsed = run(python, PARSER, text);
        assertThat(parsed.exit).as(parsed.err).isZero();
        final JsonNode m = JsonCodec.MAPPER.readTree(parsed.out);

        assertThat(m.get("fleet_service_connections").get("type").asText()).isEqualTo("counter");
        assertThat(value(m, "fleet_service_connections", "fleet_service_connections_total", Map.of("service", WEB.toString())))
            .isEqualTo(38);
        assertThat(value(m, "fleet_service_packets", "fleet_service_packets_total",
            Map.of("service", WEB.toString(), "direction", "in"))).isEqualTo(228);
        assertThat(value(m, "fleet_real_server_bytes", "fleet_real_server_bytes_total",
            Map.of("service", WEB.toString(), "real_server", "192.0.2.11:80", "direction", "in"))).isEqualTo(7543);
        final Map<String, String> rs = Map.of("service", WEB.toString(), "real_server", "192.0.2.11:80");
        assertThat(m.get("fleet_real_server_inactive_connections").get("type").asText()).isEqualTo("gauge");
        assertThat(value(m, "fleet_real_server_inactive_connections", "fleet_real_server_inactive_connections", rs)).isEqualTo(7);
        assertThat(value(m, "fleet_real_server_weight", "fleet_real_server_weight", rs)).isEqualTo(2);
        assertThat(value(m, "fleet_real_server_effective_weight", "fleet_real_server_effective_weight", rs))
            .as("down and inhibited").isZero();
        assertThat(value(m, "fleet_real_server_health_state", "fleet_real_server_health_state",
            Map.of("service", WEB.toString(), "real_server", "192.0.2.11:80", "state", "down"))).isEqualTo(1);
        assertThat(value(m, "fleet_health_votes_up", "fleet_health_votes_up", rs)).isEqualTo(1);
        assertThat(value(m, "fleet_port_frames", "fleet_port_frames_total",
            Map.of("port", "eth0", "kind", "pcap", "direction", "out"))).isEqualTo(990);
        assertThat(value(m, "fleet_port_drops", "fleet_port_drops_total", Map.of("port", "eth0", "reason", "bad_checksum")))
            .isEqualTo(3);
        assertThat(value(m, "fleet_sync_backlog_records", "fleet_sync_backlog_records", Map.of())).isEqualTo(12);
        assertThat(value(m, "fleet_sync_lag_p99_seconds", "fleet_sync_lag_p99_seconds", Map.of())).isEqualTo(0.02);
        assertThat(value(m, "fleet_sync_records", "fleet_sync_records_total", Map.of("direction", "received"))).isEqualTo(3300);
        assertThat(value(m, "fleet_cluster_members", "fleet_cluster_members", Map.of("state", "up"))).isEqualTo(3);
        assertThat(value(m, "fleet_cluster_members", "fleet_cluster_members", Map.of("state", "leaving"))).isZero();
        assertThat(value(m, "fleet_cluster_unreachable_members", "fleet_cluster_unreachable_members", Map.of())).isEqualTo(1);
        assertThat(value(m, "fleet_vip_holder", "fleet_vip_holder",
            Map.of("group", "web", "vip", "192.0.2.10", "holder", "127.0.0.1:25521"))).isEqualTo(1);
        assertThat(value(m, "fleet_vip_held", "fleet_vip_held", Map.of("group", "web", "vip", "192.0.2.10"))).isEqualTo(1);
        assertThat(value(m, "fleet_election_transitions", "fleet_election_transitions_total", Map.of())).isEqualTo(3);
        // Every family has help text and every name the fleet_ prefix.
        m.fields().forEachRemaining(e ->
        {
            assertThat(e.getKey()).startsWith("fleet_");
            assertThat(e.getValue().get("help").asText()).isNotBlank();
        });
    }

    private static double value(final JsonNode m, final String family, final String sample, final Map<String, String> labels)
    {
        assertThat(m.has(family)).as("family %s in %s", family, m.fieldNames()).isTrue();
        for (final JsonNode s : m.get(family).get("samples"))
        {
            if (s.get("name").asText().equals(sample)
                && JsonCodec.MAPPER.convertValue(s.get("labels"), Map.class).equals(labels))
            {
                return s.get("value").asDouble();
            }
        }
        throw new AssertionError("no sample " + sample + labels + " in " + m.get(family));
    }

    private record Result(int exit, String out, String err)
    {
    }

    private static Result run(final Path python, final String script, final String stdin) throws IOException, InterruptedException
    {
        final Process p = new ProcessBuilder(python.toString(), "-c", script).start();
        try
        {
            p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
            p.getOutputStream().close();
            final String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            final String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
            return new Result(p.exitValue(), out, err);
        }
        finally
        {
            p.destroyForcibly();
        }
    }
}
