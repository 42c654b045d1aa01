package io.fleet.vrrp.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Writes frames to a classic pcap file and lets the real {@code tcpdump} decode it, so the frames Fleet emits are
 * checked by an independent decoder. Skips (JUnit assumption) when tcpdump is not installed.
 */
public final class Tcpdump
{
    private Tcpdump()
    {
    }

    public static Path find()
    {
        for (final String dir : List.of("/usr/bin", "/usr/sbin", "/bin", "/sbin"))
        {
            final Path p = Path.of(dir, "tcpdump");
            if (Files.isExecutable(p))
            {
                return p;
            }
        }
        return null;
    }

    /** The output of {@code tcpdump -nn -vv -e -r} over the frames; skips the test when tcpdump is absent. */
    public static String decode(final List<byte[]> frames) throws IOException, InterruptedException
    {
        final Path tcpdump = find();
        assumeTrue(tcpdump != null, "tcpdump is not installed (Debian package tcpdump); decode check skipped");
        final Path file = Files.createTempFile("fleet-vrrp-", ".pcap");
        try
        {
            write(file, frames);
            final Process p = new ProcessBuilder(tcpdump.toString(), "-nn", "-vv", "-e", "-r", file.toString())
                .redirectErrorStream(true).start();
            try
            {
                final String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                if (!p.waitFor(20, TimeUnit.SECONDS))
                {
                    throw new IllegalStateException("tcpdump did not finish");
                }
                return out;
            }
            finally
            {
                p.destroyForcibly();
            }
        }
        finally
        {
            Files.deleteIfExists(file);
        }
    }

    /** Classic pcap, microsecond timestamps, link type Ethernet. */
    public static void write(final Path file, final List<byte[]> frames) throws IOException
    {
        try (OutputStream out = Files.newOutputStream(file))
        {
            final java.nio.ByteBuffer header = java.nio.ByteBuffer.allocate(24).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            header.putInt(0xa1b2c3d4).putShort((short)2).putShort((short)4).putInt(0).putInt(0).putInt(65535).putInt(1);
            out.write(header.array());
            int i = 0;
            for (final byte[] f : frames)
            {
                final java.nio.ByteBuffer record = java.nio.ByteBuffer.allocate(16).order(java.nio.ByteOrder.LITTLE_ENDIAN);
                record.putInt(1_700_000_000 + i).putInt(0).putInt(f.length).putInt(f.length);
                out.write(record.array());
                out.write(f);
                i++;
            }
        }
    }
}
