package io.fleet.director.cli;

import io.fleet.director.admin.AdminFixture;
import io.fleet.director.admin.InMemoryDirectorControl;
import io.fleet.director.control.ConnectionEntry;
import io.fleet.director.control.Endpoint;
import io.fleet.director.control.ServiceId;
import io.fleet.director.control.Traffic;
import io.fleet.director.service.ForwardingMethod;
import io.fleet.director.service.IpAddress;
import io.fleet.director.service.Protocol;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static io.fleet.director.cli.AdmRunner.adm;
import static io.fleet.director.cli.AdmRunner.words;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code fleet adm}'s listings against golden files that src/test/resources/adm/make_golden.py writes from
 * ipvsadm's own printf formats (an oracle independent of {@link IpvsLayout}). The scenario is built with
 * {@code fleet adm} itself, through the admin API, on an in-memory director; the counters are set on it directly.
 */
@Timeout(60)
class AdmGoldenTest
{
    /** The scenario of make_golden.py, as ipvsadm commands. */
    static final List<String> SCENARIO = List.of(
        "-A -t 192.168.1.100:80 -s rr",
        "-a -t 192.168.1.100:80 -r 192.168.1.101:80 -m",
        "-a -t 192.168.1.100:80 -r 192.168.1.102:80 -m",
        "-A -t 192.168.33.50:80 -s rr",
        "-a -t 192.168.33.50:80 -r 192.168.33.30 -g",
        "-a -t 192.168.33.50:80 -r 192.168.33.20:80 -g",
        "-A -u 192.0.2.53:53 -s sh -b sh-port -o",
        "-a -u 192.0.2.53:53 -r 192.0.2.54:5353 -m -w 5 -x 1000 -y 100",
        "-A -f 7 -p -M 255.255.255.0",
        "-a -f 7 -r 10.0.0.1 -w 2",
        "-A -t [2001:db8::1]:443 -s mh -p 1800 -M 64",
        "-a -t [2001:db8::1]:443 -r [2001:db8::10]:8443 --fullnat -w 10");

    private static AdminFixture fx;

    @BeforeAll
    static void scenario() throws Exception
    {
        fx = new AdminFixture();
        for (final String line : SCENARIO)
        {
            final AdmRunner.Result r = adm(fx, null, words(line));
            assertThat(r.exit()).as("%s: %s", line, r.err()).isZero();
            assertThat(r.out()).isEmpty();
        }
        counters(fx.control);
    }

    @AfterAll
    static void stop() throws Exception
    {
        fx.close();
    }

