package io.fleet.director.cli;

import io.fleet.director.admin.AdminFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static io.fleet.director.cli.AdmRunner.adm;
import static io.fleet.director.cli.AdmRunner.words;
import static org.assertj.core.api.Assertions.assertThat;

/** Bad command lines and refused changes: one line naming the flag, a non-zero exit, and nothing changed. */
@Timeout(60)
class AdmErrorsTest
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
    void scenario()
    {
        assertThat(adm(fx, null, "-C").exit()).isZero();
        assertThat(adm(fx, null, words("-A -t 192.0.2.10:80 -s rr")).exit()).isZero();
        assertThat(adm(fx, null, words("-a -t 192.0.2.10:80 -r 192.0.2.11 -m")).exit()).isZero();
    }

    @ParameterizedTest(name = "fleet adm {0}")
    @CsvSource(delimiter = '|', value = {
        "-Q|fleet adm: invalid option: '-Q'",
        "-L --bogus|fleet adm: invalid option: '--bogus'",
        "-n|fleet adm: no command given",
        "-A -a -t 192.0.2.20:80|fleet adm: multiple commands specified: -A (--add-service) and -a (--add-server)",
        "-A|fleet adm: the -A (--add-service) command needs a service: -t|-u VIP:PORT or -f FWMARK",
        "-a -t 192.0.2.10:80|fleet adm: the -a (--add-server) command needs the -r (--real-server) option",
        "-L -w 3|fleet adm: illegal -w (--weight) option with the -L (--list) command",
        "-D -t 192.0.2.10:80 -s rr|fleet adm: illegal -s (--scheduler) option with the -D (--delete-service) command",
        "-L -c -t 192.0.2.10:80|fleet adm: the -t (--tcp-service) option conflicts with the -c (--connection) option",
        "-L --stats --rate|fleet adm: options conflict in the list command",
        "-L -c --stats|fleet adm: options conflict in the list command",
        "-A -t 192.0.2.20:80 -u 192.0.2.20:80|fleet adm: multiple service options specified",
        "-a -t 192.0.2.10:80 -r 192.0.2.12 -g -m|fleet adm: more than one forwarding method",
        "-a -t 192.0.2.10:80 -r 192.0.2.12 -w heavy|fleet adm: -w (--weight): illegal weight 'heavy' specified (0..65535)",
        "-a -t 192.0.2.10:80 -r 192.0.2.12 -w 70000|fleet adm: -w (--weight): illegal weight '70000' specified (0..65535)",
        "-a -t 192.0.2.10:80 -r 192.0.2.12 -x -1|fleet adm: ",
        "-A -t 192.0.2.20:80 -p forever|fleet adm: -p (--persistent): illegal timeout 'forever' specified",
        "-A -t www.example.com:80|fleet adm: -t (--tcp-service): illegal virtual server address[:port] 'www.example.com:80'",
        "-A -t 192.0.2.20:http|fleet adm: -t (--tcp-service): illegal virtual server address[:port] '192.0.2.20:http'",
        "-a -t 192.0.2.10:80 -r web1|fleet adm: -r (--real-server): illegal real server address[:port] 'web1'",
        "-A -f 0|fleet adm: -f (--fwmark-service): illegal fwmark '0' specified",
        "-A -t 192.0.2.20:80 -6|fleet adm: -6 (--ipv6) applies to a firewall-mark service only",
        "--set 900 120|fleet adm: --set option requires 3 timeout values: tcp tcpfin udp",
        "--set 900 120 soon|fleet adm: --set: illegal timeout 'soon' specified",
        "--start-daemon=primary|fleet adm: illegal sync daemon state 'primary'",
        "-C 3|fleet adm: unexpected argument 3",
        "-A -t 192.0.2.20:80 -s bogus|fleet adm: -s (--scheduler) bogus: unknown scheduler; one of rr wrr",
        "-A -t 192.0.2.20|fleet adm: -t (--tcp-service) 192.0.2.20: zero port is allowed only for a persistent service",
        "-A -t 192.0.2.10:80 -s wlc|fleet adm: -t (--tcp-service) 192.0.2.10:80: service tcp:192.0.2.10:80 already exists",
        "-A -t 192.0.2.20:80 -o|fleet adm: -o (--ops): one-packet scheduling is only for UDP services",
        "-A -t 192.0.2.20:80 -M 255.255.0.0|fleet adm: -M (--netmask) 255.255.0.0: applies only to a persistent service (-p)",
        "-E -t 192.0.2.99:80 -s rr|fleet adm: -t (--tcp-service) 192.0.2.99:80: no such service tcp:192.0.2.99:80",
        "-D -u 192.0.2.10:80|fleet adm: -u (--udp-service) 192.0.2.10:80: no such service udp:192.0.2.10:80",
        "-a -t 192.0.2.10:80 -r 192.0.2.11 -m|fleet adm: -r (--real-server) 192.0.2.11: is already a real server",
        "-a -t 192.0.2.10:80 -r 192.0.2.12:8080 -g|fleet adm: -r (--real-server) 192.0.2.12:8080: DR cannot change the destination port",
        "-a -t 192.0.2.10:80 -r 192.0.2.12 -x 5 -y 10|fleet adm: -y (--l-threshold) 10: must not exceed the upper threshold 5",
        "-e -t 192.0.2.10:80 -r 192.0.2.99 -w 2|fleet adm: -r (--real-server) 192.0.2.99: no such real server",
        "-d -t 192.0.2.10:80 -r 192.0.2.99|fleet adm: -r (--real-server) 192.0.2.99: no such real server",
        "-Z -t 192.0.2.99:80|fleet adm: -t (--tcp-service) 192.0.2.99:80: no such service",
        "-L -n -t 192.0.2.99:80|fleet adm: -t (--tcp-service) 192.0.2.99:80: no such service",
        "cluster -w 1|fleet adm: illegal -w (--weight) option with a Fleet command"})
    void shouldExplainAndExitTwoAndChangeNothing(final String line, final String expected)
    {
        final String before = adm(fx, null, "-S").out();
        final AdmRunner.Result r = adm(fx, null, words(line));
        assertThat(r.exit()).as(r.err()).isEqualTo(2);
        assertThat(r.err()).startsWith(expected).endsWith("\n");
        assertThat(r.err().lines().findFirst().orElse("")).startsWith("fleet adm: ");
        assertThat(r.out()).isEmpty();
        assertThat(adm(fx, null, "-S").out()).isEqualTo(before);
    }

    @Test
    void shouldSayWhenTheDirectorIsUnreachable() throws Exception
    {
        final AdmRunner.Result r = adm(Map.of("FLEET_ADMIN_URL", "http://127.0.0.1:1",
            "FLEET_ADMIN_TOKEN_FILE", fx.tokenFile.toString()), null, "-L", "-n");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).startsWith("fleet adm: cannot reach the director's admin API at http://127.0.0.1:1");
    }

    @Test
    void shouldSayWhenTheTokenIsMissingOrWrong() throws Exception
    {
        final AdmRunner.Result missing = adm(Map.of("FLEET_ADMIN_URL", fx.url()), null,
            "--token-file", "/nonexistent/fleet.token", "-L", "-n");
        assertThat(missing.exit()).isEqualTo(1);
        assertThat(missing.err()).startsWith("fleet adm: cannot read the admin token from /nonexistent/fleet.token");
        final Path wrong = Files.createTempFile("fleet-wrong", ".token");
        try
        {
            Files.writeString(wrong, "not-the-token-0123456789");
            final AdmRunner.Result refused = adm(Map.of(), null, "--node", fx.url(), "--token-file", wrong.toString(), "-L");
            assertThat(refused.exit()).isEqualTo(1);
            assertThat(refused.err()).isEqualTo("fleet adm: the director refused the admin token (HTTP 401); check --token-file\n");
        }
        finally
        {
            Files.deleteIfExists(wrong);
        }
    }

    @Test
    void shouldRefuseATokenFileWithoutATokenAndABadNodeUrl() throws Exception
    {
        final Path script = Files.createTempFile("fleet-not-a-token", ".sh");
        try
        {
            Files.writeString(script, "#!/bin/sh\necho hello world\n");
            final AdmRunner.Result notToken = adm(Map.of(), null, "--node", fx.url(), "--token-file", script.toString(), "-L");
            assertThat(notToken.exit()).isEqualTo(1);
            assertThat(notToken.err()).isEqualTo("fleet adm: " + script + " does not hold an admin token (one word of "
                + "printable ASCII); give --token-file FILE\n");
        }
        finally
        {
            Files.deleteIfExists(script);
        }
        for (final String url : new String[] {"127.0.0.1:9780", "ftp://127.0.0.1:9780", "http://127.0.0.1:9780/v1", "http://[::1"})
        {
            final AdmRunner.Result r = adm(Map.of("FLEET_ADMIN_TOKEN_FILE", fx.tokenFile.toString()), null, "--node", url, "-L");
            assertThat(r.exit()).as(url).isEqualTo(1);
            assertThat(r.err()).as(url).startsWith("fleet adm: --node: not a").contains(url).contains("expected http://HOST:PORT");
        }
    }

    @Test
    void shouldNeedNoDirectorForHelpAndVersion()
    {
        final Map<String, String> nowhere = Map.of("FLEET_ADMIN_URL", "http://127.0.0.1:1", "FLEET_ADMIN_TOKEN_FILE", "/nonexistent");
        final AdmRunner.Result help = adm(nowhere, null, "-h");
        assertThat(help.exit()).isZero();
        assertThat(help.out()).contains("fleet adm -L|l [-n]", "--fullnat");
        final AdmRunner.Result version = adm(nowhere, null, "--version");
        assertThat(version.out()).startsWith("fleet adm 0.1.0");
    }

    @Test
    void shouldEditOnlyWhatIsGivenAndResetServiceOptionsLikeIpvsadm()
    {
        assertThat(adm(fx, null, words("-e -t 192.0.2.10:80 -r 192.0.2.11 -w 0")).exit()).isZero();
        assertThat(adm(fx, null, "-S").out()).contains("-a -t 192.0.2.10:80 -r 192.0.2.11:80 -m -w 0");
        assertThat(adm(fx, null, words("-E -t 192.0.2.10:80 -s wrr -p 60")).exit()).isZero();
        assertThat(adm(fx, null, "-S").out()).contains("-A -t 192.0.2.10:80 -s wrr -p 60\n");
        // -E without -p makes the service non-persistent again, without -s it is wlc: ipvsadm sends the whole service.
        assertThat(adm(fx, null, words("-E -t 192.0.2.10:80")).exit()).isZero();
        assertThat(adm(fx, null, "-S").out()).contains("-A -t 192.0.2.10:80 -s wlc\n");
    }

    @Test
    void shouldZeroAndSetTimeouts()
    {
        assertThat(adm(fx, null, words("--set 600 60 120")).exit()).isZero();
        assertThat(adm(fx, null, words("-L --timeout")).out()).isEqualTo("Timeout (tcp tcpfin udp): 600 60 120\n");
        assertThat(adm(fx, null, words("--set 0 0 200")).exit()).isZero();
        assertThat(adm(fx, null, words("-L --timeout")).out()).isEqualTo("Timeout (tcp tcpfin udp): 600 60 200\n");
        assertThat(adm(fx, null, words("-Z -t 192.0.2.10:80")).exit()).isZero();
        assertThat(adm(fx, null, "-Z").exit()).isZero();
    }
}
