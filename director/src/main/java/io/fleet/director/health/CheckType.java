package io.fleet.director.health;

import java.util.Locale;

/** The checkers, named as in a Fleet file ({@code tcp}) and as Keepalived names them ({@code TCP_CHECK}). */
public enum CheckType
{
    /** A TCP connection that completes within the connect timeout. */
    TCP("TCP_CHECK"),
    /** An HTTP GET whose status (and optionally body digest) is as expected. */
    HTTP("HTTP_GET"),
    /** The same over TLS, trusting any certificate. */
    HTTPS("SSL_GET"),
    /** A UDP datagram answered (or at least not refused with an ICMP error). */
    UDP("UDP_CHECK"),
    /** A program whose exit status decides. */
    MISC("MISC_CHECK");

    private final String keepalivedName;

    CheckType(final String keepalivedName)
    {
        this.keepalivedName = keepalivedName;
    }

    /** Keepalived's name of the checker, what status output shows. */
    public String keepalivedName()
    {
        return keepalivedName;
    }

    /** The name in a Fleet file. */
    public String configName()
    {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@code tcp|http|https|udp|misc}; null when it is none of them. */
    public static CheckType parse(final String text)
    {
        for (final CheckType t : values())
        {
            if (t.configName().equals(text))
            {
                return t;
            }
        }
        return null;
    }
}
