package io.fleet.director.service;

/**
 * How a director hands a connection to its real server. Bound to a connection when it is created and
 * never re-decided per packet.
 */
public enum ForwardingMethod
{
    /** Direct routing: rewrite the destination MAC; the real server answers the client itself. ipvsadm {@code -g}. */
    DR('g', "Route"),
    /** Destination NAT; replies must come back through the director. ipvsadm {@code -m}. */
    NAT('m', "Masq"),
    /** IP-in-IP to the real server, which answers directly. ipvsadm {@code -i}. */
    TUN('i', "Tunnel"),
    /** Destination and source NAT to a director-local address, so replies return without routing tricks. */
    FULLNAT('f', "FullNat");

    private final char ipvsadmFlag;
    private final String listName;

    ForwardingMethod(final char ipvsadmFlag, final String listName)
    {
        this.ipvsadmFlag = ipvsadmFlag;
        this.listName = listName;
    }

    /** The ipvsadm option letter ({@code -g}, {@code -m}, {@code -i}; {@code -f} is Fleet's own for FULLNAT). */
    public char ipvsadmFlag()
    {
        return ipvsadmFlag;
    }

    /** The word {@code ipvsadm -L} prints in the Forward column. */
    public String listName()
    {
        return listName;
    }

    /** Whether replies from the real server pass back through the director (and so need a reverse index). */
    public boolean repliesViaDirector()
    {
        return this == NAT || this == FULLNAT;
    }

    /** Parses {@code dr}, {@code nat}, {@code tun}, {@code fullnat}, or ipvsadm's words and letters. */
    public static ForwardingMethod parse(final String field, final String text)
    {
        if (text != null)
        {
            final String t = text.trim().toLowerCase(java.util.Locale.ROOT);
            switch (t)
            {
                case "dr": case "g": case "gatewaying": case "route": case "droute": return DR;
                case "nat": case "m": case "masq": case "masquerading": return NAT;
                case "tun": case "i": case "ipip": case "tunnel": return TUN;
                case "fullnat": case "f": case "fnat": return FULLNAT;
                default: break;
            }
        }
        throw new InvalidServiceException(field, text, "must be one of dr, nat, tun, fullnat");
    }
}
