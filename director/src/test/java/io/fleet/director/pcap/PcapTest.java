package io.fleet.director.pcap;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Classic pcap files: our round trip, files written by libpcap (through tcpdump) and by hand, and bad files. */
@Timeout(60)
class PcapTest
{
    private static final long SEED = Long.getLong("fleet.test.seed", System.nanoTime());

    @TempDir
    Path dir;

    private static List<byte[]> randomFrames(final Random random, final int count)
    {
        final List<byte[]> frames = new ArrayList<>();
        for (int i = 0; i < count; i++)
        {
            final byte[] frame = new byte[14 + random.nextInt(1500)];
            random.nextBytes(frame);
            frames.add(frame);
        }
        return frames;
    }

    @Test
    void shouldReadBackWhatItWroteInEitherResolutionAndByteOrder() throws IOException
    {
        System.out.println("PcapTest seed " + SEED);
        final Random random = new Random(SEED);
        final List<byte[]> frames = randomFrames(random, 50);
        for (final boolean nanoseconds : new boolean[] {false, true})
        {
            for (final ByteOrder order : new ByteOrder[] {ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN})
            {
                final Path file = dir.resolve("rt-" + nanoseconds + "-" + order + ".pcap");
                final long[] times = new long[frames.size()];
                try (PcapWriter writer = PcapWriter.create(file, nanoseconds, order))
                {
                    for (int i = 0; i < frames.size(); i++)
                    {
                        times[i] = 1_700_000_000_000_000_000L + random.nextInt(Integer.MAX_VALUE) * 1_000L + i;
                        if (i % 2 == 0)
                        {
                            writer.write(times[i], frames.get(i));
                        }
                        else
                        {
                            final byte[] padded = new byte[frames.get(i).length + 7];
                            System.arraycopy(frames.get(i), 0, padded, 3, frames.get(i).length);
                            writer.write(times[i], new UnsafeBuffer(padded), 3, frames.get(i).length);
                        }
                    }
                }
                try (PcapReader reader = PcapReader.open(file))
                {
                    assertThat(reader.nanoseconds()).isEqualTo(nanoseconds);
                    assertThat(reader.order()).isEqualTo(order);
                    assertThat(reader.linkType()).isEqualTo(1);
                    for (int i = 0; i < frames.size(); i++)
                    {
                        final PcapRecord r = reader.next();
                        assertThat(r.data()).isEqualTo(frames.get(i));
                        assertThat(r.originalLength()).isEqualTo(frames.get(i).length);
                        assertThat(r.timestampNs()).isEqualTo(nanoseconds ? times[i] : times[i] / 1000 * 1000);
                    }
                    assertThat(reader.next()).isNull();
                }
            }
        }
    }

    @Test
    void shouldReadAFileWrittenByLibpcapInMicroAndNanoseconds() throws Exception
    {
        final Path tcpdump = findTcpdump();
        assumeTrue(tcpdump != null, "tcpdump is not installed (apt-get install -y tcpdump); skipping");
        final Random random = new Random(SEED);
        System.out.println("PcapTest seed " + SEED);
        final List<byte[]> frames = randomFrames(random, 20);
        final Path ours = dir.resolve("ours.pcap");
        try (PcapWriter writer = PcapWriter.create(ours))
        {
            for (int i = 0; i < frames.size(); i++)
            {
                writer.write(1_600_000_000_000_000_000L + i * 1_000_000L, frames.get(i));
            }
        }
        final Path micro = dir.resolve("libpcap-micro.pcap");
        final Path nano = dir.resolve("libpcap-nano.pcap");
        run(tcpdump.toString(), "-r", ours.toString(), "-w", micro.toString());
        run(tcpdump.toString(), "--time-stamp-precision=nano", "-r", ours.toString(), "-w", nano.toString());

        final byte[] nanoMagic = new byte[4];
        System.arraycopy(Files.readAllBytes(nano), 0, nanoMagic, 0, 4);
        assertThat(HexFormat.of().formatHex(nanoMagic)).isIn("4d3cb2a1", "a1b23c4d");
        for (final Path file : new Path[] {micro, nano})
        {
            final List<PcapRecord> records = PcapReader.readAll(file);
            assertThat(records).hasSize(frames.size());
            for (int i = 0; i < frames.size(); i++)
            {
                assertThat(records.get(i).data()).isEqualTo(frames.get(i));
                assertThat(records.get(i).timestampNs()).isEqualTo(1_600_000_000_000_000_000L + i * 1_000_000L);
            }
        }
    }

