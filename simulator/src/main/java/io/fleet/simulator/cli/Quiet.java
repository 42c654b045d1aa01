package io.fleet.simulator.cli;

import org.slf4j.LoggerFactory;

/**
 * Directors log one line per event; in a drill of dozens of them that would bury the progress bar. Logback is a
 * runtime dependency only, hence the reflection; with another slf4j binding the logs stay as configured.
 */
final class Quiet
{
    private Quiet()
    {
    }

    static void logs()
    {
        final Object root = LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        try
        {
            final Class<?> level = Class.forName("ch.qos.logback.classic.Level");
            root.getClass().getMethod("setLevel", level).invoke(root, level.getField("WARN").get(null));
        }
        catch (final ReflectiveOperationException ex)
        {
            // not logback: leave it
        }
    }
}
