package io.fleet.director.cluster;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.fleet.director.forward.ForwardingConfig;
import io.fleet.director.forward.ForwardingCore;
import io.fleet.director.forward.Verdict;
import io.fleet.director.packet.EthernetHeader;
import io.fleet.director.packet.FrameWriter;
import io.fleet.director.packet.TcpHeader;
import io.fleet.director.sched.SchedulerFactory;
import io.fleet.director.sched.SchedulerOptions;
import io.fleet.director.service.ForwardingMethod;
import io.fleet.director.service.IpAddress;
import io.fleet.director.service.RealServer;
import io.fleet.director.service.SchedulerKind;
import io.fleet.director.service.Service;
import io.fleet.director.service.VirtualService;
import io.fleet.sync.ClusterNode;
import io.fleet.sync.conn.ConnectionReplication;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The whole promise, in one JVM with real Pekko clustering on loopback: director A's forwarding core takes a new
 * NAT connection, its events travel through {@link SyncBridge} and the replicated connection state to director B,
 * and B - which never saw the SYN - forwards the client's next segment to the same real server with the same
 * translation.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class SyncBridgeClusterTest
{
    static final IpAddress VIP = IpAddress.parse("vip", "198.51.100.10");
    static final IpAddress CLIENT = IpAddress.parse("client", "203.0.113.7");
    static final IpAddress RS1 = IpAddress.parse("rs", "192.0.2.11");
    static final IpAddress RS2 = IpAddress.parse("rs", "192.0.2.12");
    static final long MAC = 0x02_00_00_00_0D_01L;

    @TempDir
    Path dir;

    private static int freePort()
    {
        return io.fleet.director.demo.FreePorts.next();
    }

    private Config node(final int port, final int seed, final String name)
    {
        return ConfigFactory.parseString(String.join("\n",
            "fleet.sync.node { hostname = \"127.0.0.1\", port = " + port + ", seed-nodes = [\"127.0.0.1:" + seed + "\"] }",
            "fleet.sync.catalog.durable-dir = \"" + dir.resolve(name) + "\""))
            .withFallback(ConfigFactory.load());
    }

    private static ForwardingCore core(final List<byte[]> sent)
    {
        final VirtualService vs = VirtualService.tcp(VIP, 80).scheduler(SchedulerKind.RR).build();
        final ForwardingConfig config = new ForwardingConfig().portMac(MAC).capacity(1024, 16).syncRing(1 << 20)
            .staticMac(RS1, 0x02_00_00_00_0A_01L).staticMac(RS2, 0x02_00_00_00_0A_02L)
            .epochOffsetNs(System.currentTimeMillis() * 1_000_000L - System.nanoTime())
            .service(Service.of(vs, SchedulerFactory.create(vs, SchedulerOptions.DEFAULTS), List.of(
                RealServer.of(RS1, 8080, ForwardingMethod.NAT, 1, 0, 0),
                RealServer.of(RS2, 8080, ForwardingMethod.NAT, 1, 0, 0))));
        return new ForwardingCore(config, (buffer, offset, length) ->
        {
            final byte[] copy = new byte[length];
            buffer.getBytes(offset, copy);
            sent.add(copy);
        }, System.nanoTime());
    }

    private static Verdict send(final ForwardingCore core, final byte[] frame)
    {
        return core.process(new UnsafeBuffer(frame.clone()), 0, frame.length, System.nanoTime());
    }

    @Test
    void anotherDirectorShouldCarryOnAnEstablishedNatFlowThroughTheReplicatedState() throws Exception
    {
        final int portA = freePort();
        final int portB = freePort();
        final ClusterNode a = ClusterNode.start(node(portA, portA, "a"));
        final ClusterNode b = ClusterNode.start(node(portB, portA, "b"));
        try
        {
            a.awaitUp(Duration.ofSeconds(30));
            b.awaitUp(Duration.ofSeconds(30));
            final List<byte[]> sentA = new ArrayList<>();
            final List<byte[]> sentB = new ArrayList<>();
            final ForwardingCore coreA = core(sentA);
            final ForwardingCore coreB = core(sentB);
            final SyncBridge bridgeA = new SyncBridge(coreA);
            final SyncBridge bridgeB = new SyncBridge(coreB);
            bridgeA.sync(ConnectionReplication.start(a, bridgeA));
            bridgeB.sync(ConnectionReplication.start(b, bridgeB));

            // On A: one connection to use up RS1 under rr, then the flow under test (to RS2), established.
            final FrameWriter client = FrameWriter.frame().macs(0x02_00_00_00_0C_01L, MAC).ip(CLIENT, VIP);
            assertThat(send(coreA, client.tcp(39999, 80, TcpHeader.SYN, 1, 0, new byte[0]))).isEqualTo(Verdict.FORWARDED);
            assertThat(send(coreA, client.tcp(40000, 80, TcpHeader.SYN, 1, 0, new byte[0]))).isEqualTo(Verdict.FORWARDED);
            assertThat(send(coreA, client.tcp(40000, 80, TcpHeader.ACK, 2, 1, new byte[0]))).isEqualTo(Verdict.FORWARDED);
            bridgeA.drain(100);
            assertThat(bridgeA.offered()).isPositive();

            // On B: wait until the record has arrived and been applied by B's own worker loop.
            final long deadline = System.nanoTime() + 30_000_000_000L;
            final io.fleet.director.service.FlowKey key = new io.fleet.director.service.FlowKey()
                .ipv4(6, CLIENT.ipv4(), 40000, VIP.ipv4(), 80);
            while (coreB.table(false).find(key) < 0 && System.nanoTime() < deadline)
            {
                bridgeA.drain(100);
                coreB.poll(System.nanoTime());
                Thread.sleep(5);
            }
            assertThat(coreB.table(false).find(key)).as("the record reached B").isGreaterThanOrEqualTo(0);

            final byte[] data = "GET /".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            assertThat(send(coreB, client.tcp(40000, 80, TcpHeader.ACK | TcpHeader.PSH, 2, 1, data))).isEqualTo(Verdict.FORWARDED);
            final byte[] out = sentB.get(sentB.size() - 1);
            final byte[] expected = FrameWriter.frame().macs(MAC, 0x02_00_00_00_0A_02L).ip(CLIENT, RS2)
                .tcp(40000, 8080, TcpHeader.ACK | TcpHeader.PSH, 2, 1, data);
            assertThat(EthernetHeader.readMac(new UnsafeBuffer(out), 0)).isEqualTo(0x02_00_00_00_0A_02L);
            assertThat(out).isEqualTo(expected);
        }
        finally
        {
            b.close(Duration.ofSeconds(10));
            a.close(Duration.ofSeconds(10));
        }
    }
}
