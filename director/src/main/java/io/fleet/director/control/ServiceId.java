package io.fleet.director.control;

import io.fleet.director.service.IpAddress;
import io.fleet.director.service.Protocol;
import io.fleet.director.service.VirtualService;

import java.util.Locale;

/**
 * Names one virtual service: protocol, VIP and port. Its text form is {@code tcp:192.0.2.1:80} or
 * {@code udp:[2001:db8::1]:53}, what the admin API uses in paths and bodies.
 */
public record ServiceId(Protocol protocol, IpAddress address, int port)
{
    public static ServiceId of(final VirtualService vs)
    {
        return new ServiceId(vs.protocol(), vs.address(), vs.port());
    }

    /**
     * Parses the text form.
     *
     * @throws ControlException naming {@code field} when the text is not a service id.
     */
    public static ServiceId parse(final String field, final String text)
    {
        final int colon = text == null ? -1 : text.indexOf(':');
        if (colon <= 0)
        {
            throw new ControlException(field, "expected PROTOCOL:ADDRESS:PORT such as tcp:192.0.2.1:80 (got '" + text + "')");
        }
        final Protocol protocol;
        try
        {
            protocol = Protocol.valueOf(text.substring(0, colon).toUpperCase(Locale.ROOT));
        }
        catch (final IllegalArgumentException ex)
        {
            throw new ControlException(field, "unknown protocol '" + text.substring(0, colon) + "'; tcp or udp");
        }
        final Endpoint ep = Endpoint.parse(field, text.substring(colon + 1), true);
        return new ServiceId(protocol, ep.address(), ep.port());
    }

    @Override
    public String toString()
    {
        return protocol.name().toLowerCase(Locale.ROOT) + ":" + Endpoint.format(address, port);
    }
}
