package io.fleet.director.service;

/** Transport protocol of a virtual service, with its IP protocol number. */
public enum Protocol
{
    TCP(6, 't'),
    UDP(17, 'u');

    private final int number;
    private final char ipvsadmFlag;

    Protocol(final int number, final char ipvsadmFlag)
    {
        this.number = number;
        this.ipvsadmFlag = ipvsadmFlag;
    }

    /** IP protocol number (6 or 17). */
    public int number()
    {
        return number;
    }

    /** The ipvsadm option letter that names a service of this protocol ({@code -t} or {@code -u}). */
    public char ipvsadmFlag()
    {
        return ipvsadmFlag;
    }

    /** Parses {@code tcp}/{@code udp} in any case; the field name goes into the error. */
    public static Protocol parse(final String field, final String text)
    {
        if (text != null)
        {
            for (final Protocol p : values())
            {
                if (p.name().equalsIgnoreCase(text.trim()))
                {
                    return p;
                }
            }
        }
        throw new InvalidServiceException(field, text, "must be tcp or udp");
    }
}
