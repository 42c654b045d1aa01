package io.fleet.bench.deploy;

import io.fleet.director.demo.FreePorts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code deploy/install.sh} and the systemd unit: installs the built director into a temporary prefix, checks the
 * unit with {@code systemd-analyze verify} (when this machine has it), starts the installed {@code bin/fleetd} on a
 * proxy-mode config on loopback, waits until it holds its VIP, stops it with SIGTERM (what systemd sends) and
 * expects a clean exit 0. Runs in the bench module because the director's jar exists only after its package phase.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class InstallTest
{
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    @TempDir
    Path prefix;

    @Test
    void shouldInstallAVerifiableUnitAndARunnableDirector() throws Exception
    {
        final Process install = new ProcessBuilder(ROOT.resolve("deploy/install.sh").toString(), "--prefix", prefix.toString())
            .redirectErrorStream(true).start();
        final String installOut = new String(install.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(install.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(install.exitValue()).as(installOut).isZero();
        assertThat(prefix.resolve("bin/fleetd")).isExecutable();
        try (var jars = Files.list(prefix.resolve("lib")))
        {
            assertThat(jars.map(p -> p.getFileName().toString()))
                .anyMatch(n -> n.startsWith("fleet-director-")).anyMatch(n -> n.startsWith("pekko-cluster"));
        }

        final Path unit = prefix.resolve("fleetd.service");
        Files.writeString(unit, Files.readString(ROOT.resolve("deploy/systemd/fleetd.service"))
            .replace("/opt/fleet/", prefix + "/"));
        if (Files.isExecutable(Path.of("/usr/bin/systemd-analyze")))
        {
            final Process verify = new ProcessBuilder("systemd-analyze", "verify", unit.toString()).redirectErrorStream(true).start();
            final String verifyOut = new String(verify.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(verify.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(verify.exitValue()).as(verifyOut).isZero();
        }
        else
        {
            System.out.println("InstallTest: systemd-analyze not installed, unit file not verified");
        }

        final int clusterPort = FreePorts.next();
        final int vipPort = FreePorts.next();
        final Path config = prefix.resolve("fleet.conf");
        Files.writeString(config, String.join("\n",
            "fleet.sync.node { hostname = \"127.0.0.1\", port = " + clusterPort + ", seed-nodes = [\"127.0.0.1:" + clusterPort + "\"] }",
            "fleet.sync.catalog.durable-dir = \"" + prefix.resolve("ddata") + "\"",
            "fleet.vrrp.groups = [ { name = web, addresses = [\"127.0.0.100\"], priority = 100, preempt = true } ]",
            "director { mode = proxy }",
            "services = [ { protocol = tcp, vip = \"127.0.0.100\", port = " + vipPort + ", scheduler = rr,",
            "  real-servers = [ { address = \"127.0.0.11\", port = 8081, method = nat } ] } ]", ""));
        final Process fleetd = new ProcessBuilder(prefix.resolve("bin/fleetd").toString(), "--config", config.toString())
            .redirectErrorStream(true).start();
        try
        {
            final BufferedReader out = new BufferedReader(new InputStreamReader(fleetd.getInputStream(), StandardCharsets.UTF_8));
            String line;
            boolean holds = false;
            final StringBuilder seen = new StringBuilder();
            while (!holds && (line = out.readLine()) != null)
            {
                seen.append(line).append('\n');
                holds = line.startsWith("ROLE web MASTER");
            }
            assertThat(holds).as(seen.toString()).isTrue();
            new ProcessBuilder("kill", "-TERM", Long.toString(fleetd.pid())).start().waitFor();
            assertThat(fleetd.waitFor(30, TimeUnit.SECONDS)).as("fleetd stops on SIGTERM").isTrue();
            assertThat(fleetd.exitValue()).isZero();
        }
        finally
        {
            fleetd.destroyForcibly();
        }
    }
}
