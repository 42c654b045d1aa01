package io.fleet.director.pcap;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a classic libpcap file (not pcapng): magic 0xa1b2c3d4 (microsecond timestamps) or 0xa1b23c4d
 * (nanosecond), in either byte order, link type 1 (Ethernet) only. Every error names the file, and for a
 * record its byte offset, so an operator can find the bad spot with {@code xxd -s}.
 */
public final class PcapReader implements Closeable
{
    public static final int MAGIC_MICROSECONDS = 0xA1B2C3D4;
    public static final int MAGIC_NANOSECONDS = 0xA1B23C4D;
    public static final int LINKTYPE_ETHERNET = 1;
    static final int FILE_HEADER_LENGTH = 24;
    static final int RECORD_HEADER_LENGTH = 16;
    private static final int PCAPNG_MAGIC = 0x0A0D0D0A;
    /** Largest record accepted whatever the file's snap length says (libpcap's MAXIMUM_SNAPLEN). */
    private static final int MAX_RECORD = 262_144;

    private final Path file;
    private final InputStream in;
    private final ByteOrder order;
    private final boolean nanoseconds;
    private final int snapLength;
    private final int linkType;
    private final ByteBuffer recordHeader;
    private long position;

    private PcapReader(
        final Path file, final InputStream in, final ByteOrder order, final boolean nanoseconds, final int snapLength,
        final int linkType)
    {
        this.file = file;
        this.in = in;
        this.order = order;
        this.nanoseconds = nanoseconds;
        this.snapLength = snapLength;
        this.linkType = linkType;
        this.recordHeader = ByteBuffer.allocate(RECORD_HEADER_LENGTH).order(order);
        this.position = FILE_HEADER_LENGTH;
    }

    /**
     * Opens {@code file} and checks its header.
     *
     * @throws PcapFormatException if it is not a classic pcap file or its link type is not Ethernet.
     */
    public static PcapReader open(final Path file) throws IOException
    {
        final InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        try
        {
            final byte[] header = new byte[FILE_HEADER_LENGTH];
            final int got = in.readNBytes(header, 0, FILE_HEADER_LENGTH);
            if (got < FILE_HEADER_LENGTH)
            {
                throw new PcapFormatException(file, "not a pcap file: " + got + " bytes, shorter than the "
                    + FILE_HEADER_LENGTH + "-byte file header");
            }
            final ByteBuffer b = ByteBuffer.wrap(header).order(ByteOrder.BIG_ENDIAN);
            final int magic = b.getInt(0);
            final ByteOrder order;
            final boolean nanoseconds;
            if (magic == MAGIC_MICROSECONDS || magic == MAGIC_NANOSECONDS)
            {
                order = ByteOrder.BIG_ENDIAN;
                nanoseconds = magic == MAGIC_NANOSECONDS;
            }
            else if (magic == Integer.reverseBytes(MAGIC_MICROSECONDS) || magic == Integer.reverseBytes(MAGIC_NANOSECONDS))
            {
                order = ByteOrder.LITTLE_ENDIAN;
                nanoseconds = magic == Integer.reverseBytes(MAGIC_NANOSECONDS);
            }
            else if (magic == PCAPNG_MAGIC)
            {
                throw new PcapFormatException(file, "pcapng is not supported, only classic pcap; convert it with "
                    + "'tcpdump -r IN -w OUT' or 'editcap -F pcap IN OUT'");
            }
            else
            {
                throw new PcapFormatException(file, String.format(
                    "not a pcap file: magic 0x%08x is none of a1b2c3d4, a1b23c4d in either byte order", magic));
            }
            b.order(order);
            final int snapLength = b.getInt(16);
            // The upper bits of the link-type field may carry FCS information (pcap-savefile(5)).
            final int linkType = b.getInt(20) & 0x0FFF_FFFF;
            if (linkType != LINKTYPE_ETHERNET)
            {
                throw new PcapFormatException(file, "link type " + linkType + " is not supported, only Ethernet ("
                    + LINKTYPE_ETHERNET + "); capture on an Ethernet interface, not 'any' (which is " + 113 + ")");
            }
            return new PcapReader(file, in, order, nanoseconds, snapLength, linkType);
        }
        catch (final IOException | RuntimeException e)
        {
            in.close();
            throw e;
        }
    }

    /** Every record of {@code file}. */
    public static List<PcapRecord> readAll(final Path file) throws IOException
    {
        try (PcapReader reader = open(file))
        {
            final List<PcapRecord> records = new ArrayList<>();
            for (PcapRecord r = reader.next(); r != null; r = reader.next())
            {
                records.add(r);
            }
            return records;
        }
    }

    /**
     * The next record, or {@code null} at the end of the file.
     *
     * @throws PcapFormatException naming the record's offset if it is cut short or its length is impossible.
     */
    public PcapRecord next() throws IOException
    {
        final long recordOffset = position;
        final byte[] header = recordHeader.array();
        final int got = in.readNBytes(header, 0, RECORD_HEADER_LENGTH);
        if (got == 0)
        {
            return null;
        }
        if (got < RECORD_HEADER_LENGTH)
        {
            throw new PcapFormatException(file, recordOffset, "truncated record header: " + got + " of "
                + RECORD_HEADER_LENGTH + " bytes before the end of the file");
        }
        final long seconds = recordHeader.getInt(0) & 0xFFFF_FFFFL;
        final long fraction = recordHeader.getInt(4) & 0xFFFF_FFFFL;
        final int capturedLength = recordHeader.getInt(8);
        final int originalLength = recordHeader.getInt(12);
        if (capturedLength < 0 || capturedLength > Math.max(MAX_RECORD, snapLength))
        {
            throw new PcapFormatException(file, recordOffset, "captured length " + (capturedLength & 0xFFFF_FFFFL)
                + " is beyond the snap length " + snapLength + " (corrupt file?)");
        }
        final byte[] data = new byte[capturedLength];
        final int read = in.readNBytes(data, 0, capturedLength);
        if (read < capturedLength)
        {
            throw new PcapFormatException(file, recordOffset, "truncated record: " + read + " of " + capturedLength
                + " bytes of frame data before the end of the file");
        }
        position += RECORD_HEADER_LENGTH + capturedLength;
        final long timestampNs = seconds * 1_000_000_000L + (nanoseconds ? fraction : fraction * 1_000L);
        return new PcapRecord(timestampNs, data, originalLength);
    }

    public Path file()
    {
        return file;
    }

    public ByteOrder order()
    {
        return order;
    }

    public boolean nanoseconds()
    {
        return nanoseconds;
    }

    public int snapLength()
    {
        return snapLength;
    }

    public int linkType()
    {
        return linkType;
    }

    @Override
    public void close() throws IOException
    {
        in.close();
    }
}
