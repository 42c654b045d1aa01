package io.fleet.director.health;

import io.fleet.director.control.Endpoint;
import io.fleet.director.control.ServiceId;
import io.fleet.director.service.IpAddress;
import io.fleet.director.service.Protocol;
import io.fleet.sync.catalog.Quorum;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/** Records what a {@link HealthChecker} tells its listener, with the failure count at that moment. */
final class Recorder implements HealthChecker.Listener
{
    record Event(boolean up, int weight, String reason, long probeFailuresThen, long probesThen)
    {
    }

    static final ServiceId SERVICE = new ServiceId(Protocol.TCP, IpAddress.parse("vip", "127.0.0.100"), 80);

    final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    final AtomicReference<HealthChecker> checker = new AtomicReference<>();

    static CheckTarget target(final int port, final CheckSpec spec)
    {
        return new CheckTarget(SERVICE, new Endpoint(IpAddress.parse("rs", "127.0.0.1"), port), 5, Quorum.MAJORITY, spec);
    }

    HealthChecker start(final CheckTarget target)
    {
        final HealthChecker c = HealthChecker.start(java.util.List.of(target), 1, this);
        checker.set(c);
        return c;
    }

    @Override
    public void changed(final CheckTarget target, final boolean up, final int weight, final String reason)
    {
        final HealthChecker c = checker.get();
        events.add(new Event(up, weight, reason, c == null ? -1 : c.counters().probeFailures(),
            c == null ? -1 : c.counters().probes()));
    }

    /** The next event within {@code seconds}; fails the test if none comes. */
    Event next(final int seconds) throws InterruptedException
    {
        final Event e = events.poll(seconds, TimeUnit.SECONDS);
        if (e == null)
        {
            throw new AssertionError("no health event within " + seconds + " s");
        }
        return e;
    }
}
