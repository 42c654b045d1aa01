package io.fleet.director.admin;

import com.typesafe.config.Config;
import io.fleet.director.config.ConfigException;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;

/**
 * Where the admin API listens and where its bearer token is: {@code fleet.admin.bind} (default
 * {@value #DEFAULT_BIND}: only this host), {@code fleet.admin.port} (default {@value #DEFAULT_PORT}) and
 * {@code fleet.admin.token-file} (default {@value #DEFAULT_TOKEN_FILE}), which {@code fleet adm} reads too.
 * {@code fleet.admin.metrics-token} (default true) says whether {@code /metrics} needs the token as well.
 */
public record AdminSettings(String bind, int port, Path tokenFile, boolean metricsToken)
{
    public static final String DEFAULT_BIND = "127.0.0.1";
    public static final int DEFAULT_PORT = 9780;
    public static final String DEFAULT_TOKEN_FILE = "/etc/fleet/admin.token";

    public AdminSettings
    {
        if (bind == null || bind.isBlank())
        {
            throw new ConfigException(List.of("fleet.admin.bind: an address to bind is required"));
        }
        if (port < 0 || port > 65535)
        {
            throw new ConfigException(List.of("fleet.admin.port: must be 0..65535 (got " + port + ")"));
        }
        if (tokenFile == null)
        {
            throw new ConfigException(List.of("fleet.admin.token-file: a file holding the bearer token is required"));
        }
    }

    /** The defaults: 127.0.0.1:9780, token in /etc/fleet/admin.token, /metrics behind the token. */
    public static AdminSettings defaults()
    {
        return new AdminSettings(DEFAULT_BIND, DEFAULT_PORT, Paths.get(DEFAULT_TOKEN_FILE), true);
    }

    /** Reads {@code fleet.admin.*}; a missing key takes its default. */
    public static AdminSettings fromConfig(final Config config)
    {
        final String prefix = "fleet.admin.";
        try
        {
            final String bind = config.hasPath(prefix + "bind") ? config.getString(prefix + "bind") : DEFAULT_BIND;
            final int port = config.hasPath(prefix + "port") ? config.getInt(prefix + "port") : DEFAULT_PORT;
            final Path token = Paths.get(config.hasPath(prefix + "token-file")
                ? config.getString(prefix + "token-file") : DEFAULT_TOKEN_FILE);
            final boolean metricsToken = !config.hasPath(prefix + "metrics-token") || config.getBoolean(prefix + "metrics-token");
            return new AdminSettings(bind, port, token, metricsToken);
        }
        catch (final com.typesafe.config.ConfigException ex)
        {
            throw new ConfigException(List.of(ex.getMessage()));
        }
    }

    public AdminSettings withPort(final int newPort)
    {
        return new AdminSettings(bind, newPort, tokenFile, metricsToken);
    }

    public AdminSettings withTokenFile(final Path newTokenFile)
    {
        return new AdminSettings(bind, port, newTokenFile, metricsToken);
    }

    public AdminSettings withMetricsToken(final boolean required)
    {
        return new AdminSettings(bind, port, tokenFile, required);
    }
}
