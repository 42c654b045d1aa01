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

    private static final String WIRE_INSTANCE = "fleet.vrrp.wire-instances = [ { name = VI_1, version = 2, vrid = 51, " +
        "priority = 150, advert-interval = 1s, addresses = [\"10.77.5.100\"], primary-address = \"10.77.5.2\"%s } ]";

    @Test
    void shouldAcceptAWireModeDirectorWithoutMacOrCluster() throws Exception
    {
        final Path f = file("director { mode = wire, interface = eth0 }", WIRE_INSTANCE.formatted(""));
        final Fleetd.Validated v = Fleetd.validate(f.toFile());
        assertThat(v.mode()).isEqualTo("wire");
        assertThat(v.vrrp().wireInstances()).singleElement().satisfies(i -> assertThat(i.vrid()).isEqualTo(51));
    }

    @Test
    void shouldNameWhatAWireModeDirectorCannotRun() throws Exception
    {
        final Path f = file(
            "director { mode = wire }",
            "fleet.vrrp.groups = [ { name = web, addresses = [\"10.77.5.101\"], priority = 100 } ]",
            "services = [ { protocol = tcp, vip = \"10.77.5.101\", port = 80, scheduler = rr,",
            "  real-servers = [ { address = \"10.77.5.11\", method = dr } ] } ]");
        assertThatThrownBy(() -> Fleetd.validate(f.toFile()))
            .isInstanceOf(ConfigException.class)
            .satisfies(ex -> assertThat(String.join("\n", ((ConfigException)ex).problems()))
                .contains(f + ":1: director.interface: missing"));
        final Path g = file(
            "director { mode = wire, interface = eth0 }",
            "fleet.vrrp.groups = [ { name = web, addresses = [\"10.77.5.101\"], priority = 100 } ]",
            "services = [ { protocol = tcp, vip = \"10.77.5.101\", port = 80, scheduler = rr,",
            "  real-servers = [ { address = \"10.77.5.11\", method = dr } ] } ]");
        assertThatThrownBy(() -> Fleetd.validate(g.toFile()))
            .isInstanceOf(ConfigException.class)
            .satisfies(ex ->
            {
                final String all = String.join("\n", ((ConfigException)ex).problems());
                assertThat(all).contains(g + ":1: fleet.vrrp.wire-instances: empty")
                    .contains(g + ":2: fleet.vrrp.groups: a wire-mode director joins no cluster")
                    .contains(g + ":3: services: a wire-mode director forwards nothing");
            });
    }

    @Test
    void shouldRefuseWireInstancesWhereNoNicSpeaksThemOrTheCoreCannotAnswerForThem() throws Exception
    {
        final Path proxy = file("director { mode = proxy }", "services = []", WIRE_INSTANCE.formatted(""));
        assertThatThrownBy(() -> Fleetd.validate(proxy.toFile()))
            .isInstanceOf(ConfigException.class)
            .hasMessageContaining(proxy + ":3: fleet.vrrp.wire-instances: VRRP speaks on a NIC: only in director.mode wire or pcap");
        final Path pcap = file(
            "director { mode = pcap, interface = eth0, mac = \"02:00:00:77:05:02\" }",
            "services = []",
            "fleet.vrrp.groups = [ { name = web, addresses = [\"10.77.5.100\"], priority = 100 } ]",
            WIRE_INSTANCE.formatted(", use-virtual-mac = true"));
        assertThatThrownBy(() -> Fleetd.validate(pcap.toFile()))
            .isInstanceOf(ConfigException.class)
            .satisfies(ex ->
            {
                final String all = String.join("\n", ((ConfigException)ex).problems());
                assertThat(all).contains(pcap + ":4: fleet.vrrp.wire-instances[0].use-virtual-mac: must be false in pcap mode")
                    .contains(pcap + ":4: fleet.vrrp.wire-instances[0].addresses: 10.77.5.100 is also in a fleet.vrrp.groups entry");
            });
    }
}
