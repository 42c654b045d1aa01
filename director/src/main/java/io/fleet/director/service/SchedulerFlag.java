package io.fleet.director.service;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * The three scheduler flag bits of IPVS ({@code IP_VS_SVC_F_SCHED1..3}, ipvsadm {@code -b}). sh and mh give
 * the first two a meaning: {@code *-fallback} (flag-1) and {@code *-port} (flag-2).
 */
public enum SchedulerFlag
{
    FLAG_1,
    FLAG_2,
    FLAG_3;

    /**
     * Parses ipvsadm's comma-separated {@code -b} list: {@code flag-1}, {@code flag-2}, {@code flag-3},
     * {@code sh-fallback}, {@code sh-port}, {@code mh-fallback}, {@code mh-port}. A named flag must belong to
     * the service's scheduler.
     */
    public static Set<SchedulerFlag> parse(final String field, final String text, final SchedulerKind scheduler)
    {
        final EnumSet<SchedulerFlag> flags = EnumSet.noneOf(SchedulerFlag.class);
        if (text == null || text.isBlank())
        {
            return flags;
        }
        for (final String raw : text.split(","))
        {
            final String name = raw.trim().toLowerCase(Locale.ROOT);
            switch (name)
            {
                case "flag-1": flags.add(FLAG_1); break;
                case "flag-2": flags.add(FLAG_2); break;
                case "flag-3": flags.add(FLAG_3); break;
                case "sh-fallback": flags.add(named(field, name, SchedulerKind.SH, scheduler, FLAG_1)); break;
                case "sh-port": flags.add(named(field, name, SchedulerKind.SH, scheduler, FLAG_2)); break;
                case "mh-fallback": flags.add(named(field, name, SchedulerKind.MH, scheduler, FLAG_1)); break;
                case "mh-port": flags.add(named(field, name, SchedulerKind.MH, scheduler, FLAG_2)); break;
                default:
                    throw new InvalidServiceException(field, raw,
                        "unknown scheduler flag; one of flag-1, flag-2, flag-3, sh-fallback, sh-port, mh-fallback, mh-port");
            }
        }
        return flags;
    }

    private static SchedulerFlag named(
        final String field, final String name, final SchedulerKind owner, final SchedulerKind scheduler,
        final SchedulerFlag bit)
    {
        if (scheduler != owner)
        {
            throw new InvalidServiceException(field, name, "is a flag of scheduler " + owner + ", not " + scheduler);
        }
        return bit;
    }

    /** The name ipvsadm prints for this bit under the given scheduler. */
    public String displayName(final SchedulerKind scheduler)
    {
        if (scheduler == SchedulerKind.SH || scheduler == SchedulerKind.MH)
        {
            if (this == FLAG_1)
            {
                return scheduler.ipvsName() + "-fallback";
            }
            if (this == FLAG_2)
            {
                return scheduler.ipvsName() + "-port";
            }
        }
        return "flag-" + (ordinal() + 1);
    }
}
