package io.fleet.simulator.cli;

import io.fleet.director.pcap.PcapReader;
import io.fleet.director.pcap.PcapRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Replays the example capture, made by scapy (deploy/examples/replay/make-capture.py), through the core. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ReplayCommandTest
{
    private static final Path EXAMPLE = Path.of("..", "deploy", "examples", "replay");

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(final String... args)
    {
        final CommandLine cli = SimMain.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    @Test
    void shouldReplayAScapyCaptureAndWriteWhatTheDirectorSends() throws Exception
    {
        final Path result = dir.resolve("out.pcap");
        assertThat(run("replay", "--config", EXAMPLE.resolve("director.conf").toString(),
            "--in", EXAMPLE.resolve("capture.pcap").toString(), "--out", result.toString(), "--report")).isZero();
        final List<PcapRecord> frames = PcapReader.readAll(result);
        // ARP reply, 4 TCP segments to RS1 (DR), the DNS query to the NAT server, the echo reply.
        assertThat(frames).hasSize(7);
        assertThat(out.toString())
            .contains("forwarded                                     5")
            .contains("answered                                      2")
            .contains("drop_tcp_not_syn                              1")
            .contains("drop_not_for_us                               1")
            .contains("malformed_truncated_ipv4                      1")
            .contains("192.0.2.11:80                       1          4");
    }

    @Test
    void tcpdumpShouldFindEveryChecksumInTheOutputCorrect() throws Exception
    {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/tcpdump")) || Files.isExecutable(Path.of("/usr/sbin/tcpdump")),
            "tcpdump is not installed (./fleet test installs it as root)");
        final Path result = dir.resolve("out.pcap");
        assertThat(run("replay", "--config", EXAMPLE.resolve("director.conf").toString(),
            "--in", EXAMPLE.resolve("capture.pcap").toString(), "--out", result.toString())).isZero();
        final Process p = new ProcessBuilder("tcpdump", "-nn", "-vv", "-r", result.toString()).redirectErrorStream(true).start();
        final String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(text).contains("192.0.2.21.5353: [udp sum ok]").contains("cksum 0x853c (correct)")
            .doesNotContain("incorrect").doesNotContain("bad cksum");
    }

    @Test
    void shouldRefuseABadConfigNamingFileLineAndKey() throws Exception
    {
        final Path conf = dir.resolve("bad.conf");
        Files.writeString(conf, String.join("\n",
            "director { mac = \"02:00:00:00:0d:01\", colour = blue }",
            "services = [ {",
            "  protocol = tcp, vip = \"198.51.100.10\", port = 80, scheduler = fastest",
            "  real-servers = [ { address = \"192.0.2.11\", weight = 70000 } ]",
            "} ]"));
        assertThat(run("replay", "--config", conf.toString(), "--in", EXAMPLE.resolve("capture.pcap").toString(),
            "--out", dir.resolve("x.pcap").toString())).isEqualTo(2);
        assertThat(err.toString())
            .contains(conf + ":1: director.colour: unknown key")
            .contains(conf + ":3: services[0].scheduler: unknown scheduler")
            .contains("'fastest'")
            .contains(conf + ":4: services[0].real-servers[0].weight: must be 0..65535 (got 70000)");
        assertThat(Files.exists(dir.resolve("x.pcap"))).isFalse();
    }

    @Test
    void shouldRefuseACaptureThatIsNotEthernet() throws Exception
    {
        final Path bogus = dir.resolve("bogus.pcap");
        Files.write(bogus, new byte[] {1, 2, 3});
        assertThat(run("replay", "--config", EXAMPLE.resolve("director.conf").toString(), "--in", bogus.toString(),
            "--out", dir.resolve("x.pcap").toString())).isEqualTo(2);
        assertThat(err.toString()).contains("bogus.pcap");
    }
}
