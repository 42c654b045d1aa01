package io.fleet.director.health;

import java.util.concurrent.atomic.LongAdder;

/** What this director's checkers did since start; read from any thread (metrics, status). */
public final class HealthCounters
{
    final LongAdder probes = new LongAdder();
    final LongAdder probeFailures = new LongAdder();
    final LongAdder retries = new LongAdder();
    final LongAdder transitionsUp = new LongAdder();
    final LongAdder transitionsDown = new LongAdder();
    final LongAdder weightChanges = new LongAdder();
    final LongAdder notifyRuns = new LongAdder();
    final LongAdder notifyFailures = new LongAdder();

    /** Attempts made, retries included. */
    public long probes()
    {
        return probes.sum();
    }

    /** Attempts that failed, retries included. */
    public long probeFailures()
    {
        return probeFailures.sum();
    }

    /** Attempts that were retries after a failure of an up server. */
    public long retries()
    {
        return retries.sum();
    }

    /** This director's own down-to-up transitions. */
    public long transitionsUp()
    {
        return transitionsUp.sum();
    }

    /** This director's own up-to-down transitions. */
    public long transitionsDown()
    {
        return transitionsDown.sum();
    }

    /** Weight changes a dynamic MISC_CHECK made while the server was up. */
    public long weightChanges()
    {
        return weightChanges.sum();
    }

    /** Notify scripts started. */
    public long notifyRuns()
    {
        return notifyRuns.sum();
    }

    /** Notify scripts that could not start, exited non-zero or were killed at their timeout. */
    public long notifyFailures()
    {
        return notifyFailures.sum();
    }
}
