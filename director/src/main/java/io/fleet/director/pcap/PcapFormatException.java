package io.fleet.director.pcap;

import java.io.IOException;
import java.nio.file.Path;

/** A pcap file that cannot be read; the message names the file and, for a record, its byte offset. */
public final class PcapFormatException extends IOException
{
    private static final long serialVersionUID = 1L;

    PcapFormatException(final Path file, final String problem)
    {
        super(file + ": " + problem);
    }

    PcapFormatException(final Path file, final long recordOffset, final String problem)
    {
        super(file + ": record at byte offset " + recordOffset + ": " + problem);
    }
}
