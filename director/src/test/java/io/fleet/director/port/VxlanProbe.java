package io.fleet.director.port;

import io.fleet.director.forward.ForwardingConfig;
import io.fleet.director.forward.ForwardingCore;
import io.fleet.director.sched.SchedulerFactory;
import io.fleet.director.sched.SchedulerOptions;
import io.fleet.director.service.ForwardingMethod;
import io.fleet.director.service.IpAddress;
import io.fleet.director.service.RealServer;
import io.fleet.director.service.Service;
import io.fleet.director.service.VirtualService;
import io.fleet.director.worker.ForwardingWorker;
import org.agrona.concurrent.SystemNanoClock;

import java.net.InetSocketAddress;
import java.util.List;

/**
 * A director on a {@link VxlanPort}, run inside a namespace by {@link VxlanPortNamespaceTest}: it holds VIP
 * 192.0.2.10 (answers ARP and ping for it) and runs until killed. Arguments: local address, remote address.
 */
public final class VxlanProbe
{
    private VxlanProbe()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        final IpAddress vip = IpAddress.parse("vip", "192.0.2.10");
        final VirtualService vs = VirtualService.tcp(vip, 80).build();
        final ForwardingConfig config = new ForwardingConfig().portMac(0x02_00_00_00_0D_01L).capacity(1024, 16)
            .ipv4(IpAddress.parse("own", "192.0.2.2"))
            .service(Service.of(vs, SchedulerFactory.create(vs, SchedulerOptions.DEFAULTS),
                List.of(RealServer.of(IpAddress.parse("rs", "192.0.2.11"), 80, ForwardingMethod.DR, 1, 0, 0))));
        final VxlanPort port = new VxlanPort(new InetSocketAddress(args[0], VxlanPort.DEFAULT_PORT),
            List.of(new InetSocketAddress(args[1], VxlanPort.DEFAULT_PORT)), 42, 1 << 20);
        final ForwardingCore core = new ForwardingCore(config, port, System.nanoTime());
        final ForwardingWorker worker = new ForwardingWorker("vxlan-probe", core, port, new SystemNanoClock(), 64);
        System.out.println("ready");
        System.out.flush();
        long lastReport = System.nanoTime();
        while (true)
        {
            if (worker.doWork() == 0)
            {
                Thread.sleep(1);
            }
            if (System.nanoTime() - lastReport > 1_000_000_000L)
            {
                lastReport = System.nanoTime();
                System.out.println("in=" + port.counters().framesIn() + " out=" + port.counters().framesOut()
                    + " answered=" + core.counters().verdict(io.fleet.director.forward.Verdict.ANSWERED));
                System.out.flush();
            }
        }
    }
}