    static void counters(final InMemoryDirectorControl c)
    {
        final ServiceId web = ServiceId.parse("s", "tcp:192.168.1.100:80");
        c.traffic(web, new Traffic(19, 150, 138, 11100, 190000, 1.6, 12.2, 11, 900.7, 15000));
        c.realServer(web, ep("192.168.1.102:80"), new InMemoryDirectorControl.RealServerCounters("down", 0, 4, 0,
            new Traffic(4, 30, 28, 2100, 40000, 0, 0, 0, 0, 0)));
        c.realServer(web, ep("192.168.1.101:80"), new InMemoryDirectorControl.RealServerCounters("up", 3, 12, 0,
            new Traffic(15, 120, 110, 9000, 150000, 1.6, 12.2, 11, 900.7, 15000)));
        final ServiceId lab = ServiceId.parse("s", "tcp:192.168.33.50:80");
        c.traffic(lab, new Traffic(38, 228, 0, 15086, 0, 1, 6, 0, 397, 0));
        c.realServer(lab, ep("192.168.33.20:80"), new InMemoryDirectorControl.RealServerCounters("up", 1, 2, 0,
            new Traffic(19, 114, 0, 7543, 0, 0.5, 3, 0, 198.5, 0)));
        c.realServer(lab, ep("192.168.33.30:80"), new InMemoryDirectorControl.RealServerCounters("up", 0, 3, 0,
            new Traffic(19, 114, 0, 7543, 0, 0.5, 3, 0, 198.5, 0)));
        final ServiceId dns = ServiceId.parse("s", "udp:192.0.2.53:53");
        final Traffic dnsTraffic = new Traffic(5000, 10000, 10000, 800000, 1600000, 0, 0, 0, 0, 0);
        c.traffic(dns, dnsTraffic);
        c.realServer(dns, ep("192.0.2.54:5353"), new InMemoryDirectorControl.RealServerCounters("unchecked", 0, 57, 0,
            dnsTraffic));
        final ServiceId v6 = ServiceId.parse("s", "tcp:[2001:db8::1]:443");
        final Traffic big = new Traffic(123456789L, 987654321L, 876543210L, 123456789012L, 98765432109876L, 12345.6,
            99999999.0, 100000000, 123456789012.0, 150000000000000.0);
        c.traffic(v6, big);
        c.realServer(v6, ep("[2001:db8::10]:8443"), new InMemoryDirectorControl.RealServerCounters("up", 70000, 1, 5, big));
        c.realServer(ServiceId.ofFwmark(7), ep("10.0.0.1:0"), new InMemoryDirectorControl.RealServerCounters("up", 1, 0, 2,
            Traffic.ZERO));
        c.connections(List.of(
            conn(Protocol.TCP, 899_000, "ESTABLISHED", "203.0.113.5", 40001, "192.168.1.100", 80, "192.168.1.101", 80, false),
            conn(Protocol.UDP, 298_500, "UDP", "203.0.113.6", 53000, "192.0.2.53", 53, "192.0.2.54", 5353, false),
            conn(Protocol.TCP, 6_000_000, "NONE", "203.0.113.0", 0, "192.168.33.50", 80, "192.168.33.20", 80, true),
            conn(Protocol.TCP, 59_999, "SYN_RECV", "2001:db8:ffff::7", 51000, "2001:db8::1", 443, "2001:db8::10", 8443, false)));
    }

    private static Endpoint ep(final String text)
    {
        return Endpoint.parse("r", text, true);
    }

    private static ConnectionEntry conn(
        final Protocol p, final long ms, final String state, final String client, final int cport, final String vip,
        final int vport, final String rs, final int rport, final boolean template)
    {
        return new ConnectionEntry(p, ms, state, IpAddress.parse("c", client), cport, IpAddress.parse("v", vip), vport,
            IpAddress.parse("r", rs), rport, ForwardingMethod.NAT, template);
    }

