package io.fleet.director.port;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@link PcapPort} end to end through the kernel: a network namespace made for the test, a veth pair in it (no
 * addresses, no routes: nothing can leave it), a JVM started inside it with {@code ip netns exec}. Needs root,
 * iproute2 and libpcap; skipped with the reason otherwise. The namespace is deleted afterwards, pass or fail.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PcapPortNamespaceTest
{
    static boolean root()
    {
        try
        {
            final Process p = new ProcessBuilder("id", "-u").start();
            return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim().equals("0") && p.waitFor() == 0;
        }
        catch (final Exception ex)
        {
            return false;
        }
    }

    static int run(final List<String> command, final StringBuilder output) throws Exception
    {
        final Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        final String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(90, TimeUnit.SECONDS))
        {
            p.destroyForcibly();
            throw new AssertionError("timed out: " + command);
        }
        if (output != null)
        {
            output.append(text);
        }
        return p.exitValue();
    }

    @Test
    void shouldAnswerArpAndForwardDrThroughARealInterface() throws Exception
    {
        assumeTrue(root(), "needs root to make a network namespace");
        assumeTrue(Files.isExecutable(Path.of("/usr/sbin/ip")) || Files.isExecutable(Path.of("/usr/bin/ip")) || Files.isExecutable(Path.of("/sbin/ip")),
            "needs iproute2");
        assumeTrue(Files.exists(Path.of("/usr/lib/x86_64-linux-gnu/libpcap.so.0.8")) || Files.exists(Path.of("/usr/lib/x86_64-linux-gnu/libpcap.so.1")),
            "needs libpcap0.8");
        final String ns = "fleet-pcap-" + Integer.toHexString(ThreadLocalRandom.current().nextInt(1 << 20));
        try
        {
            assertThat(run(List.of("ip", "netns", "add", ns), null)).isZero();
            assertThat(run(List.of("ip", "-n", ns, "link", "add", "fdir", "type", "veth", "peer", "name", "fwire"), null)).isZero();
            run(List.of("ip", "netns", "exec", ns, "sysctl", "-q", "-w", "net.ipv6.conf.all.disable_ipv6=1"), null);
            assertThat(run(List.of("ip", "-n", ns, "link", "set", "fdir", "up"), null)).isZero();
            assertThat(run(List.of("ip", "-n", ns, "link", "set", "fwire", "up"), null)).isZero();
            final StringBuilder out = new StringBuilder();
            final String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            final int code = run(List.of("ip", "netns", "exec", ns, java, "-cp", System.getProperty("java.class.path"),
                PcapPortProbe.class.getName(), "fdir", "fwire"), out);
            assertThat(out.toString()).contains("arp-reply true").contains("dr-forward true");
            assertThat(code).as(out.toString()).isZero();
        }
        finally
        {
            run(List.of("ip", "netns", "del", ns), null);
        }
    }
}
