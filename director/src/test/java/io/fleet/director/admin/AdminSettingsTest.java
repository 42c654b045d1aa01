package io.fleet.director.admin;

import com.typesafe.config.ConfigFactory;
import io.fleet.director.config.ConfigException;
import io.fleet.director.demo.FreePorts;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(60)
class AdminSettingsTest
{
    @Test
    void shouldDefaultToLoopbackAndReadEveryKey()
    {
        assertThat(AdminSettings.fromConfig(ConfigFactory.empty())).isEqualTo(AdminSettings.defaults());
        assertThat(AdminSettings.defaults().bind()).isEqualTo("127.0.0.1");
        final AdminSettings s = AdminSettings.fromConfig(ConfigFactory.parseString(
            "fleet.admin { bind = \"::1\", port = 9999, token-file = \"/run/fleet/token\", metrics-token = false }"));
        assertThat(s).isEqualTo(new AdminSettings("::1", 9999, Path.of("/run/fleet/token"), false));
    }

    @Test
    void shouldRefuseBadValuesNamingTheKey()
    {
        assertThatThrownBy(() -> AdminSettings.fromConfig(ConfigFactory.parseString("fleet.admin.port = 70000")))
            .isInstanceOf(ConfigException.class).hasMessageContaining("fleet.admin.port");
        assertThatThrownBy(() -> AdminSettings.fromConfig(ConfigFactory.parseString("fleet.admin.port = lots")))
            .isInstanceOf(ConfigException.class).hasMessageContaining("fleet.admin.port");
    }

    @Test
    void shouldRefuseAMissingEmptyOrShortTokenFile() throws Exception
    {
        final Path dir = Files.createTempDirectory("fleet-token");
        try
        {
            assertThatThrownBy(() -> BearerToken.fromFile(dir.resolve("none")))
                .hasMessageStartingWith("fleet.admin.token-file: cannot read " + dir.resolve("none"));
            final Path empty = Files.writeString(dir.resolve("empty"), "\n");
            assertThatThrownBy(() -> BearerToken.fromFile(empty)).hasMessageContaining("at least 16");
            final Path spaced = Files.writeString(dir.resolve("spaced"), "two words but long enough\n");
            assertThatThrownBy(() -> BearerToken.fromFile(spaced)).hasMessageContaining("without spaces");
            final Path good = Files.writeString(dir.resolve("good"), "  0123456789abcdef0123\n");
            final BearerToken t = BearerToken.fromFile(good);
            assertThat(t.accepts("Bearer 0123456789abcdef0123")).isTrue();
            assertThat(t.accepts("bearer 0123456789abcdef0123")).isTrue();
            assertThat(t.accepts("Basic 0123456789abcdef0123")).isFalse();
            assertThat(t.accepts("Bearer 0123456789abcdef012")).isFalse();
            assertThat(t.accepts(null)).isFalse();
        }
        finally
        {
            try (var files = Files.list(dir))
            {
                for (final Path p : files.toList())
                {
                    Files.delete(p);
                }
            }
            Files.delete(dir);
        }
    }

    /** What Fleetd will do: one call on its typed actor system. */
    @Test
    void shouldStartOnADaemonsTypedActorSystem() throws Exception
    {
        final Path token = Files.createTempFile("fleet-admin", ".token");
        Files.writeString(token, AdminFixture.TOKEN);
        final ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "fleet-admin-typed-test",
            ConfigFactory.parseString("pekko.loglevel = WARNING").withFallback(ConfigFactory.load()));
        try (AdminServer server = AdminServer.start(system, new InMemoryDirectorControl(),
            new AdminSettings("127.0.0.1", FreePorts.next(), token, true)))
        {
            final HttpResponse<String> r = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(server.url() + "/v1/services")).timeout(Duration.ofSeconds(10))
                    .header("Authorization", "Bearer " + AdminFixture.TOKEN).build(),
                HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).isEqualTo("[]");
        }
        finally
        {
            system.terminate();
            system.getWhenTerminated().toCompletableFuture().get();
            Files.deleteIfExists(token);
        }
    }

    @Test
    void shouldRefuseToStartWhenThePortIsTaken() throws Exception
    {
        try (AdminFixture fx = new AdminFixture())
        {
            final AdminSettings same = new AdminSettings("127.0.0.1", fx.server.localAddress().getPort(), fx.tokenFile, true);
            assertThatThrownBy(() -> AdminServer.start(new InMemoryDirectorControl(), same))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("fleet.admin: cannot bind 127.0.0.1:");
        }
    }
}
