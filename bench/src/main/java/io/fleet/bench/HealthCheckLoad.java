package io.fleet.bench;

import io.fleet.director.control.Endpoint;
import io.fleet.director.control.ServiceId;
import io.fleet.director.health.CheckSpec;
import io.fleet.director.health.CheckTarget;
import io.fleet.director.health.CheckType;
import io.fleet.director.health.HealthChecker;
import io.fleet.director.service.IpAddress;
import io.fleet.director.service.Protocol;
import io.fleet.sync.catalog.Quorum;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.ReferenceCountUtil;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What health checking costs at scale: N real servers (distinct services, one loopback server answering them
 * all) checked every delay loop by one health event-loop thread, TCP_CHECK or HTTP_GET. Reports checks per
 * second, the CPU time of the health threads (the checker's own cost) and of the whole process (which includes
 * the in-process server answering the checks). A harness, not JMH: the quantity is CPU per wall second under a
 * steady schedule, not the latency of one call.
 *
 * <p>Usage: {@code java -cp bench/target/benchmarks.jar io.fleet.bench.HealthCheckLoad [servers] [delayLoopMs]
 * [seconds] [tcp|http] [port] [connectTimeoutMs]}, defaults 1000 1000 30 tcp 24680 1000.
 */
public final class HealthCheckLoad
{
    private static final byte[] RESPONSE = ("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok")
        .getBytes(StandardCharsets.US_ASCII);

    private HealthCheckLoad()
    {
    }

    /** Answers a TCP connect by closing, an HTTP request with a fixed 200. */
    @ChannelHandler.Sharable
    private static final class Answer extends ChannelInboundHandlerAdapter
    {
        private final boolean http;

        Answer(final boolean http)
        {
            this.http = http;
        }

        @Override
        public void channelActive(final ChannelHandlerContext ctx)
        {
            if (!http)
            {
                ctx.close();
            }
        }

        @Override
        public void channelRead(final ChannelHandlerContext ctx, final Object msg)
        {
            ReferenceCountUtil.release(msg);
            final ByteBuf out = Unpooled.wrappedBuffer(RESPONSE);
            ctx.writeAndFlush(out).addListener(ChannelFutureListener.CLOSE);
        }

        @Override
        public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause)
        {
            ctx.close();
        }
    }

    private static long healthThreadsCpuNs(final ThreadMXBean mx)
    {
        long sum = 0;
        for (final ThreadInfo t : mx.getThreadInfo(mx.getAllThreadIds()))
        {
            if (t != null && t.getThreadName().startsWith("fleet-health"))
            {
                final long ns = mx.getThreadCpuTime(t.getThreadId());
                sum += Math.max(0, ns);
            }
        }
        return sum;
    }

    private static long processCpuNs()
    {
        return ((com.sun.management.OperatingSystemMXBean)ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    public static void main(final String[] args) throws Exception
    {
        final int servers = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        final long delayLoopMs = args.length > 1 ? Long.parseLong(args[1]) : 1000;
        final int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 30;
        final boolean http = args.length > 3 && args[3].equals("http");
        final int port = args.length > 4 ? Integer.parseInt(args[4]) : 24_680;
        final long connectTimeoutMs = args.length > 5 ? Long.parseLong(args[5]) : 1_000;

        final EventLoopGroup serverGroup = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        final Channel server = new ServerBootstrap().group(serverGroup).channel(NioServerSocketChannel.class)
            .option(io.netty.channel.ChannelOption.SO_BACKLOG, 4096)
            .childHandler(new Answer(http)).bind("127.0.0.1", port).sync().channel();

        final IpAddress vip = IpAddress.parse("vip", "127.0.0.100");
        final Endpoint rs = new Endpoint(IpAddress.parse("rs", "127.0.0.1"), port);
        final List<CheckTarget> targets = new ArrayList<>();
        for (int i = 0; i < servers; i++)
        {
            final CheckSpec spec = CheckSpec.builder(http ? CheckType.HTTP : CheckType.TCP).delayLoopMs(delayLoopMs)
                .connectTimeoutMs(connectTimeoutMs).warmupMs(delayLoopMs).build();
            targets.add(new CheckTarget(new ServiceId(Protocol.TCP, vip, 1 + i % 65_000), rs, 1, Quorum.MAJORITY, spec));
        }
        final AtomicLong transitions = new AtomicLong();
        final java.util.Map<String, Long> reasons = new java.util.concurrent.ConcurrentHashMap<>();
        final java.util.Map<String, Long> attemptReasons = new java.util.TreeMap<>();
        final HealthChecker checker = HealthChecker.start(targets, 1, (t, up, weight, reason) ->
        {
            transitions.incrementAndGet();
            if (!up)
            {
                reasons.merge(reason.replaceAll("[0-9]+", "N"), 1L, Long::sum);
            }
        });
        final ThreadMXBean mx = ManagementFactory.getThreadMXBean();

        Thread.sleep(Math.max(5_000, 3 * delayLoopMs));
        final long probes0 = checker.counters().probes();
        final long failures0 = checker.counters().probeFailures();
        final long health0 = healthThreadsCpuNs(mx);
        final long process0 = processCpuNs();
        final long wall0 = System.nanoTime();
        final long endNs = System.nanoTime() + seconds * 1_000_000_000L;
        while (System.nanoTime() - endNs < 0)
        {
            // Sample why attempts fail (each server's last result), to tell overload from a fault.
            for (final HealthChecker.LocalState st : checker.states())
            {
                if (!"ok".equals(st.lastReason()))
                {
                    attemptReasons.merge(st.lastReason().replaceAll("[0-9]+", "N"), 1L, Long::sum);
                }
            }
            Thread.sleep(500);
        }
        final long wallNs = System.nanoTime() - wall0;
        final long probes = checker.counters().probes() - probes0;
        final long failures = checker.counters().probeFailures() - failures0;
        final long healthNs = healthThreadsCpuNs(mx) - health0;
        final long processNs = processCpuNs() - process0;

        System.out.printf("%s: %d real servers, delay loop %d ms, connect timeout %d ms, measured %.1f s%n",
            http ? "HTTP_GET" : "TCP_CHECK", servers, delayLoopMs, connectTimeoutMs, wallNs / 1e9);
        System.out.printf("checks/s %.0f, failed %d, transitions %d%n", probes * 1e9 / wallNs, failures, transitions.get());
        System.out.printf("health threads CPU %.1f%% of one core, %.1f us per check%n", 100.0 * healthNs / wallNs,
            probes == 0 ? 0 : healthNs / 1e3 / probes);
        System.out.printf("whole process CPU %.1f%% of one core (includes the in-process server)%n", 100.0 * processNs / wallNs);
        final long nowMs = System.currentTimeMillis();
        long stale = 0;
        for (final HealthChecker.LocalState st : checker.states())
        {
            if (nowMs - st.lastResultEpochMs() > 3 * delayLoopMs + 2 * connectTimeoutMs + 3_000)
            {
                stale++;
                if (stale <= 3)
                {
                    System.out.println("no result for " + (nowMs - st.lastResultEpochMs()) + " ms: " + st.target().name()
                        + " last " + st.lastReason());
                }
            }
        }
        System.out.println("servers without a recent result: " + stale);
        reasons.forEach((r, n) -> System.out.println("down " + n + "x: " + r));
        attemptReasons.forEach((r, n) -> System.out.println("servers whose last attempt had failed, summed over 0.5 s samples, " + n + "x: " + r));
        checker.close();
        server.close().sync();
        serverGroup.shutdownGracefully().sync();
    }
}
