package io.fleet.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.fleet.sync.testkit.Await;
import io.fleet.sync.testkit.TestNodes;

/**
 * Artery over TLS with mutual authentication: directors holding certificates the trust store accepts form a
 * cluster; a director whose certificate is not trusted never joins. Certificates are made with the JDK's
 * keytool for each run.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class TlsClusterTest
{
    private static final String HOST = "127.0.0.1";
    private static final String PASSWORD = "fleet-test";

    private static Path keytool()
    {
        return Path.of(System.getProperty("java.home"), "bin", "keytool");
    }

    private static Path keyStore(final Path dir, final String name) throws Exception
    {
        final Path file = dir.resolve(name + ".p12");
        final Process p = new ProcessBuilder(keytool().toString(), "-genkeypair", "-alias", name, "-keyalg", "EC",
            "-groupname", "secp256r1", "-dname", "CN=" + name, "-validity", "2", "-storetype", "PKCS12",
            "-keystore", file.toString(), "-storepass", PASSWORD, "-keypass", PASSWORD, "-ext", "SAN=ip:127.0.0.1")
            .redirectErrorStream(true).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(new String(p.getInputStream().readAllBytes())).isZero();
        return file;
    }

    private static Config tls(final Config base, final Path keyStore, final Path trustStore)
    {
        return ConfigFactory.parseString(String.join("\n",
            "fleet.sync.tls.enabled = on",
            "fleet.sync.tls.key-store = \"" + keyStore + "\"",
            "fleet.sync.tls.key-store-password = \"" + PASSWORD + "\"",
            "fleet.sync.tls.key-password = \"" + PASSWORD + "\"",
            "fleet.sync.tls.trust-store = \"" + trustStore + "\"",
            "fleet.sync.tls.trust-store-password = \"" + PASSWORD + "\"")).withFallback(base);
    }

    @Test
    void shouldFormAClusterOverMutualTlsAndKeepAnUntrustedDirectorOut() throws Exception
    {
        assumeTrue(Files.isExecutable(keytool()), "keytool not found in java.home");
        final Path dir = Files.createTempDirectory("fleet-tls");
        // One certificate shared by the fleet (its own trust anchor); the intruder has a self-signed one.
        final Path fleet = keyStore(dir, "fleet");
        final Path intruder = keyStore(dir, "intruder");
        final int p1 = TestNodes.freePort(HOST);
        final int p2 = TestNodes.freePort(HOST);
        final int p3 = TestNodes.freePort(HOST);
        final List<String> seeds = List.of(HOST + ":" + p1);
        final List<ClusterNode> nodes = new ArrayList<>();
        try
        {
            final ClusterNode a = ClusterNode.start(tls(TestNodes.config(HOST, p1, seeds, dir.resolve("a")), fleet, fleet));
            nodes.add(a);
            final ClusterNode b = ClusterNode.start(tls(TestNodes.config(HOST, p2, seeds, dir.resolve("b")), fleet, fleet));
            nodes.add(b);
            assertThat(a.system().settings().config().getString("pekko.remote.artery.transport")).isEqualTo("tls-tcp");
            Await.until(Duration.ofSeconds(40), () ->
            {
                assertThat(a.upMembers()).isEqualTo(2);
                assertThat(b.upMembers()).isEqualTo(2);
            });

            final ClusterNode c = ClusterNode.start(tls(TestNodes.config(HOST, p3, seeds, dir.resolve("c")), intruder, intruder));
            nodes.add(c);
            Thread.sleep(8000);
            assertThat(c.isUp()).isFalse();
            assertThat(a.upMembers()).isEqualTo(2);
        }
        finally
        {
            for (final ClusterNode n : nodes)
            {
                n.close();
            }
        }
    }

    @Test
    void shouldUseMutualTlsInTheProductionExampleConfig() throws Exception
    {
        final Config example = ConfigFactory.parseFile(Path.of("src/main/config/production-example.conf").toFile())
            .withFallback(ConfigFactory.defaultReference()).resolve();
        final Config pekko = ClusterNode.pekkoConfig(example.getConfig("fleet.sync"));

        assertThat(pekko.getString("pekko.remote.artery.transport")).isEqualTo("tls-tcp");
        assertThat(pekko.getString("pekko.remote.artery.ssl.config-ssl-engine.require-mutual-authentication")).isEqualTo("on");
        assertThat(pekko.getString("pekko.cluster.downing-provider-class")).endsWith("SplitBrainResolverProvider");
        assertThat(pekko.getString("pekko.cluster.split-brain-resolver.active-strategy")).isEqualTo("keep-majority");
        assertThat(pekko.getString("pekko.actor.allow-java-serialization")).isEqualTo("off");
    }
}
