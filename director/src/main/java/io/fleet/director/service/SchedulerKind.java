package io.fleet.director.service;

import java.util.Locale;

/** The fourteen IPVS schedulers, by their ipvsadm names. */
public enum SchedulerKind
{
    RR("rr", "round robin"),
    WRR("wrr", "weighted round robin"),
    LC("lc", "least connection"),
    WLC("wlc", "weighted least connection"),
    SED("sed", "shortest expected delay"),
    NQ("nq", "never queue"),
    LBLC("lblc", "locality-based least connection"),
    LBLCR("lblcr", "locality-based least connection with replication"),
    DH("dh", "destination hashing"),
    SH("sh", "source hashing"),
    MH("mh", "Maglev consistent hashing"),
    FO("fo", "weighted failover"),
    OVF("ovf", "weighted overflow"),
    TWOS("twos", "weighted random twos choice");

    /** ipvsadm's default when {@code -s} is not given. */
    public static final SchedulerKind DEFAULT = WLC;

    private final String ipvsName;
    private final String description;

    SchedulerKind(final String ipvsName, final String description)
    {
        this.ipvsName = ipvsName;
        this.description = description;
    }

    /** The name ipvsadm uses ({@code -s wlc}). */
    public String ipvsName()
    {
        return ipvsName;
    }

    public String description()
    {
        return description;
    }

    /** Parses an ipvsadm scheduler name; the error lists the valid ones. */
    public static SchedulerKind parse(final String field, final String text)
    {
        if (text != null)
        {
            final String t = text.trim().toLowerCase(Locale.ROOT);
            for (final SchedulerKind k : values())
            {
                if (k.ipvsName.equals(t))
                {
                    return k;
                }
            }
        }
        throw new InvalidServiceException(field, text, "unknown scheduler; one of " + names());
    }

    /** All names, space separated, in ipvsadm's order. */
    public static String names()
    {
        final StringBuilder sb = new StringBuilder();
        for (final SchedulerKind k : values())
        {
            if (sb.length() > 0)
            {
                sb.append(' ');
            }
            sb.append(k.ipvsName);
        }
        return sb.toString();
    }

    @Override
    public String toString()
    {
        return ipvsName;
    }
}
