package io.fleet.vrrp.track;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Whether a named interface is up; the director may answer from its ports, the default reads Linux sysfs. */
@FunctionalInterface
public interface LinkState
{
    boolean isUp(String interfaceName);

    /**
     * Up when administratively up (IFF_UP in {@code /sys/class/net/NAME/flags}) and with carrier
     * ({@code /sys/class/net/NAME/carrier} is 1; the file cannot be read while the interface is down). An interface
     * that does not exist is down.
     */
    static LinkState sysfs()
    {
        return name ->
        {
            try
            {
                final Path dir = Path.of("/sys/class/net", name);
                final int flags = Integer.decode(Files.readString(dir.resolve("flags")).trim());
                return (flags & 0x1) != 0 && "1".equals(Files.readString(dir.resolve("carrier")).trim());
            }
            catch (final IOException | NumberFormatException ex)
            {
                return false;
            }
        };
    }
}
