package io.fleet.director.packet;

import io.fleet.director.pcap.PcapWriter;
import io.fleet.director.service.IpAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The independent check of FrameWriter and PcapWriter: tcpdump reads a pcap of every kind of frame we build and
 * must report each checksum it verifies as correct, and none as bad. Skipped when tcpdump is not installed.
 */
@Timeout(60)
class TcpdumpCheckTest
{
    private static final long SEED = Long.getLong("fleet.test.seed", System.nanoTime());

    /** Frames whose transport checksum tcpdump -vv confirms: TCP "(correct)", UDP "udp sum ok", "icmp6 sum ok". */
    private static int confirmable;

    static synchronized List<byte[]> sampleFrames()
    {
        System.out.println("TcpdumpCheckTest seed " + SEED + " (rerun with -Dfleet.test.seed=" + SEED + ")");
        final Random random = new Random(SEED);
        final List<byte[]> frames = new ArrayList<>();
        int confirm = 0;
        final int client = 0xCB007101;
        final int vip = 0xC633640A;
        final IpAddress client6 = IpAddress.parse("test", "2001:db8::1");
        final IpAddress vip6 = IpAddress.parse("test", "2001:db8::10");
        final IpAddress router6 = IpAddress.parse("test", "2001:db8:ffff::1");

        for (final boolean v6 : new boolean[] {false, true})
        {
            for (final int vlan : new int[] {-1, 0x0064})
            {
                final FrameWriter w = FrameWriter.frame().vlan(vlan).dontFragment(true)
                    .identification(random.nextInt(65536));
                if (v6)
                {
                    w.ipv6(client6, vip6).flowLabel(random.nextInt(1 << 20));
                }
                else
                {
                    w.ipv4(client, vip);
                }
                final int port = 1024 + random.nextInt(60000);
                final int seq = random.nextInt();
                frames.add(w.tcpOptions(new byte[] {2, 4, 5, (byte)0xB4, 1, 3, 3, 7})
                    .tcp(port, 80, TcpHeader.SYN, seq, 0, new byte[0]));
                w.tcpOptions(new byte[0]);
                frames.add(w.tcp(port, 80, TcpHeader.ACK | TcpHeader.PSH, seq + 1, random.nextInt(), payload(random)));
                frames.add(w.tcp(port, 80, TcpHeader.FIN | TcpHeader.ACK, seq + 2, random.nextInt(), new byte[0]));
                frames.add(w.tcp(port, 80, TcpHeader.RST, seq + 3, 0, new byte[0]));
                frames.add(w.udp(port, 7777, payload(random)));
                frames.add(w.udp(port, 7777, new byte[0]));
                confirm += 6;
                frames.add(w.icmpEcho(true, random.nextInt(65536), 1, payload(random)));
                frames.add(w.icmpEcho(false, random.nextInt(65536), 2, payload(random)));
                confirm += v6 ? 2 : 0;
            }
        }

        // IPv4 only: options, UDP without checksum, ICMP errors, fragments.
        final FrameWriter v4 = FrameWriter.frame().ipv4(client, vip);
        frames.add(v4.ipv4Options(new byte[] {(byte)0x94, 4, 0, 0}).tcp(40000, 80, TcpHeader.SYN, 1, 0, new byte[0]));
        v4.ipv4Options(new byte[0]);
        confirm++;
        frames.add(FrameWriter.frame().udpChecksum(false).ipv4(client, vip).udp(5000, 7777, payload(random)));
        final byte[] reply = FrameWriter.frame().dontFragment(true).ipv4(vip, client)
            .tcp(80, 40000, TcpHeader.ACK, 5, 6, new byte[100]);
        frames.add(FrameWriter.frame().ipv4(0xC00002FE, vip).ttl(255).icmpError(
            IcmpHeader.V4_DESTINATION_UNREACHABLE, IcmpHeader.V4_CODE_FRAGMENTATION_NEEDED, 1400, reply));
        final byte[] probe = FrameWriter.frame().ipv4(client, vip).ttl(1).udp(33434, 33435, new byte[24]);
        frames.add(FrameWriter.frame().ipv4(0xC0000201, client).icmpError(IcmpHeader.V4_TIME_EXCEEDED, 0, 0, probe));
        frames.add(FrameWriter.frame().ipv4(vip, client).icmpError(IcmpHeader.V4_DESTINATION_UNREACHABLE, 3, 0, probe));
        // tcpdump checks the ICMPv4 message only for errors, but verifies the three whole packets quoted above.
        confirm += 3;
        frames.addAll(FrameWriter.fragmentIpv4(
            FrameWriter.frame().identification(0x4242).ipv4(client, vip).udp(5000, 7777, new byte[3000]), 1480));

        // IPv6 only: extension headers, ICMPv6 errors, neighbour discovery, fragments.
        final FrameWriter v6 = FrameWriter.frame().ipv6(client6, vip6);
        frames.add(FrameWriter.frame().ipv6(client6, vip6)
            .ipv6Extension(Ipv6Header.NEXT_HEADER_HOP_BY_HOP, 8)
            .ipv6Extension(Ipv6Header.NEXT_HEADER_DESTINATION_OPTIONS, 24)
            .tcp(40000, 80, TcpHeader.SYN, 1, 0, new byte[0]));
        confirm++;
        final byte[] reply6 = FrameWriter.frame().ipv6(vip6, client6).tcp(80, 40000, TcpHeader.ACK, 5, 6, new byte[1400]);
        frames.add(FrameWriter.frame().ipv6(router6, vip6).icmpError(IcmpHeader.V6_PACKET_TOO_BIG, 0, 1280, reply6));
        frames.add(FrameWriter.frame().ipv6(router6, client6).icmpError(IcmpHeader.V6_TIME_EXCEEDED, 0, 0,
            FrameWriter.frame().ipv6(client6, vip6).ttl(1).udp(33434, 33435, new byte[24])));
        frames.add(v6.neighbourSolicitation(vip6));
        frames.add(FrameWriter.frame().ipv6(vip6, client6).neighbourAdvertisement(vip6, false, true, true));
        confirm += 4;
        frames.addAll(FrameWriter.fragmentIpv6(v6.udp(5000, 7777, new byte[3000]), 1232, 0x01020304));

        // ARP.
        frames.add(FrameWriter.frame().arpRequest(0xC6336401, vip));
        frames.add(FrameWriter.frame().padToMinimum(true).arpReply(vip, 0x02_00_00_00_00_09L, 0xC6336401));
        frames.add(FrameWriter.frame().gratuitousArp(vip));
        confirmable = confirm;
        return frames;
    }

