package io.fleet.director.packet;

import org.agrona.MutableDirectBuffer;

import java.nio.ByteOrder;

/**
 * Flyweight over an Ethernet II header, optionally with one 802.1Q tag. MAC addresses are {@code long}s holding
 * the 48 address bits in their low bits, first octet most significant.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                  destination MAC (6 octets)                   |
 * +                               +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                               |                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+                               +
 * |                    source MAC (6 octets)                      |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |   EtherType (or TPID 0x8100)  |  802.1Q only: PCP|D|  VID     |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  802.1Q only: inner EtherType |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 */
public final class EthernetHeader
{
    public static final int DESTINATION_MAC_OFFSET = 0;
    public static final int SOURCE_MAC_OFFSET = 6;
    public static final int ETHER_TYPE_OFFSET = 12;
    /** The tag control information (PCP, DEI, VLAN id) of an 802.1Q-tagged frame. */
    public static final int VLAN_TCI_OFFSET = 14;
    /** The EtherType of the payload of an 802.1Q-tagged frame. */
    public static final int VLAN_ETHER_TYPE_OFFSET = 16;

    public static final int HEADER_LENGTH = 14;
    public static final int TAGGED_HEADER_LENGTH = 18;

    public static final int ETHER_TYPE_IPV4 = 0x0800;
    public static final int ETHER_TYPE_ARP = 0x0806;
    public static final int ETHER_TYPE_VLAN = 0x8100;
    public static final int ETHER_TYPE_IPV6 = 0x86DD;

    public static final long BROADCAST_MAC = 0xFFFF_FFFF_FFFFL;

    private MutableDirectBuffer buffer;
    private int offset;

    public EthernetHeader wrap(final MutableDirectBuffer buffer, final int offset)
    {
        this.buffer = buffer;
        this.offset = offset;
        return this;
    }

    public MutableDirectBuffer buffer()
    {
        return buffer;
    }

    public int offset()
    {
        return offset;
    }

    public long destinationMac()
    {
        return readMac(buffer, offset + DESTINATION_MAC_OFFSET);
    }

    public EthernetHeader destinationMac(final long mac)
    {
        writeMac(buffer, offset + DESTINATION_MAC_OFFSET, mac);
        return this;
    }

    public long sourceMac()
    {
        return readMac(buffer, offset + SOURCE_MAC_OFFSET);
    }

    public EthernetHeader sourceMac(final long mac)
    {
        writeMac(buffer, offset + SOURCE_MAC_OFFSET, mac);
        return this;
    }

    /** The EtherType field at offset 12: the TPID 0x8100 when the frame is tagged. */
    public int etherType()
    {
        return buffer.getShort(offset + ETHER_TYPE_OFFSET, ByteOrder.BIG_ENDIAN) & 0xFFFF;
    }

    public EthernetHeader etherType(final int etherType)
    {
        buffer.putShort(offset + ETHER_TYPE_OFFSET, (short)etherType, ByteOrder.BIG_ENDIAN);
        return this;
    }

    public boolean tagged()
    {
        return etherType() == ETHER_TYPE_VLAN;
    }

    /** Tag control information of a tagged frame (PCP in bits 15..13, DEI bit 12, VLAN id in bits 11..0). */
    public int vlanTci()
    {
        return buffer.getShort(offset + VLAN_TCI_OFFSET, ByteOrder.BIG_ENDIAN) & 0xFFFF;
    }

    /** Tags the header: writes TPID 0x8100 and the TCI; set {@link #vlanEtherType(int)} as well. */
    public EthernetHeader vlanTci(final int tci)
    {
        etherType(ETHER_TYPE_VLAN);
        buffer.putShort(offset + VLAN_TCI_OFFSET, (short)tci, ByteOrder.BIG_ENDIAN);
        return this;
    }

    /** The payload's EtherType of a tagged frame. */
    public int vlanEtherType()
    {
        return buffer.getShort(offset + VLAN_ETHER_TYPE_OFFSET, ByteOrder.BIG_ENDIAN) & 0xFFFF;
    }

    public EthernetHeader vlanEtherType(final int etherType)
    {
        buffer.putShort(offset + VLAN_ETHER_TYPE_OFFSET, (short)etherType, ByteOrder.BIG_ENDIAN);
        return this;
    }

    /** Header length: 18 when tagged, 14 otherwise. */
    public int headerLength()
    {
        return tagged() ? TAGGED_HEADER_LENGTH : HEADER_LENGTH;
    }

    /** Reads a 48-bit MAC at {@code index}, first octet most significant. */
    public static long readMac(final MutableDirectBuffer buffer, final int index)
    {
        return ((buffer.getShort(index, ByteOrder.BIG_ENDIAN) & 0xFFFFL) << 32)
            | (buffer.getInt(index + 2, ByteOrder.BIG_ENDIAN) & 0xFFFF_FFFFL);
    }

    /** Writes the low 48 bits of {@code mac} at {@code index}. */
    public static void writeMac(final MutableDirectBuffer buffer, final int index, final long mac)
    {
        buffer.putShort(index, (short)(mac >>> 32), ByteOrder.BIG_ENDIAN);
        buffer.putInt(index + 2, (int)mac, ByteOrder.BIG_ENDIAN);
    }
}
