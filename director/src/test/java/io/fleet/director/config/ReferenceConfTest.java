package io.fleet.director.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The director's {@code reference.conf} documents every key {@link DirectorConfig} accepts (as a setting or in the
 * commented description of the list sections), and the defaults it sets are the ones {@code fleet run} applies.
 */
class ReferenceConfTest
{
    private static String text() throws IOException
    {
        try (InputStream in = ReferenceConfTest.class.getResourceAsStream("/reference.conf"))
        {
            assertThat(in).as("director's reference.conf on the classpath").isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void shouldDocumentEveryKeyTheDirectorAccepts() throws IOException
    {
        final String text = text();
        final List<String> missing = new ArrayList<>();
        for (final String key : DirectorConfig.knownKeys())
        {
            final String leaf = key.substring(key.lastIndexOf('.') + 1);
            // "leaf =" as a setting or a commented one, or "leaf {" for a block.
            final Pattern documented = Pattern.compile("(?m)^[ #]*" + Pattern.quote(leaf) + "\\s*(=|\\{)");
            if (!documented.matcher(text).find())
            {
                missing.add(key);
            }
        }
        assertThat(missing).as("keys DirectorConfig accepts but reference.conf does not describe").isEmpty();
        assertThat(DirectorConfig.knownKeys()).contains("director.mtu", "services.scheduler", "health-check.fall");
    }

    @Test
    void shouldCarryTheDefaultsFleetRunApplies() throws IOException
    {
        final Config reference = ConfigFactory.parseString(text());
        assertThat(reference.getString("director.mode")).isEqualTo("proxy");
        assertThat(reference.getInt("director.mtu")).isEqualTo(1500);
        assertThat(reference.getInt("director.timeouts.tcp")).isEqualTo(900);
        assertThat(reference.getInt("director.timeouts.tcpfin")).isEqualTo(120);
        assertThat(reference.getInt("director.timeouts.udp")).isEqualTo(300);
        assertThat(reference.getInt("director.table.ipv4-capacity")).isEqualTo(1 << 20);
        assertThat(reference.getInt("fleet.admin.port")).isEqualTo(io.fleet.director.admin.AdminSettings.DEFAULT_PORT);
        assertThat(reference.getString("fleet.admin.bind")).isEqualTo(io.fleet.director.admin.AdminSettings.DEFAULT_BIND);
        assertThat(reference.getString("fleet.admin.token-file")).isEqualTo(io.fleet.director.admin.AdminSettings.DEFAULT_TOKEN_FILE);
        // A file with only the required keys reads back the same defaults through DirectorConfig.
        final io.fleet.director.conn.Timeouts timeouts = new io.fleet.director.conn.Timeouts();
        assertThat(timeouts.udpNs()).isEqualTo(reference.getLong("director.timeouts.udp") * 1_000_000_000L);
    }
}