    static String golden(final String name) throws IOException
    {
        try (InputStream in = AdmGoldenTest.class.getResourceAsStream("/adm/" + name))
        {
            assertThat(in).as("golden file %s", name).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @ParameterizedTest(name = "fleet adm {0}")
    @CsvSource(delimiter = '|', value = {
        "-L -n|list-n.txt",
        "-Ln|list-n.txt",
        "-l -n|list-n.txt",
        "-L|list-n.txt",
        "-L -n --stats|stats.txt",
        "-l --stats|stats.txt",
        "-L -n --stats --exact|stats-exact.txt",
        "-L -n --rate|rate.txt",
        "-L -n --thresholds|thresholds.txt",
        "-L -n --persistent-conn|persistent-conn.txt",
        "-L -n -c|connections.txt",
        "-Lnc|connections.txt",
        "-S|save.txt",
        "-S -n|save.txt"})
    void shouldPrintIpvsadmLayouts(final String args, final String file) throws Exception
    {
        final AdmRunner.Result r = adm(fx, null, words(args));
        assertThat(r.err()).isEmpty();
        assertThat(r.exit()).isZero();
        assertThat(r.out()).isEqualTo(golden(file));
    }

    @Test
    void shouldListOneServiceWithoutTheVersionLine() throws Exception
    {
        final AdmRunner.Result r = adm(fx, null, words("-L -n -t 192.168.33.50:80"));
        assertThat(r.exit()).as(r.err()).isZero();
        final String[] all = golden("list-n.txt").split("\n", -1);
        assertThat(r.out()).isEqualTo(String.join("\n", all[1], all[2], all[6], all[7], all[8]) + "\n");
    }

    @Test
    void shouldPrintTimeoutsAndTheSyncLine()
    {
        final AdmRunner.Result t = adm(fx, null, words("-L --timeout"));
        assertThat(t.out()).isEqualTo("Timeout (tcp tcpfin udp): 900 120 300\n");
        final AdmRunner.Result d = adm(fx, null, words("-L --daemon"));
        assertThat(d.exit()).isZero();
        assertThat(d.out()).startsWith("fleet connection sync: always on (backlog 0");
    }

    @Test
    void shouldRoundTripSaveThroughRestoreOnAnotherFleet() throws Exception
    {
        final String saved = adm(fx, null, "-S").out();
        try (AdminFixture other = new AdminFixture())
        {
            final AdmRunner.Result restored = adm(other, saved, "-R");
            assertThat(restored.exit()).as(restored.err()).isZero();
            assertThat(adm(other, null, "-S").out()).isEqualTo(saved);
            // Same services, same settings, same real servers in the same scan order.
            assertThat(other.control.services()).hasSameSizeAs(fx.control.services());
            for (int i = 0; i < fx.control.services().size(); i++)
            {
                final var a = fx.control.services().get(i);
                final var b = other.control.services().stream().filter(s -> s.id().equals(a.id())).findFirst().orElseThrow();
                assertThat(b.service()).isEqualTo(a.service());
                assertThat(b.realServers().stream().map(rs -> rs.spec()).toList())
                    .isEqualTo(a.realServers().stream().map(rs -> rs.spec()).toList());
            }
        }
    }

    @Test
    void shouldRestoreIpvsadmSaveOutputWithCommentsAndTheCommandName() throws Exception
    {
        try (AdminFixture other = new AdminFixture())
        {
            final String rules = "# saved by ipvsadm-save\n\n"
                + "-A -t 198.51.100.1:80 -s wrr -p\n"
                + "ipvsadm -a -t 198.51.100.1:80 -r 198.51.100.11:80 -g -w 3\n"
                + "/sbin/ipvsadm -a -t 198.51.100.1:80 -r 198.51.100.12:80 -g -w 1\n";
            final AdmRunner.Result r = adm(other, rules, "-R");
            assertThat(r.exit()).as(r.err()).isZero();
            assertThat(adm(other, null, "-S").out()).isEqualTo(
                "-A -t 198.51.100.1:80 -s wrr -p 300\n"
                    + "-a -t 198.51.100.1:80 -r 198.51.100.11:80 -g -w 3\n"
                    + "-a -t 198.51.100.1:80 -r 198.51.100.12:80 -g -w 1\n");
        }
    }

    @Test
    void shouldApplyNothingWhenARestoreLineIsMalformed() throws Exception
    {
        try (AdminFixture other = new AdminFixture())
        {
            final AdmRunner.Result r = adm(other, "-A -t 198.51.100.1:80 -s rr\n-a -t 198.51.100.1:80 -r 198.51.100.11 -w heavy\n", "-R");
            assertThat(r.exit()).isEqualTo(2);
            assertThat(r.err()).isEqualTo("fleet adm: -R (--restore): line 2: -w (--weight): illegal weight 'heavy' specified "
                + "(0..65535); nothing was applied\n");
            assertThat(other.control.services()).isEmpty();
        }
    }

    @Test
    void shouldStopARestoreAtTheFirstRefusalAndSaySo() throws Exception
    {
        try (AdminFixture other = new AdminFixture())
        {
            final AdmRunner.Result r = adm(other, "-A -t 198.51.100.1:80\n-A -t 198.51.100.1:80\n-A -t 198.51.100.2:80\n", "-R");
            assertThat(r.exit()).isEqualTo(2);
            assertThat(r.err()).startsWith("fleet adm: -R (--restore): line 2: -t (--tcp-service) 198.51.100.1:80: ")
                .contains("already exists").endsWith("; the 1 rule(s) before it were applied\n");
            assertThat(other.control.services()).hasSize(1);
        }
    }
}
