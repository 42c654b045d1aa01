package io.fleet.director.proxy;

import io.fleet.director.sched.SchedulerFactory;
import io.fleet.director.sched.SchedulerOptions;
import io.fleet.director.service.ForwardingMethod;
import io.fleet.director.service.IpAddress;
import io.fleet.director.service.RealServer;
import io.fleet.director.service.Service;
import io.fleet.director.service.VirtualService;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;

/** Services, real servers and free loopback ports for proxy tests. */
final class ProxyFixture
{
    static final String VIP = "127.0.0.100";

    private ProxyFixture()
    {
    }

    static IpAddress ip(final String text)
    {
        return IpAddress.parse("test", text);
    }

    /** A real server reached at another port than the service's (NAT semantics, which is what a proxy does). */
    static RealServer rs(final String address, final int port, final int weight)
    {
        return RealServer.of(ip(address), port, ForwardingMethod.NAT, weight, 0, 0);
    }

    static Service service(final VirtualService vs, final RealServer... inScanOrder)
    {
        return Service.of(vs, SchedulerFactory.create(vs, SchedulerOptions.DEFAULTS.withRandomSeed(42)),
            List.of(inScanOrder));
    }

    /** A TCP port free on this address now (the kernel's pick, released again). */
    static int freePort(final String address)
    {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(address)))
        {
            return s.getLocalPort();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    /** Retries an assertion until it holds or the deadline passes (counters settle after a close). */
    static void eventually(final Runnable assertion) throws InterruptedException
    {
        final long deadlineNs = System.nanoTime() + 5_000_000_000L;
        while (true)
        {
            try
            {
                assertion.run();
                return;
            }
            catch (final AssertionError e)
            {
                if (System.nanoTime() - deadlineNs > 0)
                {
                    throw e;
                }
                Thread.sleep(20);
            }
        }
    }
}
