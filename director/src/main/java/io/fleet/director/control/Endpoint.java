package io.fleet.director.control;

import io.fleet.director.service.IpAddress;

/** An address and port, written {@code 192.0.2.1:80} or {@code [2001:db8::1]:80}. */
public record Endpoint(IpAddress address, int port)
{
    /**
     * Parses {@code ADDRESS[:PORT]}; IPv6 addresses with a port in brackets.
     *
     * @param portRequired whether a missing port is an error (else it is 0).
     * @throws ControlException naming {@code field}.
     */
    public static Endpoint parse(final String field, final String text, final boolean portRequired)
    {
        if (text == null || text.isEmpty())
        {
            throw new ControlException(field, "an address is required");
        }
        String host = text;
        String port = null;
        if (text.startsWith("["))
        {
            final int close = text.indexOf(']');
            if (close < 0)
            {
                throw new ControlException(field, "unclosed '[' in '" + text + "'");
            }
            host = text.substring(1, close);
            if (close + 1 < text.length())
            {
                if (text.charAt(close + 1) != ':')
                {
                    throw new ControlException(field, "expected ':' after ']' in '" + text + "'");
                }
                port = text.substring(close + 2);
            }
        }
        else if (text.indexOf(':') == text.lastIndexOf(':') && text.indexOf(':') >= 0)
        {
            host = text.substring(0, text.indexOf(':'));
            port = text.substring(text.indexOf(':') + 1);
        }
        final IpAddress address;
        try
        {
            address = IpAddress.parse(field, host);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new ControlException(field, "not an IP address: '" + host + "'");
        }
        if (port == null)
        {
            if (portRequired)
            {
                throw new ControlException(field, "a port is required in '" + text + "'");
            }
            return new Endpoint(address, 0);
        }
        final int p;
        try
        {
            p = Integer.parseInt(port);
        }
        catch (final NumberFormatException ex)
        {
            throw new ControlException(field, "port is not a number: '" + port + "'");
        }
        if (p < 0 || p > 65535)
        {
            throw new ControlException(field, "port must be 0..65535 (got " + p + ")");
        }
        return new Endpoint(address, p);
    }

    static String format(final IpAddress address, final int port)
    {
        return (address.isIpv6() ? "[" + address + "]" : address.toString()) + ":" + port;
    }

    @Override
    public String toString()
    {
        return format(address, port);
    }
}
