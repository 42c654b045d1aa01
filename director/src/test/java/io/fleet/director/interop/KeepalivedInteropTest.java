package io.fleet.director.interop;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.fleet.director.daemon.Fleetd;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Fleet in VRRP wire mode beside a real Keepalived (the Debian package), on one bridged segment in network
 * namespaces this test makes: Fleet (a real {@code fleet run} process, {@link Fleetd} with {@code director.mode = wire},
 * started from the built classpath and stopped by PID; priority 150) and Keepalived (priority 100) run VRID 51 with
 * the same password and VIP. A third namespace, the client, asks who has the VIP (a ping after flushing its
 * neighbour table makes its kernel send the ARP request) and the MAC in its neighbour table says who answered.
 * <ol>
 *   <li>Both up: Fleet is master, Keepalived stays backup for longer than its Master_Down_Interval (so it accepts
 *       Fleet's adverts: checksum, password, interval), the client reaches Fleet's MAC; {@code tcpdump -vv} on the
 *       client decodes Fleet's adverts as VRRPv2 with no checksum complaint.</li>
 *   <li>{@code kill -9} of Fleet: Keepalived becomes master within its Master_Down_Interval (3 × 1 s + (256 − 100)
 *       / 256 s = 3.61 s after Fleet's last advert, which came at most 1 s before the kill); the client reaches
 *       Keepalived's MAC.</li>
 *   <li>Fleet started again: preempt, Fleet master, Keepalived back to backup, the client reaches Fleet's MAC.</li>
 *   <li>SIGTERM to Fleet: its priority 0 advert makes Keepalived master after its Skew_Time (0.61 s), well before the
 *       Master_Down_Interval, and {@code fleet run} exits 0.</li>
 * </ol>
 * Needs root, iproute2, keepalived and libpcap (skipped with the reason otherwise); every process is stopped by PID
 * and every namespace deleted afterwards, pass or fail.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class KeepalivedInteropTest
{
    private static final String VIP = "10.77.5.100";
    private static final String FLEET_MAC = "02:00:00:77:05:02";
    private static final String KEEPALIVED_MAC = "02:00:00:77:05:03";
    private static final String CLIENT_MAC = "02:00:00:77:05:04";
    /** Keepalived, priority 100, advert_int 1 s: 3 × 1 s + Skew_Time (256 − 100) / 256 s. */
    private static final long MASTER_DOWN_INTERVAL_MS = 3_000 + (256 - 100) * 1_000 / 256;
    private static final long SKEW_TIME_MS = (256 - 100) * 1_000 / 256;
    /** What polling {@code ip addr} every 50 ms adds to a measured takeover, with room for a loaded machine. */
    private static final long POLL_SLACK_MS = 600;

    private final List<String> fleetOut = Namespaces.lines();
    private final List<String> keepalivedOut = Namespaces.lines();

    @Test
    void keepalivedAndFleetShouldHandTheVipBackAndForthTheVrrpWay() throws Exception
    {
        assumeTrue(Namespaces.root(), "needs root to make network namespaces");
        assumeTrue(Namespaces.tool("ip") != null, "needs iproute2 (ip)");
        assumeTrue(Namespaces.tool("keepalived") != null, "needs keepalived (Debian package keepalived)");
        assumeTrue(Namespaces.tool("ping") != null, "needs ping (Debian package iputils-ping)");
        assumeTrue(Files.exists(Path.of("/usr/lib/x86_64-linux-gnu/libpcap.so.0.8")) ||
            Files.exists(Path.of("/usr/lib/x86_64-linux-gnu/libpcap.so.1")) ||
            Files.exists(Path.of("/usr/lib/aarch64-linux-gnu/libpcap.so.0.8")), "needs libpcap (Debian package libpcap0.8)");
        final String prefix = "v5-" + Integer.toHexString(ThreadLocalRandom.current().nextInt(1 << 20, 1 << 24));
        final Path dir = Files.createTempDirectory("fleet-keepalived-");
        System.out.println("namespaces " + prefix + "-{sw,fleet,ka,client}, files in " + dir);
        try (Namespaces net = new Namespaces(prefix))
        {
            net.segment();
            net.host("fleet", FLEET_MAC, "10.77.5.2/24");
            net.host("ka", KEEPALIVED_MAC, "10.77.5.3/24");
            net.host("client", CLIENT_MAC, "10.77.5.4/24");
            final Path fleetConf = dir.resolve("fleet.conf");
            Files.writeString(fleetConf, fleetConfig());
            final Path keepalivedConf = dir.resolve("keepalived.conf");
            Files.writeString(keepalivedConf, keepalivedConfig());

            // 1. Both up: Fleet (150) is master, Keepalived (100) backup.
            final Process keepalived = net.start("ka", List.of(Namespaces.tool("keepalived").toString(),
                "-n", "-l", "-D", "-P", "-f", keepalivedConf.toString(),
                "-p", dir.resolve("keepalived.pid").toString(), "-r", dir.resolve("vrrp.pid").toString()), keepalivedOut);
            Process fleet = startFleet(net, fleetConf);
            await("Fleet becomes master", 60_000, () -> fleetOut.contains("STATE VI_1 BACKUP MASTER"));
            assertThat(fleetOut).as(report()).contains("READY eth0 " + FLEET_MAC);
            await("Keepalived enters BACKUP", 30_000, () -> keepalivedOut.stream().anyMatch(l -> l.contains("Entering BACKUP STATE")));
            // Longer than Keepalived's Master_Down_Interval: it stays backup only if it accepts Fleet's adverts.
            Thread.sleep(MASTER_DOWN_INTERVAL_MS + 1_000);
            assertThat(keepalivedHoldsVip(net)).as(report()).isFalse();
            assertThat(lastKeepalivedState()).as(report()).isEqualTo("BACKUP");
            assertThat(whoAnswersArp(net)).as(report()).isEqualTo(FLEET_MAC);
            checkTcpdumpDecodesFleetAdverts(net);

            // 2. kill -9 of Fleet: Keepalived takes over within its Master_Down_Interval.
            final long killedNs = System.nanoTime();
            fleet.destroyForcibly();
            final long takeoverMs = awaitMs("Keepalived holds the VIP after kill -9 of Fleet", 15_000,
                () -> keepalivedHoldsVip(net), killedNs);
            System.out.printf(Locale.ROOT, "kill -9 of Fleet -> Keepalived holds the VIP: %d ms (Master_Down_Interval %d ms)%n",
                takeoverMs, MASTER_DOWN_INTERVAL_MS);
            assertThat(takeoverMs).as(report())
                .isLessThanOrEqualTo(MASTER_DOWN_INTERVAL_MS + POLL_SLACK_MS)
                // Fleet's last advert left at most 1 s before the kill: an earlier takeover did not wait for it.
                .isGreaterThanOrEqualTo(MASTER_DOWN_INTERVAL_MS - 1_000);
            assertThat(whoAnswersArp(net)).as(report()).isEqualTo(KEEPALIVED_MAC);

            // 3. Fleet again: it preempts Keepalived.
            fleetOut.clear();
            fleet = startFleet(net, fleetConf);
            await("the restarted Fleet becomes master", 60_000, () -> fleetOut.contains("STATE VI_1 BACKUP MASTER"));
            await("Keepalived releases the VIP", 5_000, () -> !keepalivedHoldsVip(net));
            assertThat(keepalivedOut).as(report()).anyMatch(l -> l.contains("higher priority 150"));
            assertThat(whoAnswersArp(net)).as(report()).isEqualTo(FLEET_MAC);

            // 4. SIGTERM: Fleet says goodbye with priority 0, Keepalived takes over after Skew_Time.
            final long stoppedNs = System.nanoTime();
            fleet.destroy();
            final long handoverMs = awaitMs("Keepalived holds the VIP after SIGTERM to Fleet", 15_000,
                () -> keepalivedHoldsVip(net), stoppedNs);
            System.out.printf(Locale.ROOT, "SIGTERM to Fleet -> Keepalived holds the VIP: %d ms (Skew_Time %d ms)%n",
                handoverMs, SKEW_TIME_MS);
            assertThat(fleet.waitFor(10, TimeUnit.SECONDS)).as(report()).isTrue();
            // fleet run's shutdown hook sent the priority 0 advert and exits 0, as on any clean stop.
            assertThat(fleet.exitValue()).as(report()).isEqualTo(0);
            assertThat(keepalivedOut).as(report()).anyMatch(l -> l.contains("received priority 0 advertisement"));
            assertThat(handoverMs).as(report()).isLessThan(MASTER_DOWN_INTERVAL_MS - 1_000);
            assertThat(whoAnswersArp(net)).as(report()).isEqualTo(KEEPALIVED_MAC);
            assertThat(keepalived.isAlive()).as(report()).isTrue();
            assertThat(keepalivedOut).as("Keepalived found nothing wrong with Fleet's adverts:%n%s", report())
                .noneMatch(l -> l.toLowerCase(Locale.ROOT).matches(".*(invalid|bad |mismatch|wrong).*"));
        }
        finally
        {
            try (var files = Files.walk(dir))
            {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static String fleetConfig()
    {
        return String.join("\n",
            "# Fleet's side of the interop test: fleet run in wire mode, VRRP v2 beside Keepalived, Keepalived's",
            "# defaults (no vmac).",
            "director { mode = wire, interface = eth0 }",
            "fleet.vrrp.announce { count = 3, interval = 0ms, repeat-delay = 0s }",
            "fleet.vrrp.wire-instances = [ {",
            "  name = VI_1, version = 2, vrid = 51, priority = 150, advert-interval = 1s, preempt = true",
            "  auth-pass = \"1111\", addresses = [\"" + VIP + "\"], primary-address = \"10.77.5.2\"",
            "  use-virtual-mac = false",
            "} ]",
            "");
    }

    /** In the style of the seeds' keepalived.conf (state BACKUP, so that priority alone decides). */
    private static String keepalivedConfig()
    {
        return String.join("\n",
            "global_defs {",
            "  router_id fleet_interop",
            "}",
            "vrrp_instance VI_1 {",
            "  state BACKUP",
            "  interface eth0",
            "  virtual_router_id 51",
            "  priority 100",
            "  advert_int 1",
            "  authentication {",
            "    auth_type PASS",
            "    auth_pass 1111",
            "  }",
            "  virtual_ipaddress {",
            "    " + VIP + "/24",
            "  }",
            "}",
            "");
    }

    private Process startFleet(final Namespaces net, final Path conf) throws Exception
    {
        final String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return net.start("fleet", List.of(java, "-Xmx128m", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
            Fleetd.class.getName(), "--config", conf.toString()), fleetOut);
    }

    private static boolean keepalivedHoldsVip(final Namespaces net)
    {
        try
        {
            return net.exec("ka", "ip", "-4", "-o", "addr", "show", "dev", "eth0").contains(" " + VIP + "/");
        }
        catch (final Exception ex)
        {
            throw new IllegalStateException(ex);
        }
    }

    private String lastKeepalivedState()
    {
        String state = null;
        for (final String line : keepalivedOut)
        {
            final Matcher m = Pattern.compile("\\(VI_1\\) Entering (\\w+) STATE").matcher(line);
            if (m.find())
            {
                state = m.group(1);
            }
        }
        return state;
    }

    /**
     * Which MAC answers ARP for the VIP, as the client's kernel learns it: flush its neighbour table, ping the VIP
     * once (the kernel resolves it first; the ping itself need not be answered: Fleet answers only ARP), read the
     * entry. Retried once, since a gratuitous ARP in flight may race the flush.
     */
    private static String whoAnswersArp(final Namespaces net) throws Exception
    {
        String mac = null;
        for (int attempt = 0; attempt < 3 && mac == null; attempt++)
        {
            net.exec("client", "ip", "neigh", "flush", "dev", "eth0");
            net.exec("client", "ping", "-c", "1", "-W", "1", VIP);
            final Matcher m = Pattern.compile("lladdr ([0-9a-f:]{17})")
                .matcher(net.exec("client", "ip", "neigh", "show", VIP, "dev", "eth0"));
            mac = m.find() ? m.group(1) : null;
        }
        return mac;
    }

    private void checkTcpdumpDecodesFleetAdverts(final Namespaces net) throws Exception
    {
        if (Namespaces.tool("tcpdump") == null)
        {
            System.out.println("tcpdump not installed (Debian package tcpdump): decode check of Fleet's adverts skipped");
            return;
        }
        final String out = net.exec("client", "timeout", "5", Namespaces.tool("tcpdump").toString(), "-nn", "-vv", "-e",
            "-i", "eth0", "-c", "2", "ip proto 112 and ether src " + FLEET_MAC);
        final List<String> adverts = new ArrayList<>();
        for (final String line : out.split("\n"))
        {
            if (line.contains("VRRPv2"))
            {
                adverts.add(line.trim());
            }
        }
        System.out.println("tcpdump on the client:\n" + out);
        assertThat(adverts).as(out).hasSize(2)
            .allMatch(l -> l.startsWith("10.77.5.2 > 224.0.0.18: VRRPv2, Advertisement, vrid 51, prio 150, authtype simple, intvl 1s"))
            .allMatch(l -> l.contains("addrs: " + VIP) && l.contains("auth \"1111\""));
        assertThat(out).as("tcpdump checks the VRRP checksum with -v and names a bad one").doesNotContain("bad");
        assertThat(out).contains("ttl 255").contains("tos 0xc0");
    }

    private String report()
    {
        return "Fleet said:\n  " + String.join("\n  ", fleetOut) + "\nKeepalived said:\n  " + String.join("\n  ", keepalivedOut);
    }

    private interface Condition
    {
        boolean holds() throws Exception;
    }

    private void await(final String what, final long timeoutMs, final Condition condition) throws Exception
    {
        awaitMs(what, timeoutMs, condition, System.nanoTime());
    }

    /** Polls every 50 ms; returns the milliseconds from {@code sinceNs} to the first poll that saw it hold. */
    private long awaitMs(final String what, final long timeoutMs, final Condition condition, final long sinceNs)
        throws Exception
    {
        final long deadlineNs = System.nanoTime() + timeoutMs * 1_000_000L;
        while (System.nanoTime() - deadlineNs < 0)
        {
            if (condition.holds())
            {
                return (System.nanoTime() - sinceNs) / 1_000_000L;
            }
            Thread.sleep(50);
        }
        throw new AssertionError(what + ": not within " + timeoutMs + " ms\n" + report());
    }
}
