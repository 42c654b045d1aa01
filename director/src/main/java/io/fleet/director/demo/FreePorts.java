package io.fleet.director.demo;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Ports for processes the demo and the tests start: free now, and below Linux's ephemeral range (32768 and up), so
 * that an outgoing connection cannot take one between this check and the process's bind.
 */
public final class FreePorts
{
    private static final AtomicInteger NEXT = new AtomicInteger(ThreadLocalRandom.current().nextInt(12_000));

    private FreePorts()
    {
    }

    /** A TCP port free on 127.0.0.1. */
    public static int next()
    {
        for (int attempt = 0; attempt < 2_000; attempt++)
        {
            final int port = 20_000 + Math.floorMod(NEXT.getAndIncrement(), 12_000);
            try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getByName("127.0.0.1")))
            {
                return s.getLocalPort();
            }
            catch (final IOException taken)
            {
                // try the next one
            }
        }
        throw new IllegalStateException("no free port between 20000 and 32000 on 127.0.0.1");
    }
}
