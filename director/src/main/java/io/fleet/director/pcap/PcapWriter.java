package io.fleet.director.pcap;

import org.agrona.DirectBuffer;

import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.Flushable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes a classic libpcap file of Ethernet frames (link type 1, snap length 262144), with microsecond or
 * nanosecond timestamps, in little-endian order unless told otherwise. tcpdump, tshark and Wireshark read it.
 */
public final class PcapWriter implements Closeable, Flushable
{
    public static final int SNAP_LENGTH = 262_144;

    private final OutputStream out;
    private final boolean nanoseconds;
    private final ByteBuffer recordHeader;
    private final byte[] scratch = new byte[2048];

    private PcapWriter(final OutputStream out, final ByteOrder order, final boolean nanoseconds)
    {
        this.out = out;
        this.nanoseconds = nanoseconds;
        this.recordHeader = ByteBuffer.allocate(PcapReader.RECORD_HEADER_LENGTH).order(order);
    }

    /** A new file (replacing any) with microsecond timestamps, little-endian. */
    public static PcapWriter create(final Path file) throws IOException
    {
        return create(file, false, ByteOrder.LITTLE_ENDIAN);
    }

    /** A new file (replacing any) with the given timestamp resolution and byte order. */
    public static PcapWriter create(final Path file, final boolean nanoseconds, final ByteOrder order) throws IOException
    {
        final OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16);
        try
        {
            final ByteBuffer header = ByteBuffer.allocate(PcapReader.FILE_HEADER_LENGTH).order(order);
            header.putInt(nanoseconds ? PcapReader.MAGIC_NANOSECONDS : PcapReader.MAGIC_MICROSECONDS)
                .putShort((short)2)
                .putShort((short)4)
                .putInt(0)
                .putInt(0)
                .putInt(SNAP_LENGTH)
                .putInt(PcapReader.LINKTYPE_ETHERNET);
            out.write(header.array());
            return new PcapWriter(out, order, nanoseconds);
        }
        catch (final IOException | RuntimeException e)
        {
            out.close();
            throw e;
        }
    }

    public void write(final PcapRecord record) throws IOException
    {
        writeHeader(record.timestampNs(), record.data().length, record.originalLength());
        out.write(record.data());
    }

    public void write(final long timestampNs, final byte[] frame) throws IOException
    {
        writeHeader(timestampNs, frame.length, frame.length);
        out.write(frame);
    }

    public void write(final long timestampNs, final DirectBuffer buffer, final int offset, final int length)
        throws IOException
    {
        writeHeader(timestampNs, length, length);
        for (int done = 0; done < length; )
        {
            final int chunk = Math.min(scratch.length, length - done);
            buffer.getBytes(offset + done, scratch, 0, chunk);
            out.write(scratch, 0, chunk);
            done += chunk;
        }
    }

    private void writeHeader(final long timestampNs, final int capturedLength, final int originalLength)
        throws IOException
    {
        if (capturedLength > SNAP_LENGTH)
        {
            throw new IllegalArgumentException("frame of " + capturedLength + " bytes beyond the snap length " + SNAP_LENGTH);
        }
        final long seconds = Math.floorDiv(timestampNs, 1_000_000_000L);
        final long fractionNs = Math.floorMod(timestampNs, 1_000_000_000L);
        recordHeader.clear();
        recordHeader.putInt((int)seconds)
            .putInt((int)(nanoseconds ? fractionNs : fractionNs / 1_000L))
            .putInt(capturedLength)
            .putInt(originalLength);
        out.write(recordHeader.array());
    }

    @Override
    public void flush() throws IOException
    {
        out.flush();
    }

    @Override
    public void close() throws IOException
    {
        out.close();
    }
}
