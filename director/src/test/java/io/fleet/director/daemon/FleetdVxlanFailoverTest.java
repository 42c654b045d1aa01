package io.fleet.director.daemon;

import io.fleet.director.packet.EthernetHeader;
import io.fleet.director.packet.FrameWriter;
import io.fleet.director.packet.PacketParser;
import io.fleet.director.packet.ParseResult;
import io.fleet.director.packet.ParsedPacket;
import io.fleet.director.packet.TcpHeader;
import io.fleet.director.service.IpAddress;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Lossless failover at the frame level, with real processes: two directors ({@code fleet run}, mode vxlan) on
 * loopback, an overlay "wire" in this test (a client and two real servers' MACs). A connection is established
 * through director A; A is killed with kill -9; director B announces the VIP with a gratuitous ARP, and the
 * client's next segment of the same connection is forwarded by B to the same real server - B never saw the SYN,
 * it learned the connection from the replicated state.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class FleetdVxlanFailoverTest
{
    static final IpAddress VIP = IpAddress.parse("vip", "198.51.100.10");
    static final IpAddress CLIENT = IpAddress.parse("client", "203.0.113.7");
    static final long CLIENT_MAC = 0x02_00_00_00_0C_01L;
    static final long RS1_MAC = 0x02_00_00_00_0A_01L;
    static final long RS2_MAC = 0x02_00_00_00_0A_02L;
    static final long A_MAC = 0x02_00_00_00_0D_01L;
    static final long B_MAC = 0x02_00_00_00_0D_02L;

    @TempDir
    Path dir;

    private final List<byte[]> received = new CopyOnWriteArrayList<>();
    private final List<Process> processes = new ArrayList<>();
    private final List<List<String>> output = new ArrayList<>();

    private static int freePort()
    {
        return io.fleet.director.demo.FreePorts.next();
    }

    private String config(final String name, final int clusterPort, final int seedPort, final int vxlanPort, final int wirePort,
        final String mac, final int[] clusterPorts)
    {
        return String.join("\n",
            "fleet.sync.node { hostname = \"127.0.0.1\", port = " + clusterPort + ", seed-nodes = [\"127.0.0.1:" + seedPort + "\"] }",
            "fleet.sync.catalog.durable-dir = \"" + dir.resolve("ddata-" + name) + "\"",
            "fleet.vrrp.stable-after = 1s",
            "fleet.vrrp.announce { count = 3, interval = 0ms, repeat-delay = 0s, refresh-interval = 0s }",
            "fleet.vrrp.groups = [ { name = web, addresses = [\"" + VIP + "\"], priority = 100, preempt = true,",
            "  priorities { \"127.0.0.1:" + clusterPorts[0] + "\" = 150, \"127.0.0.1:" + clusterPorts[1] + "\" = 100, \"127.0.0.1:"
                + clusterPorts[2] + "\" = 50 } } ]",
            "director {",
            "  mode = vxlan",
            "  vxlan { local = \"127.0.0.1:" + vxlanPort + "\", remotes = [\"127.0.0.1:" + wirePort + "\"], vni = 42 }",
            "  mac = \"" + mac + "\"",
            "  ipv4 = \"192.0.2." + (name.charAt(0) - 'a' + 2) + "\"",
            "}",
            "services = [ { protocol = tcp, vip = \"" + VIP + "\", port = 80, scheduler = rr, real-servers = [",
            "  { address = \"192.0.2.11\", method = dr, mac = \"02:00:00:00:0a:01\" }",
            "  { address = \"192.0.2.12\", method = dr, mac = \"02:00:00:00:0a:02\" } ] } ]",
            "");
    }

    private Process start(final String name, final String conf) throws Exception
    {
        final Path file = dir.resolve(name + ".conf");
        Files.writeString(file, conf);
        final String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        final Process p = new ProcessBuilder(List.of(java, "-Xmx256m", "--add-opens", "java.base/java.nio=ALL-UNNAMED",
            "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
            Fleetd.class.getName(), "--config", file.toString())).redirectErrorStream(true).start();
        final List<String> lines = new CopyOnWriteArrayList<>();
        output.add(lines);
        processes.add(p);
        final Thread t = new Thread(() ->
        {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8)))
            {
                String line;
                while ((line = r.readLine()) != null)
                {
                    lines.add(line);
                }
            }
            catch (final Exception ignored)
            {
                // gone
            }
        });
        t.setDaemon(true);
        t.start();
        return p;
    }

    private boolean await(final int index, final String prefix, final long timeoutMs) throws InterruptedException
    {
        final long deadline = System.nanoTime() + timeoutMs * 1_000_000L;
        while (System.nanoTime() < deadline)
        {
            if (output.get(index).stream().anyMatch(l -> l.startsWith(prefix)))
            {
                return true;
            }
            Thread.sleep(20);
        }
        return false;
    }

    private static byte[] encapsulate(final byte[] frame)
    {
        final byte[] d = new byte[8 + frame.length];
        d[0] = 0x08;
        d[6] = 42 >> 8;
        d[5] = 0;
        d[4] = 0;
        d[6] = (byte)42;
        System.arraycopy(frame, 0, d, 8, frame.length);
        return d;
    }

    private byte[] expect(final java.util.function.Predicate<ParsedPacket> match, final long timeoutMs) throws InterruptedException
    {
        final PacketParser parser = new PacketParser();
        final ParsedPacket p = new ParsedPacket();
        final long deadline = System.nanoTime() + timeoutMs * 1_000_000L;
        while (System.nanoTime() < deadline)
        {
            for (final byte[] f : received)
            {
                if (parser.parse(new UnsafeBuffer(f), 0, f.length, p) == ParseResult.OK && match.test(p))
                {
                    received.remove(f);
                    return f;
                }
            }
            Thread.sleep(5);
        }
        return null;
    }

    @Test
    void anEstablishedConnectionShouldSurviveKillingTheVipHolder() throws Exception
    {
        final int[] cluster = {freePort(), freePort(), freePort()};
        final int vxA = freePort();
        final int vxB = freePort();
        final int vxC = freePort();
        try (DatagramSocket wire = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0)))
        {
            final int wirePort = wire.getLocalPort();
            final Thread listener = new Thread(() ->
            {
                final byte[] buf = new byte[2048];
                while (!wire.isClosed())
                {
                    try
                    {
                        final DatagramPacket d = new DatagramPacket(buf, buf.length);
                        wire.receive(d);
                        if (d.getLength() > 8)
                        {
                            received.add(Arrays.copyOfRange(buf, 8, d.getLength()));
                        }
                    }
                    catch (final Exception ex)
                    {
                        return;
                    }
                }
            });
            listener.setDaemon(true);
            listener.start();
            final InetSocketAddress[] directors = {new InetSocketAddress("127.0.0.1", vxA), new InetSocketAddress("127.0.0.1", vxB),
                new InetSocketAddress("127.0.0.1", vxC)};
            final java.util.function.Consumer<byte[]> send = frame ->
            {
                final byte[] d = encapsulate(frame);
                for (final InetSocketAddress to : directors)
                {
                    try
                    {
                        wire.send(new DatagramPacket(d, d.length, to));
                    }
                    catch (final Exception ex)
                    {
                        throw new IllegalStateException(ex);
                    }
                }
            };

            // Three directors, so that two remain a majority after the kill (with two, the survivor is a minority
            // and rightly releases everything).
            final Process a = start("a", config("a", cluster[0], cluster[0], vxA, wirePort, "02:00:00:00:0d:01", cluster));
            assertThat(await(0, "ROLE web MASTER", 40_000)).as(String.join("\n", output.get(0))).isTrue();
            start("b", config("b", cluster[1], cluster[0], vxB, wirePort, "02:00:00:00:0d:02", cluster));
            start("c", config("c", cluster[2], cluster[0], vxC, wirePort, "02:00:00:00:0d:03", cluster));
            assertThat(await(1, "ROLE web BACKUP", 40_000)).as(String.join("\n", output.get(1))).isTrue();
            assertThat(await(2, "ROLE web BACKUP", 40_000)).as(String.join("\n", output.get(2))).isTrue();
            // All three must see all three up, or a survivor could count itself a minority when A dies.
            for (int i = 0; i < 3; i++)
            {
                final int d = i;
                final long deadline = System.nanoTime() + 30_000_000_000L;
                while (output.get(d).stream().filter(l -> l.startsWith("MEMBER UP ")).distinct().count() < 3
                    && System.nanoTime() < deadline)
                {
                    Thread.sleep(20);
                }
                assertThat(output.get(d).stream().filter(l -> l.startsWith("MEMBER UP ")).distinct().count())
                    .as("members up seen by director %d", d).isGreaterThanOrEqualTo(3);
            }

            // ARP for the VIP: A answers.
            send.accept(FrameWriter.frame().macs(CLIENT_MAC, 0).arpRequest(CLIENT.ipv4(), VIP.ipv4()));
            assertThat(expect(p -> p.arpOperation == 2 && p.src3 == VIP.ipv4(), 5_000)).as("ARP reply").isNotNull();

            final FrameWriter toA = FrameWriter.frame().macs(CLIENT_MAC, A_MAC).ip(CLIENT, VIP);
            send.accept(toA.tcp(39999, 80, TcpHeader.SYN, 1, 0, new byte[0]));
            assertThat(expect(p -> p.srcPort == 39999 && p.tcpFlags == TcpHeader.SYN, 5_000)).as("first SYN forwarded").isNotNull();
            send.accept(toA.tcp(40000, 80, TcpHeader.SYN, 1, 0, new byte[0]));
            final byte[] syn = expect(p -> p.srcPort == 40000 && p.tcpFlags == TcpHeader.SYN, 5_000);
            assertThat(syn).isNotNull();
            final long server = EthernetHeader.readMac(new UnsafeBuffer(syn), 0);
            assertThat(server).isIn(RS1_MAC, RS2_MAC);
            send.accept(toA.tcp(40000, 80, TcpHeader.ACK, 2, 1, new byte[0]));
            assertThat(expect(p -> p.srcPort == 40000 && p.tcpFlags == TcpHeader.ACK, 5_000)).isNotNull();
            Thread.sleep(1_500); // let the established connection reach B through the replicated state

            received.clear(); // A's own announcements from when it took the VIP
            a.destroyForcibly();
            final long killed = System.nanoTime();
            final byte[] garp = expect(p -> p.etherType == EthernetHeader.ETHER_TYPE_ARP && p.src3 == VIP.ipv4(), 20_000);
            assertThat(garp).as("gratuitous ARP from the new holder\n" + String.join("\n", output.get(1))).isNotNull();
            final long takeoverMs = (System.nanoTime() - killed) / 1_000_000;
            // B has the higher priority of the two left; under load C may announce first. Either way the client
            // follows the announcement, as a switch and the client's ARP cache would.
            final long newHolder = EthernetHeader.readMac(new UnsafeBuffer(garp), 6);
            assertThat(newHolder).isIn(B_MAC, 0x02_00_00_00_0D_03L);

            final byte[] data = "GET / HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
            final FrameWriter toB = FrameWriter.frame().macs(CLIENT_MAC, newHolder).ip(CLIENT, VIP);
            send.accept(toB.tcp(40000, 80, TcpHeader.ACK | TcpHeader.PSH, 2, 1, data));
            final byte[] carried = expect(p -> p.srcPort == 40000 && (p.tcpFlags & TcpHeader.PSH) != 0, 5_000);
            assertThat(carried).as("the new holder carries on the connection A established (takeover %d ms)\n%s\n%s",
                takeoverMs, String.join("\n", output.get(1)), String.join("\n", output.get(2))).isNotNull();
            assertThat(EthernetHeader.readMac(new UnsafeBuffer(carried), 0)).as("the same real server").isEqualTo(server);
            assertThat(EthernetHeader.readMac(new UnsafeBuffer(carried), 6)).isEqualTo(newHolder);
            System.out.println("takeover to the first gratuitous ARP: " + takeoverMs + " ms");
        }
        finally
        {
            for (final Process p : processes)
            {
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }
}
