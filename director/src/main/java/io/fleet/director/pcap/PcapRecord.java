package io.fleet.director.pcap;

/**
 * One captured frame: its timestamp in nanoseconds since the epoch, the bytes captured, and the length the frame
 * had on the wire (larger than {@code data.length} when the capture was cut at the snap length).
 */
public record PcapRecord(long timestampNs, byte[] data, int originalLength)
{
    /** A record of a whole frame. */
    public PcapRecord(final long timestampNs, final byte[] data)
    {
        this(timestampNs, data, data.length);
    }
}