    private static byte[] payload(final Random random)
    {
        final byte[] bytes = new byte[random.nextInt(1200)];
        random.nextBytes(bytes);
        return bytes;
    }

    @Test
    void shouldLetTcpdumpVerifyEveryChecksumOfTheFramesWeWrite(@TempDir final Path dir) throws Exception
    {
        final Path tcpdump = findTcpdump();
        assumeTrue(tcpdump != null, "tcpdump is not installed (apt-get install -y tcpdump); skipping the outside check");

        final List<byte[]> frames = sampleFrames();
        final Path file = dir.resolve("written.pcap");
        try (PcapWriter writer = PcapWriter.create(file))
        {
            long timeNs = 1_700_000_000_123_456_000L;
            for (final byte[] frame : frames)
            {
                writer.write(timeNs, frame);
                timeNs += 1_000_000;
            }
        }

        final String out = run(tcpdump.toString(), "-nn", "-vv", "-r", file.toString());
        assertThat(out).doesNotContain("bad cksum", "incorrect", "bad udp cksum", "bad icmp6 cksum", "wrong icmp cksum",
            "truncated", "invalid");
        final int confirmed = count(out, "\\(correct\\)") + count(out, "udp sum ok") + count(out, "icmp6 sum ok");
        assertThat(confirmed).as("checksums tcpdump confirmed, in:%n%s", out).isEqualTo(confirmable);
        final String summary = run(tcpdump.toString(), "-nn", "-q", "-r", file.toString());
        assertThat(summary.lines().filter(l -> l.matches("^\\d\\d:\\d\\d:.*"))).hasSize(frames.size());
    }

    static Path findTcpdump()
    {
        for (final String dir : new String[] {"/usr/bin", "/usr/sbin", "/bin", "/sbin", "/usr/local/bin"})
        {
            final Path p = Path.of(dir, "tcpdump");
            if (Files.isExecutable(p))
            {
                return p;
            }
        }
        return null;
    }

    static String run(final String... command) throws IOException, InterruptedException
    {
        final Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        try
        {
            final byte[] output = process.getInputStream().readAllBytes();
            assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("%s finished", command[0]).isTrue();
            final String text = new String(output, StandardCharsets.UTF_8);
            assertThat(process.exitValue()).as("exit code of %s, output:%n%s", String.join(" ", command), text).isZero();
            return text;
        }
        finally
        {
            process.destroyForcibly();
        }
    }

    private static int count(final String text, final String regex)
    {
        final Matcher m = Pattern.compile(regex).matcher(text);
        int n = 0;
        while (m.find())
        {
            n++;
        }
        return n;
    }
}
