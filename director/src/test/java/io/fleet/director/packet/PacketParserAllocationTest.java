package io.fleet.director.packet;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.management.ManagementFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The packet path allocates nothing: parsing every golden frame (good and bad, so every error path too) and the
 * incremental checksum updates, hundreds of thousands of times, must leave this thread's allocation counter
 * where it was. A count, not a timing.
 */
@Timeout(60)
class PacketParserAllocationTest
{
    @Test
    void shouldAllocateNothingPerPacket()
    {
        final java.lang.management.ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        assumeTrue(bean instanceof com.sun.management.ThreadMXBean, "this JVM cannot count allocated bytes");
        final com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean)bean;
        assumeTrue(threads.isThreadAllocatedMemorySupported() && threads.isThreadAllocatedMemoryEnabled(),
            "thread allocation counting is off in this JVM");

        final UnsafeBuffer[] buffers = GoldenFrames.FRAMES.values().stream().map(UnsafeBuffer::new)
            .toArray(UnsafeBuffer[]::new);
        final PacketParser parser = new PacketParser();
        final ParsedPacket out = new ParsedPacket();
        long sink = run(parser, out, buffers, 20_000);

        final long before = threads.getCurrentThreadAllocatedBytes();
        sink += run(parser, out, buffers, 300_000);
        final long allocated = threads.getCurrentThreadAllocatedBytes() - before;

        assertThat(sink).isNotZero();
        // A few hundred bytes of slack for the counter itself; one allocation per packet would be megabytes.
        assertThat(allocated).as("bytes allocated by 300000 parses").isLessThan(1024);
    }

    private static long run(final PacketParser parser, final ParsedPacket out, final UnsafeBuffer[] buffers,
        final int packets)
    {
        long sink = 0;
        for (int i = 0; i < packets; i++)
        {
            final UnsafeBuffer buffer = buffers[i % buffers.length];
            sink += parser.parse(buffer, 0, buffer.capacity(), out) + out.srcPort + out.innerDstPort;
            sink += Checksums.update32(i & 0xFFFF, out.src3, out.dst3) + Checksums.udpUpdate16(i & 0xFFFF, 1, 2)
                + Checksums.update128(i & 0xFFFF, out.src0, out.src1, out.src2, out.src3, 1, 2, 3, 4);
        }
        return sink;
    }
}
