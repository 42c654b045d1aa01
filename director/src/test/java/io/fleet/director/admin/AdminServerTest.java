package io.fleet.director.admin;

import com.fasterxml.jackson.databind.JsonNode;
import io.fleet.director.control.ConnectionEntry;
import io.fleet.director.control.ReloadResult;
import io.fleet.director.service.ForwardingMethod;
import io.fleet.director.service.IpAddress;
import io.fleet.director.service.Protocol;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(60)
class AdminServerTest
{
    private static AdminFixture fx;

    @BeforeAll
    static void start() throws Exception
    {
        fx = new AdminFixture();
    }

    @AfterAll
    static void stop() throws Exception
    {
        fx.close();
    }

    @BeforeEach
    void clean() throws Exception
    {
        assertThat(fx.send("DELETE", "/v1/services", null).statusCode()).isEqualTo(200);
    }

    private static JsonNode json(final HttpResponse<String> r) throws Exception
    {
        return JsonCodec.MAPPER.readTree(r.body());
    }

    private static void addWeb() throws Exception
    {
        assertThat(fx.send("POST", "/v1/services", "{\"protocol\":\"tcp\",\"vip\":\"192.0.2.10\",\"port\":80,\"scheduler\":\"rr\"}")
            .statusCode()).isEqualTo(201);
        assertThat(fx.send("POST", "/v1/services/tcp:192.0.2.10:80/real-servers",
            "{\"address\":\"192.0.2.11\",\"port\":80,\"method\":\"nat\",\"weight\":3}").statusCode()).isEqualTo(201);
    }

