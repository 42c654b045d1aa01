package io.fleet.director.health;

/**
 * The outcome of one attempt: passed or not, why not, and for a dynamic MISC_CHECK the weight the program set
 * ({@link #NO_WEIGHT} otherwise).
 */
record ProbeResult(boolean ok, int weight, String reason)
{
    static final int NO_WEIGHT = -1;
    static final ProbeResult OK = new ProbeResult(true, NO_WEIGHT, "ok");

    static ProbeResult ok(final int weight)
    {
        return new ProbeResult(true, weight, "ok");
    }

    static ProbeResult failed(final String reason)
    {
        return new ProbeResult(false, NO_WEIGHT, reason);
    }

    static String describe(final Throwable t)
    {
        final Throwable root = t.getCause() != null && t.getMessage() == null ? t.getCause() : t;
        final String m = root.getMessage();
        return root.getClass().getSimpleName() + (m == null ? "" : ": " + m);
    }
}
