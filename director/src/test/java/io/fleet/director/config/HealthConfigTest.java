package io.fleet.director.config;

import io.fleet.director.health.CheckSpec;
import io.fleet.director.health.CheckTarget;
import io.fleet.director.health.CheckType;
import io.fleet.director.health.HealthPlan;
import io.fleet.director.health.OnFailure;
import io.fleet.sync.catalog.Quorum;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The {@code health-check} and {@code quorum} keys: what a good file builds (Keepalived's defaults where a key is
 * absent, real-server blocks overriding the service's) and, for each bad value, the error as
 * {@code FILE:LINE: KEY: reason} with nothing built.
 */
class HealthConfigTest
{
    @TempDir
    Path dir;

    private Path file(final String... lines) throws Exception
    {
        final Path f = dir.resolve("director.conf");
        Files.writeString(f, String.join("\n", lines));
        return f;
    }

    private static final String HEAD = "director { mac = \"02:00:00:00:00:01\" }";

    @Test
    void shouldBuildAChecksPerRealServerWithKeepalivedDefaultsAndOverrides() throws Exception
    {
        final Path f = file(HEAD,
            "services = [ {",
            "  protocol = tcp, vip = \"192.0.2.1\", port = 80, scheduler = wlc, quorum = all",
            "  health-check { type = http, path = /health, digest = \"7AB6914F791FF9583FA4548707E0F3AC\",",
            "                 status-codes = \"200-299 301\", delay-loop = 6, connect-timeout = \"500 ms\", retry = 3,",
            "                 fall = 2, rise = 3, on-failure = inhibit, virtualhost = www.example.test }",
            "  real-servers = [",
            "    { address = \"10.0.0.1\", port = 8080, method = nat, weight = 7 }",
            "    { address = \"10.0.0.2\", health-check { connect-port = 8443, type = https } }",
            "    { address = \"10.0.0.3\", health-check { delay-loop = 1.5 } }",
            "  ] }",
            "  { protocol = udp, vip = \"192.0.2.1\", port = 53, real-servers = [ { address = \"10.0.0.4\",",
            "    health-check { type = misc, misc-path = \"/usr/local/bin/check_dns 10.0.0.4\", misc-dynamic = true } } ] }",
            "  { protocol = tcp, vip = \"192.0.2.1\", port = 25, real-servers = [ { address = \"10.0.0.5\" } ] }",
            "]");
        final HealthPlan plan = DirectorConfig.loadHealth(f.toFile(), false);
        assertThat(plan.targets()).hasSize(4);

        final CheckTarget first = plan.targets().get(0);
        assertThat(first.service().toString()).isEqualTo("tcp:192.0.2.1:80");
        assertThat(first.realServer().toString()).isEqualTo("10.0.0.1:8080");
        assertThat(first.weight()).isEqualTo(7);
        assertThat(first.quorum()).isEqualTo(Quorum.ALL);
        final CheckSpec s = first.spec();
        assertThat(s.type()).isEqualTo(CheckType.HTTP);
        assertThat(s.path()).isEqualTo("/health");
        assertThat(s.digest()).isEqualTo("7ab6914f791ff9583fa4548707e0f3ac");
        assertThat(s.statusAccepted(204)).isTrue();
        assertThat(s.statusAccepted(301)).isTrue();
        assertThat(s.statusAccepted(302)).isFalse();
        assertThat(s.delayLoopMs()).isEqualTo(6_000);
        assertThat(s.connectTimeoutMs()).isEqualTo(500);
        assertThat(s.retry()).isEqualTo(3);
        assertThat(s.delayBeforeRetryMs()).as("Keepalived's HTTP_GET default").isEqualTo(3_000);
        assertThat(s.fall()).isEqualTo(2);
        assertThat(s.rise()).isEqualTo(3);
        assertThat(s.onFailure()).isEqualTo(OnFailure.INHIBIT);
        assertThat(s.virtualhost()).isEqualTo("www.example.test");

        // A real server's block that sets type replaces the service's block.
        final CheckSpec second = plan.targets().get(1).spec();
        assertThat(plan.targets().get(1).realServer().toString()).as("port 0 means the service's").isEqualTo("10.0.0.2:80");
        assertThat(second.type()).isEqualTo(CheckType.HTTPS);
        assertThat(second.connectPort()).isEqualTo(8443);
        assertThat(second.digest()).isNull();
        assertThat(second.delayLoopMs()).isEqualTo(CheckSpec.DEFAULT_DELAY_LOOP_MS);
        assertThat(second.connectTimeoutMs()).isEqualTo(CheckSpec.DEFAULT_CONNECT_TIMEOUT_MS);
        assertThat(second.retry()).isEqualTo(1);
        assertThat(second.alpha()).isFalse();
        assertThat(second.onFailure()).isEqualTo(OnFailure.REMOVE);

        // One without type overrides key by key.
        final CheckSpec third = plan.targets().get(2).spec();
        assertThat(third.type()).isEqualTo(CheckType.HTTP);
        assertThat(third.delayLoopMs()).isEqualTo(1_500);
        assertThat(third.path()).isEqualTo("/health");
        assertThat(third.retry()).isEqualTo(3);

        final CheckTarget misc = plan.targets().get(3);
        assertThat(misc.quorum()).as("default quorum").isEqualTo(Quorum.MAJORITY);
        assertThat(misc.spec().miscCommand()).containsExactly("/usr/local/bin/check_dns", "10.0.0.4");
        assertThat(misc.spec().miscDynamic()).isTrue();
        assertThat(misc.spec().retry()).as("Keepalived's MISC_CHECK default").isZero();
        assertThat(misc.spec().miscTimeoutMs()).as("defaults to the delay loop").isEqualTo(60_000);
    }

    @Test
    void shouldParseUdpPayloadsAsKeepalivedsHexStrings() throws Exception
    {
        final Path f = file(HEAD,
            "services = [ { protocol = udp, vip = \"192.0.2.1\", port = 53, real-servers = [ { address = \"10.0.0.4\",",
            "  health-check { type = udp, payload = \"Ab12f 3 456\", require-reply = \"CAFEx\", min-reply-length = 2 } } ] } ]");
        final CheckSpec s = DirectorConfig.loadHealth(f.toFile(), false).targets().get(0).spec();
        assertThat(s.payload()).containsExactly(0xAB, 0x12, 0x0F, 0x03, 0x45, 0x06);
        assertThat(s.requireReply()).isTrue();
        assertThat(s.replyMatches(new byte[]{(byte)0xCA, (byte)0xFE, 0x07}, 3)).as("x matches any digit").isTrue();
        assertThat(s.replyMatches(new byte[]{(byte)0xCA, (byte)0xFE, 0x17}, 3)).as("the high digit of 0x is 0").isFalse();
        assertThat(s.replyMatches(new byte[]{(byte)0xCB, (byte)0xFE}, 2)).isFalse();
        assertThat(s.replyMatches(new byte[]{(byte)0xCA}, 1)).as("shorter than min-reply-length").isFalse();
    }

    @Test
    void theExampleConfigsShouldBuildTheirChecks()
    {
        final HealthPlan nat = DirectorConfig.loadHealth(Path.of("..", "deploy", "config", "three-director-nat.conf").toFile(), true);
        assertThat(nat.targets()).extracting(t -> t.service() + " " + t.realServer() + " " + t.spec().type().keepalivedName())
            .containsExactly(
                "tcp:203.0.113.10:443 192.0.2.11:8443 SSL_GET",
                "tcp:203.0.113.10:443 192.0.2.12:8443 SSL_GET",
                "tcp:203.0.113.10:443 192.0.2.13:8443 SSL_GET",
                "udp:203.0.113.10:53 192.0.2.21:53 UDP_CHECK",
                "udp:203.0.113.10:53 192.0.2.22:53 MISC_CHECK");
        assertThat(nat.targets().get(0).spec().onFailure()).isEqualTo(OnFailure.INHIBIT);
        assertThat(nat.targets().get(4).spec().miscDynamic()).isTrue();
        final HealthPlan proxy = DirectorConfig.loadHealth(Path.of("..", "deploy", "config", "proxy-loopback.conf").toFile(), true);
        assertThat(proxy.targets()).hasSize(2).allSatisfy(t -> assertThat(t.spec().fall()).isEqualTo(2));
    }

    static Stream<Arguments> badValues()
    {
        return Stream.of(
            Arguments.of("health-check { type = icmp }", "services[0].health-check.type: must be tcp, http, https, udp or misc (got 'icmp')"),
            Arguments.of("health-check { type = tcp, colour = blue }", "services[0].health-check.colour: unknown key"),
            Arguments.of("health-check { type = tcp, delay-loop = 0 }", "services[0].health-check.delay-loop: must be 10 ms..86400 s (got 0 s)"),
            Arguments.of("health-check { type = tcp, delay-loop = soon }", "services[0].health-check.delay-loop: must be seconds or a duration"),
            Arguments.of("health-check { type = tcp, connect-timeout = \"2 h\" }", "services[0].health-check.connect-timeout: must be 10 ms..3600 s (got 7200 s)"),
            Arguments.of("health-check { type = tcp, retry = -1 }", "services[0].health-check.retry: must be 0..100 (got -1)"),
            Arguments.of("health-check { type = tcp, fall = 0 }", "services[0].health-check.fall: must be 1..100 (got 0)"),
            Arguments.of("health-check { type = tcp, rise = 2.5 }", "services[0].health-check.rise: must be a whole number 1..100 (got '2.5')"),
            Arguments.of("health-check { type = tcp, alpha = maybe }", "services[0].health-check.alpha: must be true or false (got 'maybe')"),
            Arguments.of("health-check { type = tcp, on-failure = drain }", "services[0].health-check.on-failure: must be inhibit (weight 0) or remove (got 'drain')"),
            Arguments.of("health-check { type = tcp, connect-port = 70000 }", "services[0].health-check.connect-port: must be 1..65535 (got 70000)"),
            Arguments.of("health-check { type = tcp, connect-ip = \"not-an-ip\" }", "services[0].health-check.connect-ip: not an IP address"),
            Arguments.of("health-check { type = tcp, path = /x }", "services[0].health-check.path: only for http and https checks, not tcp"),
            Arguments.of("health-check { type = http, path = health }", "services[0].health-check.path: must start with '/'"),
            Arguments.of("health-check { type = http, digest = abc }", "services[0].health-check.digest: must be 32 hex digits"),
            Arguments.of("health-check { type = http, status-codes = \"200-xyz\" }", "services[0].health-check.status-codes: must be status codes or ranges"),
            Arguments.of("health-check { type = http, status-codes = 700 }", "services[0].health-check.status-codes: status codes must be 100..599"),
            Arguments.of("health-check { type = http, http-version = \"2\" }", "services[0].health-check.http-version: must be \"1.0\" or \"1.1\""),
            Arguments.of("health-check { type = udp, payload = \"zz\" }", "services[0].health-check.payload: must be hex digits"),
            Arguments.of("health-check { type = udp, min-reply-length = 9, max-reply-length = 3 }", "services[0].health-check.min-reply-length: is above max-reply-length 3 (got 9)"),
            Arguments.of("health-check { type = misc }", "services[0].health-check.misc-path: missing"),
            Arguments.of("health-check { type = misc, misc-path = \"/bin/x 'open\" }", "services[0].health-check.misc-path: unclosed"),
            Arguments.of("health-check { delay-loop = 5 }", "services[0].health-check.type: missing"),
            Arguments.of("health-check = tcp", "services[0].health-check: must be an object"),
            Arguments.of("quorum = most", "services[0].quorum: must be any, majority or all (got 'most')"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badValues")
    void shouldRefuseABadHealthKeyNamingFileLineAndKey(final String block, final String expected) throws Exception
    {
        final Path f = file(HEAD,
            "services = [ { protocol = tcp, vip = \"192.0.2.1\", port = 80,",
            "  " + block,
            "  real-servers = [ { address = \"10.0.0.1\" }, { address = \"10.0.0.2\" } ] } ]");
        assertThatThrownBy(() -> DirectorConfig.loadHealth(f.toFile(), false))
            .isInstanceOf(ConfigException.class)
            .satisfies(ex ->
            {
                final List<String> problems = ((ConfigException)ex).problems();
                assertThat(problems).as("one problem, once, though two real servers inherit it").hasSize(1);
                assertThat(problems.get(0)).startsWith(f + ":3: " + expected);
            });
    }

    @Test
    void shouldReportEveryProblemOfTheFileAtOnceWithTheRealServersOwnKey() throws Exception
    {
        final Path f = file(HEAD,
            "services = [ { protocol = tcp, vip = \"192.0.2.1\", port = 80, health-check { type = tcp },",
            "  real-servers = [ { address = \"10.0.0.1\", weight = 70000 },",
            "    { address = \"10.0.0.2\", health-check { fall = 0 } } ] } ]");
        assertThatThrownBy(() -> DirectorConfig.loadHealth(f.toFile(), false))
            .isInstanceOf(ConfigException.class)
            .satisfies(ex -> assertThat(((ConfigException)ex).problems()).containsExactly(
                f + ":3: services[0].real-servers[0].weight: must be 0..65535 (got 70000)",
                f + ":4: services[0].real-servers[1].health-check.fall: must be 1..100 (got 0)"));
        // The forwarding config is refused for the same file: one validation.
        assertThatThrownBy(() -> DirectorConfig.load(f.toFile(), io.fleet.director.sched.SchedulerOptions.DEFAULTS))
            .isInstanceOf(ConfigException.class);
    }
}