    @ParameterizedTest
    @CsvSource({"GET,/v1/services", "POST,/v1/services", "DELETE,/v1/services", "GET,/v1/cluster", "GET,/metrics",
        "POST,/v1/reload", "GET,/v1/nothing-here"})
    void shouldAnswer401WithoutToken(final String method, final String path) throws Exception
    {
        addWeb();
        final int before = fx.control.changes();
        final HttpResponse<String> r = fx.send(method, path, "POST".equals(method) ? "{}" : null, null);
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"fleet\"");
        assertThat(r.headers().firstValue("Server")).isEmpty();
        assertThat(json(r).get("field").asText()).isEqualTo("Authorization");
        assertThat(fx.control.changes()).isEqualTo(before);
        assertThat(fx.control.services()).hasSize(1);
    }

    @ParameterizedTest
    @CsvSource({"test-token-0123456789abcdeX", "test-token-0123456789abcde", "test-token-0123456789abcdef0", "x"})
    void shouldAnswer401WithWrongToken(final String token) throws Exception
    {
        addWeb();
        assertThat(fx.send("GET", "/v1/services", null, token).statusCode()).isEqualTo(401);
        assertThat(fx.send("DELETE", "/v1/services", null, token).statusCode()).isEqualTo(401);
        assertThat(fx.control.services()).hasSize(1);
    }

    @Test
    void shouldRoundTripServicesAndRealServers() throws Exception
    {
        addWeb();
        final HttpResponse<String> added = fx.send("POST", "/v1/services/tcp:192.0.2.10:80/real-servers", "{\"address\":\"192.0.2.12\"}");
        assertThat(added.statusCode()).isEqualTo(201);
        assertThat(json(added).get("realServer").asText()).as("port from the service").isEqualTo("192.0.2.12:80");

        final JsonNode list = json(fx.send("GET", "/v1/services", null));
        assertThat(list).hasSize(1);
        final JsonNode svc = list.get(0);
        assertThat(svc.get("id").asText()).isEqualTo("tcp:192.0.2.10:80");
        assertThat(svc.get("scheduler").asText()).isEqualTo("rr");
        assertThat(svc.get("realServers")).hasSize(2);
        // ipvsadm -a puts the new server at the head of the list.
        assertThat(svc.get("realServers").get(0).get("address").asText()).isEqualTo("192.0.2.12");
        assertThat(svc.get("realServers").get(0).get("method").asText()).isEqualTo("dr");
        assertThat(svc.get("realServers").get(0).get("port").asInt()).isEqualTo(80);
        assertThat(svc.get("realServers").get(1).get("weight").asInt()).isEqualTo(3);

        final HttpResponse<String> edited = fx.send("PUT", "/v1/services/tcp:192.0.2.10:80",
            "{\"scheduler\":\"wlc\",\"persistent\":600,\"netmask\":\"255.255.255.0\"}");
        assertThat(edited.statusCode()).isEqualTo(200);
        assertThat(json(edited).get("persistent").asInt()).isEqualTo(600);
        assertThat(json(edited).get("netmask").asInt()).isEqualTo(24);
        assertThat(fx.control.services().get(0).service().scheduler().ipvsName()).isEqualTo("wlc");

        final HttpResponse<String> rsEdit = fx.send("PUT", "/v1/services/tcp:192.0.2.10:80/real-servers/192.0.2.11:80",
            "{\"weight\":0}");
        assertThat(rsEdit.statusCode()).isEqualTo(200);
        assertThat(json(rsEdit).get("weight").asInt()).isZero();
        assertThat(json(rsEdit).get("method").asText()).as("left-out fields keep their value").isEqualTo("nat");

        // Port left out means the service's port, as with ipvsadm -d -r RIP.
        assertThat(fx.send("DELETE", "/v1/services/tcp:192.0.2.10:80/real-servers/192.0.2.12", null).statusCode())
            .isEqualTo(200);
        assertThat(fx.control.services().get(0).realServers()).hasSize(1);
        assertThat(fx.send("DELETE", "/v1/services/tcp:192.0.2.10:80", null).statusCode()).isEqualTo(200);
        assertThat(fx.control.services()).isEmpty();
    }

    @Test
    void shouldRoundTripFirewallMarkAndIpv6Services() throws Exception
    {
        assertThat(fx.send("POST", "/v1/services", "{\"fwmark\":7,\"scheduler\":\"sh\",\"flags\":[\"sh-port\"]}")
            .statusCode()).isEqualTo(201);
        assertThat(fx.send("POST", "/v1/services", "{\"protocol\":\"udp\",\"vip\":\"2001:db8::1\",\"port\":53,\"onePacket\":true}")
            .statusCode()).isEqualTo(201);
        assertThat(fx.send("POST", "/v1/services/udp:%5B2001:db8::1%5D:53/real-servers",
            "{\"address\":\"2001:db8::11\",\"port\":5353,\"method\":\"nat\"}").statusCode()).isEqualTo(201);
        final JsonNode fwm = json(fx.send("GET", "/v1/services/fwm:7", null));
        assertThat(fwm.get("fwmark").asLong()).isEqualTo(7);
        assertThat(fwm.get("flags").get(0).asText()).isEqualTo("sh-port");
        final JsonNode v6 = json(fx.send("GET", "/v1/services/udp:%5B2001:db8::1%5D:53", null));
        assertThat(v6.get("realServers").get(0).get("port").asInt()).isEqualTo(5353);
        assertThat(v6.get("onePacket").asBoolean()).isTrue();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "/v1/services|{\"protocol\":\"tcp\",\"vip\":\"192.0.2.10\",\"port\":81,\"scheduler\":\"bogus\"}|scheduler",
        "/v1/services|{\"protocol\":\"sctp\",\"vip\":\"192.0.2.10\",\"port\":81}|protocol",
        "/v1/services|{\"protocol\":\"tcp\",\"vip\":\"192.0.2.300\",\"port\":81}|vip",
        "/v1/services|{\"protocol\":\"tcp\",\"vip\":\"192.0.2.10\",\"port\":70000}|port",
        "/v1/services|{\"protocol\":\"tcp\",\"vip\":\"192.0.2.10\",\"port\":\"81\"}|port",
        "/v1/services|{\"protocol\":\"tcp\",\"vip\":\"192.0.2.10\",\"port\":0}|port",
        "/v1/services|{\"protocol\":\"tcp\",\"vip\":\"192.0.2.10\",\"port\":81,\"onePacket\":true}|onePacket",
        "/v1/services|{\"protocol\":\"tcp\",\"vip\":\"192.0.2.10\",\"port\":81,\"netmask\":24}|netmask",
        "/v1/services|{\"protocol\":\"tcp\",\"vip\":\"192.0.2.10\",\"port\":81,\"colour\":\"blue\"}|colour",
        "/v1/services|{\"protocol\":\"tcp\",\"vip\":\"192.0.2.10\",\"port\":80}|service",
        "/v1/services|{\"protocol\":\"tcp\",|body",
        "/v1/services|[1,2]|body",
        "/v1/services/tcp:192.0.2.10:80/real-servers|{\"address\":\"192.0.2.13\",\"weight\":70000}|weight",
        "/v1/services/tcp:192.0.2.10:80/real-servers|{\"address\":\"192.0.2.13\",\"method\":\"warp\"}|method",
        "/v1/services/tcp:192.0.2.10:80/real-servers|{\"address\":\"192.0.2.13\",\"port\":8080,\"method\":\"dr\"}|port",
        "/v1/services/tcp:192.0.2.10:80/real-servers|{\"address\":\"2001:db8::13\",\"method\":\"nat\"}|address",
        "/v1/services/tcp:192.0.2.10:80/real-servers|{\"address\":\"192.0.2.11\",\"method\":\"nat\"}|address",
        "/v1/services/tcp:192.0.2.10:80/real-servers|{\"address\":\"192.0.2.13\",\"lowerThreshold\":5}|lowerThreshold",
        "/v1/services/tcp:192.0.2.10:80/real-servers|{\"weight\":2}|address"})
    void shouldAnswer400NamingTheFieldAndChangeNothing(final String path, final String body, final String field) throws Exception
    {
        addWeb();
        final int before = fx.control.changes();
        final String listBefore = fx.send("GET", "/v1/services", null).body();
        final HttpResponse<String> r = fx.send("POST", path, body);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        assertThat(json(r).get("field").asText()).as(r.body()).isEqualTo(field);
        assertThat(json(r).get("error").asText()).isNotBlank();
        assertThat(fx.control.changes()).isEqualTo(before);
        assertThat(fx.send("GET", "/v1/services", null).body()).isEqualTo(listBefore);
    }

    @Test
    void shouldRefuseEditsThatBreakTheServiceAndChangeNothing() throws Exception
    {
        addWeb();
        final String before = fx.send("GET", "/v1/services", null).body();
        final HttpResponse<String> identity = fx.send("PUT", "/v1/services/tcp:192.0.2.10:80", "{\"port\":81}");
        assertThat(identity.statusCode()).isEqualTo(400);
        assertThat(json(identity).get("field").asText()).isEqualTo("port");
        final HttpResponse<String> netmask = fx.send("PUT", "/v1/services/tcp:192.0.2.10:80", "{\"netmask\":24}");
        assertThat(netmask.statusCode()).isEqualTo(400);
        assertThat(json(netmask).get("field").asText()).isEqualTo("netmask");
        final HttpResponse<String> weight = fx.send("PUT", "/v1/services/tcp:192.0.2.10:80/real-servers/192.0.2.11:80",
            "{\"weight\":-1}");
        assertThat(weight.statusCode()).isEqualTo(400);
        assertThat(json(weight).get("field").asText()).isEqualTo("weight");
        final HttpResponse<String> timeouts = fx.send("PUT", "/v1/timeouts", "{\"tcp\":-5}");
        assertThat(timeouts.statusCode()).isEqualTo(400);
        assertThat(json(timeouts).get("field").asText()).isEqualTo("tcp");
        assertThat(fx.send("GET", "/v1/services", null).body()).isEqualTo(before);
    }

    @Test
    void shouldAnswer404ForUnknownServiceRealServerAndPath() throws Exception
    {
        addWeb();
        final HttpResponse<String> svc = fx.send("GET", "/v1/services/tcp:192.0.2.99:80", null);
        assertThat(svc.statusCode()).isEqualTo(404);
        assertThat(json(svc).get("field").asText()).isEqualTo("service");
        assertThat(fx.send("DELETE", "/v1/services/tcp:192.0.2.99:80", null).statusCode()).isEqualTo(404);
        assertThat(fx.send("PUT", "/v1/services/udp:192.0.2.10:80", "{}").statusCode()).isEqualTo(404);
        assertThat(fx.send("POST", "/v1/services/tcp:192.0.2.99:80/real-servers", "{\"address\":\"192.0.2.1\"}").statusCode())
            .isEqualTo(404);
        final HttpResponse<String> rs = fx.send("PUT", "/v1/services/tcp:192.0.2.10:80/real-servers/192.0.2.99:80", "{}");
        assertThat(rs.statusCode()).isEqualTo(404);
        assertThat(json(rs).get("field").asText()).isEqualTo("realServer");
        assertThat(fx.send("POST", "/v1/zero", "{\"service\":\"fwm:9\"}").statusCode()).isEqualTo(404);
        assertThat(fx.send("GET", "/v1/nothing", null).statusCode()).isEqualTo(404);
        assertThat(fx.send("GET", "/v2/services", null).statusCode()).isEqualTo(404);
        final HttpResponse<String> bad = fx.send("GET", "/v1/services/http:192.0.2.10:80", null);
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(json(bad).get("field").asText()).isEqualTo("service");
        final HttpResponse<String> wrongMethod = fx.send("PATCH", "/v1/services", "{}");
        assertThat(wrongMethod.statusCode()).isEqualTo(405);
        assertThat(wrongMethod.headers().firstValue("Allow")).hasValue("GET, POST, DELETE");
        assertThat(fx.control.services()).hasSize(1);
    }

    @Test
    void shouldFilterAndPageConnections() throws Exception
    {
        final List<ConnectionEntry> conns = new ArrayList<>();
        for (int i = 0; i < 25; i++)
        {
            conns.add(new ConnectionEntry(Protocol.TCP, 60_000, "ESTABLISHED", IpAddress.parse("c", "198.51.100." + (i % 5)),
                40_000 + i, IpAddress.parse("v", "192.0.2.10"), 80, IpAddress.parse("r", i % 2 == 0 ? "192.0.2.11" : "192.0.2.12"),
                80, ForwardingMethod.NAT, false));
        }
        fx.control.connections(conns);
        final JsonNode all = json(fx.send("GET", "/v1/connections?limit=10&offset=20", null));
        assertThat(all.get("total").asLong()).isEqualTo(25);
        assertThat(all.get("items")).hasSize(5);
        final JsonNode filtered = json(fx.send("GET", "/v1/connections?vip=192.0.2.10&rs=192.0.2.11&client=198.51.100.0", null));
        // i even and i % 5 == 0: 0, 10, 20
        assertThat(filtered.get("total").asLong()).isEqualTo(3);
        assertThat(filtered.get("items").get(0).get("clientPort").asInt()).isEqualTo(40_000);
        final HttpResponse<String> badLimit = fx.send("GET", "/v1/connections?limit=0", null);
        assertThat(badLimit.statusCode()).isEqualTo(400);
        assertThat(json(badLimit).get("field").asText()).isEqualTo("limit");
        final HttpResponse<String> badRs = fx.send("GET", "/v1/connections?rs=web1", null);
        assertThat(json(badRs).get("field").asText()).isEqualTo("rs");
    }

    @Test
    void shouldSetTimeoutsZeroAndReload() throws Exception
    {
        addWeb();
        assertThat(json(fx.send("GET", "/v1/timeouts", null)).get("tcp").asLong()).isEqualTo(900);
        final JsonNode t = json(fx.send("PUT", "/v1/timeouts", "{\"tcp\":600,\"udp\":0}"));
        assertThat(t.get("tcp").asLong()).isEqualTo(600);
        assertThat(t.get("udp").asLong()).as("0 leaves it").isEqualTo(300);
        assertThat(fx.send("PUT", "/v1/timeouts", "{\"tcp\":600}").statusCode()).isEqualTo(200);
        assertThat(json(fx.send("POST", "/v1/zero", "{\"service\":\"tcp:192.0.2.10:80\"}")).get("zeroed").asText())
            .isEqualTo("tcp:192.0.2.10:80");
        assertThat(fx.send("POST", "/v1/zero", null).statusCode()).isEqualTo(200);
        assertThat(json(fx.send("POST", "/v1/reload", null)).get("applied").asBoolean()).isTrue();
        fx.control.nextReload(new ReloadResult(false, List.of(), List.of("fleet.conf:3: services.0.port: must be 1..65535")));
        final HttpResponse<String> refused = fx.send("POST", "/v1/reload", null);
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(json(refused).get("field").asText()).isEqualTo("config");
        assertThat(json(refused).get("problems").get(0).asText()).contains("fleet.conf:3");
        fx.control.nextReload(new ReloadResult(true, List.of("no change"), List.of()));
    }

    @Test
    void shouldRefuseABodyTooLarge() throws Exception
    {
        final String big = "{\"protocol\":\"" + "x".repeat((int)AdminRoutes.MAX_BODY_BYTES) + "\"}";
        final HttpResponse<String> r = fx.send("POST", "/v1/services", big);
        assertThat(r.statusCode()).isEqualTo(413);
        assertThat(fx.control.services()).isEmpty();
    }
}
