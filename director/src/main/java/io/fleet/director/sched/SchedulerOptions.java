package io.fleet.director.sched;

/**
 * Director-wide scheduler settings that IPVS keeps in sysctls or build options.
 *
 * @param mhTableSize        Maglev table size, a prime (kernel: CONFIG_IP_VS_MH_TAB_INDEX, 4093 by default;
 *                           Fleet: 65537).
 * @param lblcExpirationNs   lblc entry expiry (sysctl {@code lblc_expiration}, 24 h).
 * @param lblcrExpirationNs  lblcr set-shrink period (sysctl {@code lblcr_expiration}, 24 h).
 * @param localitySoftLimit  lblc/lblcr table size above which idle entries are reclaimed (IPVS: 16384).
 * @param localityHardLimit  lblc/lblcr table size at which the least recently used entry is evicted.
 * @param randomSeed         seed for twos' random draws (fixed in tests and what-if runs).
 */
public record SchedulerOptions(
    int mhTableSize,
    long lblcExpirationNs,
    long lblcrExpirationNs,
    int localitySoftLimit,
    int localityHardLimit,
    long randomSeed)
{
    public static final SchedulerOptions DEFAULTS = new SchedulerOptions(
        MaglevScheduler.DEFAULT_TABLE_SIZE,
        LocalityLeastConnectionScheduler.DEFAULT_EXPIRATION_NS,
        LocalityLeastConnectionScheduler.DEFAULT_EXPIRATION_NS,
        LocalityTable.SOFT_LIMIT,
        LocalityTable.HARD_LIMIT,
        System.nanoTime());

    public SchedulerOptions
    {
        if (!MaglevScheduler.isPrime(mhTableSize))
        {
            throw new IllegalArgumentException("mh table size must be a prime, got " + mhTableSize);
        }
        if (lblcExpirationNs <= 0 || lblcrExpirationNs <= 0)
        {
            throw new IllegalArgumentException("lblc/lblcr expiration must be positive");
        }
        if (localitySoftLimit <= 0 || localityHardLimit < localitySoftLimit)
        {
            throw new IllegalArgumentException("locality table limits must satisfy 0 < soft <= hard");
        }
    }

    public SchedulerOptions withMhTableSize(final int size)
    {
        return new SchedulerOptions(size, lblcExpirationNs, lblcrExpirationNs, localitySoftLimit, localityHardLimit,
            randomSeed);
    }

    public SchedulerOptions withRandomSeed(final long seed)
    {
        return new SchedulerOptions(mhTableSize, lblcExpirationNs, lblcrExpirationNs, localitySoftLimit,
            localityHardLimit, seed);
    }

    public SchedulerOptions withLocality(final long lblcNs, final long lblcrNs, final int soft, final int hard)
    {
        return new SchedulerOptions(mhTableSize, lblcNs, lblcrNs, soft, hard, randomSeed);
    }
}
