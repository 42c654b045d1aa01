package io.fleet.director.proxy.bench;

import io.fleet.director.proxy.ProxyConfig;
import io.fleet.director.proxy.ProxyServer;
import io.fleet.director.sched.SchedulerFactory;
import io.fleet.director.sched.SchedulerOptions;
import io.fleet.director.service.ForwardingMethod;
import io.fleet.director.service.IpAddress;
import io.fleet.director.service.RealServer;
import io.fleet.director.service.SchedulerKind;
import io.fleet.director.service.Service;
import io.fleet.director.service.VirtualService;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * Proxy mode as a stand-alone process for the load comparison in {@code bench/proxy/run.sh} (never a test):
 * one TCP service, rr over the given backends, until the process is stopped.
 *
 * <pre>
 * java ... io.fleet.director.proxy.bench.ProxyBenchServer [--transport=epoll|io_uring|nio] LISTEN_IP:PORT THREADS
 *     BACKEND_IP:PORT [BACKEND_IP:PORT ...]
 * </pre>
 */
public final class ProxyBenchServer
{
    private ProxyBenchServer()
    {
    }

    public static void main(final String[] argv) throws InterruptedException
    {
        String transport = "epoll";
        int first = 0;
        while (first < argv.length && argv[first].startsWith("--"))
        {
            final String option = argv[first++];
            if (option.startsWith("--transport="))
            {
                transport = option.substring("--transport=".length());
            }
            else
            {
                usage("unknown option " + option);
            }
        }
        final String[] args = java.util.Arrays.copyOfRange(argv, first, argv.length);
        if (args.length < 3)
        {
            usage("too few arguments");
        }
        if (!List.of("epoll", "io_uring", "nio").contains(transport))
        {
            usage("--transport must be epoll, io_uring or nio, got " + transport);
        }
        final IpAddress vip = IpAddress.parse("listen", host(args[0]));
        final VirtualService vs = VirtualService.tcp(vip, port(args[0])).scheduler(SchedulerKind.RR).build();
        final List<RealServer> servers = new ArrayList<>();
        for (int i = 2; i < args.length; i++)
        {
            servers.add(RealServer.of(IpAddress.parse("backend", host(args[i])), port(args[i]), ForwardingMethod.NAT, 1, 0, 0));
        }
        final Service service = Service.of(vs, SchedulerFactory.create(vs, SchedulerOptions.DEFAULTS), servers);
        final ProxyConfig config = ProxyConfig.defaults().eventLoopThreads(Integer.parseInt(args[1]))
            .preferEpoll(!"nio".equals(transport)).preferIoUring("io_uring".equals(transport));
        final ProxyServer proxy = ProxyServer.start(config, List.of(service));
        if (!proxy.transport().equals(transport))
        {
            System.err.println("transport " + transport + " is not available here; got " + proxy.transport());
            System.exit(1);
        }
        proxy.bind(vip);
        final CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() ->
        {
            proxy.stop();
            stopped.countDown();
        }));
        System.out.println("fleet proxy ready: " + proxy + " listening on " + args[0]);
        stopped.await();
    }

    private static void usage(final String problem)
    {
        System.err.println("ProxyBenchServer: " + problem);
        System.err.println("usage: ProxyBenchServer [--transport=epoll|io_uring|nio] LISTEN_IP:PORT THREADS BACKEND_IP:PORT"
            + " [BACKEND_IP:PORT ...]");
        System.exit(2);
    }

    private static String host(final String endpoint)
    {
        return endpoint.substring(0, endpoint.lastIndexOf(':'));
    }

    private static int port(final String endpoint)
    {
        return Integer.parseInt(endpoint.substring(endpoint.lastIndexOf(':') + 1));
    }
}
