package io.fleet.director.control;

import io.fleet.director.service.IpAddress;
import io.fleet.director.service.Protocol;
import io.fleet.director.service.VirtualService;

import java.util.Locale;

/**
 * Names one virtual service: protocol, VIP and port, or a firewall mark. Its text form is {@code tcp:192.0.2.1:80},
 * {@code udp:[2001:db8::1]:53} or {@code fwm:7}, what the admin API uses in paths and bodies. A firewall-mark id
 * has a null protocol and address and port 0; IPVS keys it by mark and address family, Fleet by mark alone (two
 * services with one mark are refused).
 */
public record ServiceId(Protocol protocol, IpAddress address, int port, long fwmark)
{
    /** A protocol + VIP + port service. */
    public ServiceId(final Protocol protocol, final IpAddress address, final int port)
    {
        this(protocol, address, port, 0);
    }

    /** A firewall-mark service ({@code ipvsadm -f MARK}). */
    public static ServiceId ofFwmark(final long fwmark)
    {
        return new ServiceId(null, null, 0, fwmark);
    }

    public static ServiceId of(final VirtualService vs)
    {
        return vs.isFwmark() ? ofFwmark(vs.fwmark()) : new ServiceId(vs.protocol(), vs.address(), vs.port());
    }

    public boolean isFwmark()
    {
        return fwmark != 0;
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
            throw new ControlException(field,
                "expected PROTOCOL:ADDRESS:PORT such as tcp:192.0.2.1:80, or fwm:MARK (got '" + text + "')");
        }
        final String head = text.substring(0, colon).toLowerCase(Locale.ROOT);
        if ("fwm".equals(head))
        {
            final long mark;
            try
            {
                mark = Long.parseLong(text.substring(colon + 1));
            }
            catch (final NumberFormatException ex)
            {
                throw new ControlException(field, "firewall mark is not a number: '" + text.substring(colon + 1) + "'");
            }
            if (mark < 1 || mark > 0xFFFF_FFFFL)
            {
                throw new ControlException(field, "firewall mark must be 1..4294967295 (got " + mark + ")");
            }
            return ofFwmark(mark);
        }
        final Protocol protocol;
        try
        {
            protocol = Protocol.valueOf(head.toUpperCase(Locale.ROOT));
        }
        catch (final IllegalArgumentException ex)
        {
            throw new ControlException(field, "unknown protocol '" + text.substring(0, colon) + "'; tcp, udp or fwm");
        }
        final Endpoint ep = Endpoint.parse(field, text.substring(colon + 1), true);
        return new ServiceId(protocol, ep.address(), ep.port());
    }

    @Override
    public String toString()
    {
        if (isFwmark())
        {
            return "fwm:" + fwmark;
        }
        return protocol.name().toLowerCase(Locale.ROOT) + ":" + Endpoint.format(address, port);
    }
}
