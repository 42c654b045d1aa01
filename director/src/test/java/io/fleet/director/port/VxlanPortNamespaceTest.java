package io.fleet.director.port;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import static io.fleet.director.port.PcapPortNamespaceTest.root;
import static io.fleet.director.port.PcapPortNamespaceTest.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@link VxlanPort} against the Linux kernel's own VXLAN: in a namespace made for the test, a veth pair carries
 * the underlay (10.77.0.1 kernel side, 10.77.0.2 the director), a kernel {@code vxlan} device (VNI 42) carries
 * 192.0.2.1/24, and the director holds VIP 192.0.2.10 on the overlay. The kernel's own ping to the VIP works only
 * if the director decapsulates the kernel's ARP request and echo request and encapsulates its answers so that
 * the kernel accepts them.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class VxlanPortNamespaceTest
{
    @Test
    void theKernelShouldPingTheVipThroughItsVxlanDevice() throws Exception
    {
        assumeTrue(root(), "needs root to make a network namespace");
        final String suffix = Integer.toHexString(ThreadLocalRandom.current().nextInt(1 << 20));
        // Two namespaces: the kernel's VTEP binds UDP 4789 on every address of its namespace, so the director
        // needs a namespace of its own, joined to the kernel's by a veth pair.
        final String ns = "fleet-vxk-" + suffix;
        final String dns = "fleet-vxd-" + suffix;
        Process director = null;
        try
        {
            for (final List<String> c : List.of(
                List.of("ip", "netns", "add", ns),
                List.of("ip", "netns", "add", dns),
                List.of("ip", "-n", ns, "link", "add", "ua", "type", "veth", "peer", "name", "ub", "netns", dns),
                List.of("ip", "-n", ns, "addr", "add", "10.77.0.1/24", "dev", "ua"),
                List.of("ip", "-n", dns, "addr", "add", "10.77.0.2/24", "dev", "ub"),
                List.of("ip", "-n", ns, "link", "set", "ua", "up"),
                List.of("ip", "-n", dns, "link", "set", "ub", "up"),
                List.of("ip", "-n", ns, "link", "set", "lo", "up"),
                List.of("ip", "-n", dns, "link", "set", "lo", "up"),
                List.of("ip", "-n", ns, "link", "add", "vx42", "type", "vxlan", "id", "42", "dstport", "4789",
                    "local", "10.77.0.1", "remote", "10.77.0.2", "dev", "ua"),
                List.of("ip", "-n", ns, "addr", "add", "192.0.2.1/24", "dev", "vx42"),
                List.of("ip", "-n", ns, "link", "set", "vx42", "up")))
            {
                final StringBuilder out = new StringBuilder();
                assertThat(run(c, out)).as(c + ": " + out).isZero();
            }
            final String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            final Path log = Files.createTempFile("vxlan-probe", ".log");
            director = new ProcessBuilder("ip", "netns", "exec", dns, java, "-cp", System.getProperty("java.class.path"),
                VxlanProbe.class.getName(), "10.77.0.2", "10.77.0.1").redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
            final long deadline = System.nanoTime() + 30_000_000_000L;
            while (!Files.readString(log).contains("ready") && director.isAlive() && System.nanoTime() < deadline)
            {
                Thread.sleep(50);
            }
            assertThat(Files.readString(log)).as("the probe's output").contains("ready");
            final StringBuilder ping = new StringBuilder();
            final int code = run(List.of("ip", "netns", "exec", ns, "ping", "-c", "3", "-i", "0.2", "-W", "2", "192.0.2.10"), ping);
            assertThat(ping.toString()).as(ping + "\nprobe: " + Files.readString(log)).contains("3 received");
            assertThat(code).isZero();
            final StringBuilder neigh = new StringBuilder();
            run(List.of("ip", "-n", ns, "neigh", "show", "192.0.2.10"), neigh);
            assertThat(neigh.toString()).contains("02:00:00:00:0d:01");
        }
        finally
        {
            if (director != null)
            {
                director.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
            run(List.of("ip", "netns", "del", ns), null);
            run(List.of("ip", "netns", "del", dns), null);
        }
    }
}
