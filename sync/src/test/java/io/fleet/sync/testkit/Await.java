package io.fleet.sync.testkit;

import java.time.Duration;

/** {@code awaitAssert}: retries an assertion until it passes or the time is up, then rethrows its last failure. */
public final class Await
{
    private Await()
    {
    }

    public static void until(final Duration timeout, final Runnable assertion)
    {
        final long deadlineNs = System.nanoTime() + timeout.toNanos();
        while (true)
        {
            try
            {
                assertion.run();
                return;
            }
            catch (final AssertionError | RuntimeException e)
            {
                if (System.nanoTime() - deadlineNs > 0)
                {
                    throw e;
                }
                try
                {
                    Thread.sleep(25);
                }
                catch (final InterruptedException ie)
                {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }
}
