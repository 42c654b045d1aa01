package io.fleet.bench;

import io.fleet.director.sched.SchedulerFactory;
import io.fleet.director.sched.SchedulerOptions;
import io.fleet.director.service.FlowKey;
import io.fleet.director.service.ForwardingMethod;
import io.fleet.director.service.IpAddress;
import io.fleet.director.service.RealServer;
import io.fleet.director.service.Scheduler;
import io.fleet.director.service.SchedulerKind;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * The cost of one pick of every scheduler with 10, 100 and 1000 real servers. Weights 1..10 and connection
 * counters are random but fixed (picks do not change them), so the least-connection family scans a realistic
 * spread; flows cycle through 1024 clients and 1024 destinations so that the hashing schedulers and the
 * lblc/lblcr tables see varied keys. Targets (issue: foundation): rr, wrr, dh, sh, mh <= 50 ns per pick;
 * lc, wlc, sed, nq at 1000 servers <= 2 us.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class SchedulerPickBenchmark
{
    private static final int FLOWS = 1024;

    @Param({"rr", "wrr", "lc", "wlc", "sed", "nq", "lblc", "lblcr", "dh", "sh", "mh", "fo", "ovf", "twos"})
    public String scheduler;

    @Param({"10", "100", "1000"})
    public int servers;

    private Scheduler sched;
    private FlowKey[] flows;
    private int next;

    @Setup
    public void setUp()
    {
        final SplittableRandom random = new SplittableRandom(42);
        final RealServer[] list = new RealServer[servers];
        for (int i = 0; i < servers; i++)
        {
            list[i] = RealServer.of(IpAddress.ofIpv4(0x0A000000 + i + 1), 8080, ForwardingMethod.NAT,
                1 + random.nextInt(10), 0, 0);
            list[i].counters(random.nextInt(1000), random.nextInt(5000));
        }
        sched = SchedulerFactory.create(SchedulerKind.parse("scheduler", scheduler), false, false,
            SchedulerOptions.DEFAULTS.withRandomSeed(42));
        sched.update(list);
        flows = new FlowKey[FLOWS];
        for (int i = 0; i < FLOWS; i++)
        {
            flows[i] = new FlowKey().ipv4(6, random.nextInt(), 1024 + random.nextInt(60000),
                0xC6336400 + random.nextInt(FLOWS), 80);
        }
    }

    @Benchmark
    public RealServer pick()
    {
        final FlowKey flow = flows[next];
        next = (next + 1) & (FLOWS - 1);
        return sched.pick(flow, 0);
    }
}
