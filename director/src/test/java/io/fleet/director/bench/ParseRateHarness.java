package io.fleet.director.bench;

import io.fleet.director.packet.Checksums;
import io.fleet.director.packet.FrameWriter;
import io.fleet.director.packet.PacketParser;
import io.fleet.director.packet.ParseResult;
import io.fleet.director.packet.ParsedPacket;
import io.fleet.director.packet.TcpHeader;
import io.fleet.director.service.IpAddress;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * A rough single-thread rate of {@link PacketParser#parse} (and of a NAT-style rewrite of an IPv4 TCP frame's
 * destination with incremental checksums), for orientation until the JMH benchmarks in {@code bench/} cover the
 * whole fast path. Not a test: run by hand, see docs/packet-codec.md for the command.
 */
public final class ParseRateHarness
{
    private ParseRateHarness()
    {
    }

    public static void main(final String[] args)
    {
        final long packets = args.length > 0 ? Long.parseLong(args[0]) : 200_000_000L;
        final byte[][] frames = {
            FrameWriter.frame().ipv4(0xCB007101, 0xC633640A).tcp(40000, 80, TcpHeader.ACK, 1, 2, new byte[64]),
            FrameWriter.frame().vlan(100).ipv4(0xCB007101, 0xC633640A).udp(40000, 53, new byte[64]),
            FrameWriter.frame().ipv6(IpAddress.parse("c", "2001:db8::1"), IpAddress.parse("v", "2001:db8::10"))
                .tcp(40000, 80, TcpHeader.ACK, 1, 2, new byte[64]),
        };
        final String[] names = {"ipv4 tcp", "vlan ipv4 udp", "ipv6 tcp"};
        final PacketParser parser = new PacketParser();
        final ParsedPacket out = new ParsedPacket();
        for (int round = 0; round < 3; round++)
        {
            for (int f = 0; f < frames.length; f++)
            {
                final UnsafeBuffer buffer = new UnsafeBuffer(frames[f]);
                final int length = frames[f].length;
                long sink = 0;
                final long startNs = System.nanoTime();
                for (long i = 0; i < packets; i++)
                {
                    sink += parser.parse(buffer, 0, length, out) + out.dstPort;
                }
                final long elapsedNs = System.nanoTime() - startNs;
                System.out.printf("round %d parse %-14s %6.2f ns/packet  %6.1f Mpps  (sink %d)%n",
                    round, names[f], (double)elapsedNs / packets, packets * 1e3 / elapsedNs, sink);
            }
            final UnsafeBuffer buffer = new UnsafeBuffer(frames[0].clone());
            long sink = 0;
            final long startNs = System.nanoTime();
            for (long i = 0; i < packets; i++)
            {
                final int code = parser.parse(buffer, 0, buffer.capacity(), out);
                if (code == ParseResult.OK)
                {
                    // DNAT the destination to an address that alternates, fixing IP and TCP checksums (RFC 1624).
                    final int newDst = out.dst3 ^ 1;
                    final int ipSum = buffer.getShort(out.l3Offset + 10, java.nio.ByteOrder.BIG_ENDIAN) & 0xFFFF;
                    buffer.putShort(out.l3Offset + 10, (short)Checksums.update32(ipSum, out.dst3, newDst),
                        java.nio.ByteOrder.BIG_ENDIAN);
                    final int tcpSum = buffer.getShort(out.l4Offset + 16, java.nio.ByteOrder.BIG_ENDIAN) & 0xFFFF;
                    buffer.putShort(out.l4Offset + 16, (short)Checksums.update32(tcpSum, out.dst3, newDst),
                        java.nio.ByteOrder.BIG_ENDIAN);
                    buffer.putInt(out.l3Offset + 16, newDst, java.nio.ByteOrder.BIG_ENDIAN);
                    sink += newDst;
                }
            }
            final long elapsedNs = System.nanoTime() - startNs;
            System.out.printf("round %d parse+rewrite ipv4 tcp %6.2f ns/packet  %6.1f Mpps  (sink %d)%n",
                round, (double)elapsedNs / packets, packets * 1e3 / elapsedNs, sink);
        }
    }
}
