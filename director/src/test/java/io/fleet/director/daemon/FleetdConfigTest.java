package io.fleet.director.daemon;

import io.fleet.director.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A daemon's file is validated whole before anything starts; each error names the file, the line and the key. */
class FleetdConfigTest
{
    @TempDir
    Path dir;

    private Path file(final String... lines) throws Exception
    {
        final Path f = dir.resolve("fleet.conf");
        Files.writeString(f, String.join("\n", lines));
        return f;
    }

    @Test
    void shouldRefuseUnknownKeysAndUnsupportedModesBeforeStartingAnything() throws Exception
    {
        final Path f = file(
            "director { mode = pcap, colour = blue }",
            "services = [ { protocol = tcp, vip = \"127.0.0.100\", port = 80, scheduler = rr,",
            "  real-servers = [ { address = \"127.0.0.11\", port = 8080, method = nat, weight = 70000 } ] } ]");
        assertThatThrownBy(() -> Fleetd.start(f.toFile()))
            .isInstanceOf(ConfigException.class)
            .satisfies(ex ->
            {
                final String all = String.join("\n", ((ConfigException)ex).problems());
                assertThat(all).contains(f + ":1: director.interface: missing")
                    .contains(f + ":1: director.colour: unknown key")
                    .contains(f + ":3: services[0].real-servers[0].weight: must be 0..65535 (got 70000)");
            });
    }

    @Test
    void shouldRefuseABadElectionSectionNamingItsPath() throws Exception
    {
        final Path f = file(
            "director { mode = proxy }",
            "fleet.vrrp.groups = [ { name = web, addresses = [\"not-an-ip\"], priority = 100 } ]",
            "services = []");
        assertThatThrownBy(() -> Fleetd.start(f.toFile()))
            .isInstanceOf(ConfigException.class)
            .hasMessageContaining(f.toString())
            .hasMessageContaining("not-an-ip");
    }
}
