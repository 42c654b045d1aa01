package io.fleet.director.sched;

import io.fleet.director.service.RealServer;
import io.fleet.director.service.Scheduler;
import io.fleet.director.service.SchedulerFlag;
import io.fleet.director.service.SchedulerKind;
import io.fleet.director.service.VirtualService;

/** Creates the scheduler a virtual service names, with its flags. */
public final class SchedulerFactory
{
    static final RealServer[] NO_SERVERS = new RealServer[0];

    private SchedulerFactory()
    {
    }

    /** A new scheduler for the service (no servers yet: the service hands them over with update). */
    public static Scheduler create(final VirtualService service, final SchedulerOptions options)
    {
        return create(service.scheduler(), service.hasFlag(SchedulerFlag.FLAG_1), service.hasFlag(SchedulerFlag.FLAG_2),
            options);
    }

    /**
     * A new scheduler of the given kind.
     *
     * @param flag1 sh-fallback / mh-fallback.
     * @param flag2 sh-port / mh-port.
     */
    public static Scheduler create(
        final SchedulerKind kind, final boolean flag1, final boolean flag2, final SchedulerOptions options)
    {
        switch (kind)
        {
            case RR: return new RoundRobinScheduler();
            case WRR: return new WeightedRoundRobinScheduler();
            case LC: return new LeastConnectionScheduler();
            case WLC: return new WeightedLeastConnectionScheduler();
            case SED: return new ShortestExpectedDelayScheduler();
            case NQ: return new NeverQueueScheduler();
            case LBLC: return new LocalityLeastConnectionScheduler(
                options.lblcExpirationNs(), options.localitySoftLimit(), options.localityHardLimit());
            case LBLCR: return new LocalityReplicatedScheduler(
                options.lblcrExpirationNs(), options.localitySoftLimit(), options.localityHardLimit());
            case DH: return new DestinationHashScheduler();
            case SH: return new SourceHashScheduler(flag1, flag2);
            case MH: return new MaglevScheduler(options.mhTableSize(), flag1, flag2);
            case FO: return new WeightedFailoverScheduler();
            case OVF: return new WeightedOverflowScheduler();
            case TWOS: return new WeightedRandomTwosScheduler(options.randomSeed());
            default: throw new IllegalArgumentException("no scheduler for " + kind);
        }
    }
}