    @Test
    void shouldReadABigEndianFileWrittenByHand() throws IOException
    {
        // pcap-savefile(5): magic, version 2.4, thiszone, sigfigs, snaplen, network; then ts_sec, ts_usec,
        // incl_len, orig_len and the data.
        final String hex = "a1b2c3d4" + "0002" + "0004" + "00000000" + "00000000" + "0000ffff" + "00000001"
            + "5f5e1000" + "0007a120" + "00000004" + "0000003c" + "deadbeef";
        final Path file = dir.resolve("be.pcap");
        Files.write(file, HexFormat.of().parseHex(hex));
        final List<PcapRecord> records = PcapReader.readAll(file);
        assertThat(records).hasSize(1);
        assertThat(records.get(0).timestampNs()).isEqualTo(1_600_000_000L * 1_000_000_000L + 500_000_000L);
        assertThat(records.get(0).data()).containsExactly(0xDE, 0xAD, 0xBE, 0xEF);
        assertThat(records.get(0).originalLength()).as("cut at the snap length on capture").isEqualTo(60);
    }

    private Path fileWithHeader(final String name, final int magic, final int linkType, final byte[] rest)
        throws IOException
    {
        final ByteBuffer b = ByteBuffer.allocate(24 + rest.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(magic).putShort((short)2).putShort((short)4).putInt(0).putInt(0).putInt(65535).putInt(linkType);
        b.put(rest);
        final Path file = dir.resolve(name);
        Files.write(file, b.array());
        return file;
    }

    @Test
    void shouldRefuseANonEthernetLinkTypeNamingTheFileAndTheType() throws IOException
    {
        final Path file = fileWithHeader("any.pcap", 0xA1B2C3D4, 113, new byte[0]);
        assertThatThrownBy(() -> PcapReader.open(file))
            .isInstanceOf(PcapFormatException.class)
            .hasMessageContaining(file.toString())
            .hasMessageContaining("link type 113")
            .hasMessageContaining("Ethernet");
    }

    @Test
    void shouldNameTheOffsetOfATruncatedRecord() throws IOException
    {
        final ByteBuffer records = ByteBuffer.allocate(16 + 10 + 16 + 5).order(ByteOrder.LITTLE_ENDIAN);
        records.putInt(1).putInt(0).putInt(10).putInt(10).put(new byte[10]);
        records.putInt(2).putInt(0).putInt(100).putInt(100).put(new byte[5]);
        final Path file = fileWithHeader("cut.pcap", 0xA1B2C3D4, 1, records.array());
        try (PcapReader reader = PcapReader.open(file))
        {
            assertThat(reader.next().data()).hasSize(10);
            assertThatThrownBy(reader::next)
                .isInstanceOf(PcapFormatException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("record at byte offset 50")
                .hasMessageContaining("5 of 100 bytes");
        }
    }

    @Test
    void shouldNameTheOffsetOfATruncatedRecordHeaderAndOfAnImpossibleLength() throws IOException
    {
        final Path cut = fileWithHeader("cut-header.pcap", 0xA1B2C3D4, 1, new byte[7]);
        try (PcapReader reader = PcapReader.open(cut))
        {
            assertThatThrownBy(reader::next).hasMessageContaining(cut + ": record at byte offset 24: truncated record header");
        }
        final ByteBuffer huge = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putInt(0).putInt(0)
            .putInt(0x7000_0000).putInt(0x7000_0000);
        final Path corrupt = fileWithHeader("huge.pcap", 0xA1B2C3D4, 1, huge.array());
        try (PcapReader reader = PcapReader.open(corrupt))
        {
            assertThatThrownBy(reader::next).hasMessageContaining("record at byte offset 24").hasMessageContaining("snap length");
        }
    }

    @Test
    void shouldSayWhatIsWrongWithAFileThatIsNoClassicPcap() throws IOException
    {
        final Path text = dir.resolve("notes.txt");
        Files.writeString(text, "these are not packets, just a text file of some length", StandardCharsets.US_ASCII);
        assertThatThrownBy(() -> PcapReader.open(text)).hasMessageContaining(text.toString()).hasMessageContaining("not a pcap file");

        final Path ng = fileWithHeader("capture.pcapng", 0x0A0D0D0A, 1, new byte[0]);
        assertThatThrownBy(() -> PcapReader.open(ng)).hasMessageContaining("pcapng is not supported");

        final Path empty = dir.resolve("empty.pcap");
        Files.write(empty, new byte[3]);
        assertThatThrownBy(() -> PcapReader.open(empty)).hasMessageContaining(empty + ": not a pcap file: 3 bytes");
    }

    static Path findTcpdump()
    {
        for (final String d : new String[] {"/usr/bin", "/usr/sbin", "/bin", "/sbin", "/usr/local/bin"})
        {
            final Path p = Path.of(d, "tcpdump");
            if (Files.isExecutable(p))
            {
                return p;
            }
        }
        return null;
    }

    private static void run(final String... command) throws IOException, InterruptedException
    {
        final Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        try
        {
            final String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(process.exitValue()).as("%s: %s", String.join(" ", command), out).isZero();
        }
        finally
        {
            process.destroyForcibly();
        }
    }
}
