package io.fleet.director.daemon;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;

import io.fleet.director.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What {@code WireMain} accepts and how it names what it refuses (file, line, key), before opening anything. */
@Timeout(10)
class WireMainConfigTest
{
    private static final String INSTANCE = "fleet.vrrp.wire-instances = [ { name = VI_1, version = 2, vrid = %s, " +
        "priority = 150, advert-interval = 1s, addresses = [\"10.77.5.100\"], primary-address = \"10.77.5.2\" } ]\n";

    @TempDir
    Path dir;

    private File write(final String text) throws Exception
    {
        final Path file = dir.resolve("wire.conf");
        Files.writeString(file, text);
        return file.toFile();
    }

    @Test
    void shouldReadTheInterfaceAndTheWireInstances() throws Exception
    {
        final WireMain.Settings s = WireMain.load(write("director.interface = eth1\n" + INSTANCE.formatted("51")));
        assertThat(s.interfaceName()).isEqualTo("eth1");
        assertThat(s.vrrp().wireInstances()).singleElement()
            .satisfies(i -> assertThat(i.vrid()).isEqualTo(51))
            .satisfies(i -> assertThat(i.advertIntervalCs()).isEqualTo(100));
    }

    @Test
    void shouldNameAMissingInterface() throws Exception
    {
        final File file = write(INSTANCE.formatted("51"));
        assertThatThrownBy(() -> WireMain.load(file)).isInstanceOf(ConfigException.class)
            .hasMessageContaining(file.toString()).hasMessageContaining("director.interface: missing");
    }

    @Test
    void shouldRefuseAFileWithoutWireInstances() throws Exception
    {
        final File file = write("director.interface = eth1\n");
        assertThatThrownBy(() -> WireMain.load(file)).isInstanceOf(ConfigException.class)
            .hasMessageContaining("fleet.vrrp.wire-instances: empty");
    }

    @Test
    void shouldNameTheLineOfABadVrid() throws Exception
    {
        final File file = write("director.interface = eth1\n" + INSTANCE.formatted("300"));
        assertThatThrownBy(() -> WireMain.load(file)).isInstanceOf(ConfigException.class)
            .hasMessageContaining(file + ":2: fleet.vrrp.wire-instances: VI_1: VRID 300 is not 1..255");
    }

    @Test
    void shouldNameTheLineOfAnInterfaceThatIsNotAName() throws Exception
    {
        final File file = write(INSTANCE.formatted("51") + "director.interface { name = eth1 }\n");
        assertThatThrownBy(() -> WireMain.load(file)).isInstanceOf(ConfigException.class)
            .hasMessageContaining(file + ":2: ").hasMessageContaining("director.interface");
    }

    @Test
    void shouldNameAMissingFile()
    {
        final File file = dir.resolve("nope.conf").toFile();
        assertThatThrownBy(() -> WireMain.load(file)).isInstanceOf(ConfigException.class)
            .hasMessageContaining(file + ": no such file");
    }
}
