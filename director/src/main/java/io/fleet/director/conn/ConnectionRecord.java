package io.fleet.director.conn;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.nio.ByteOrder;

/**
 * The compact binary form of a connection, what the worker publishes for sync and applies from other directors.
 * Opaque to the sync module. An IPv4 connection takes 32 bytes (IPVS's v1 sync message spends 36):
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-------+-+-----+---------------+-------+---+---+---------------+
 * |version|6|flags|   protocol    | state |mth|act|   reserved    |
 * +-------+-+-----+---------------+-------+---+---+---------------+
 * |                        client address                         |  (16 bytes for IPv6, likewise below)
 * +-------------------------------+-------------------------------+
 * |          client port          |           VIP port            |
 * +-------------------------------+-------------------------------+
 * |                          VIP address                          |
 * +---------------------------------------------------------------+
 * |                     real server address                       |
 * +-------------------------------+-------------------------------+
 * |        real server port       |  local port (FULLNAT, else 0) |
 * +-------------------------------+-------------------------------+
 * |              local address (FULLNAT, else 0)                  |
 * +---------------------------------------------------------------+
 * |             expiry, seconds since the Unix epoch              |
 * +---------------------------------------------------------------+
 * </pre>
 *
 * Version 1. Flags: bit 0 template. {@code act}: whether the connection counts as active on its real server.
 * Big-endian. The key of a record (what the sync CRDT maps from) is its bytes 1..(4 + 2 * address + 4): protocol,
 * client, ports, VIP, plus the template flag in byte 0.
 */
public final class ConnectionRecord
{
    public static final int VERSION = 1;
    public static final int IPV4_LENGTH = 32;
    public static final int IPV6_LENGTH = 80;

    private static final int FLAG_IPV6 = 0x08;
    private static final int FLAG_TEMPLATE = 0x01;

    private ConnectionRecord()
    {
    }

    public static int length(final boolean ipv6)
    {
        return ipv6 ? IPV6_LENGTH : IPV4_LENGTH;
    }

    /**
     * Writes an entry's record.
     *
     * @return the number of bytes written.
     */
    public static int encode(
        final ConnectionTable table, final int e, final long expiryEpochS, final MutableDirectBuffer buffer, final int offset)
    {
        final boolean v6 = table.ipv6();
        buffer.putByte(offset, (byte)(VERSION << 4 | (v6 ? FLAG_IPV6 : 0) | (table.isTemplate(e) ? FLAG_TEMPLATE : 0)));
        buffer.putByte(offset + 1, (byte)table.protocol(e));
        buffer.putByte(offset + 2, (byte)(table.state(e) << 4 | (table.method(e) & 3) << 2
            | (table.hasFlag(e, ConnectionTable.FLAG_ACTIVE) ? 1 : 0)));
        buffer.putByte(offset + 3, (byte)0);
        int p = offset + 4;
        p = putAddress(buffer, p, v6, table.client(e, 0), table.client(e, 1), table.client(e, 2), table.client(e, 3));
        buffer.putShort(p, (short)table.clientPort(e), ByteOrder.BIG_ENDIAN);
        buffer.putShort(p + 2, (short)table.vipPort(e), ByteOrder.BIG_ENDIAN);
        p += 4;
        p = putAddress(buffer, p, v6, table.vip(e, 0), table.vip(e, 1), table.vip(e, 2), table.vip(e, 3));
        p = putAddress(buffer, p, v6, table.rs(e, 0), table.rs(e, 1), table.rs(e, 2), table.rs(e, 3));
        buffer.putShort(p, (short)table.rsPort(e), ByteOrder.BIG_ENDIAN);
        buffer.putShort(p + 2, (short)table.localPort(e), ByteOrder.BIG_ENDIAN);
        p += 4;
        if (table.isTemplate(e))
        {
            p = putAddress(buffer, p, v6, 0, 0, 0, 0); // a template's local word is its control count, not synced
        }
        else
        {
            p = putAddress(buffer, p, v6, table.local(e, 0), table.local(e, 1), table.local(e, 2), table.local(e, 3));
        }
        buffer.putInt(p, (int)expiryEpochS, ByteOrder.BIG_ENDIAN);
        p += 4;
        return p - offset;
    }

    private static int putAddress(
        final MutableDirectBuffer b, final int p, final boolean v6, final int w0, final int w1, final int w2, final int w3)
    {
        if (!v6)
        {
            b.putInt(p, w3, ByteOrder.BIG_ENDIAN);
            return p + 4;
        }
        b.putInt(p, w0, ByteOrder.BIG_ENDIAN);
        b.putInt(p + 4, w1, ByteOrder.BIG_ENDIAN);
        b.putInt(p + 8, w2, ByteOrder.BIG_ENDIAN);
        b.putInt(p + 12, w3, ByteOrder.BIG_ENDIAN);
        return p + 16;
    }

    /** A decoded view of one record; a reusable flyweight, no allocation. */
    public static final class View
    {
        private DirectBuffer buffer;
        private int offset;
        private boolean ipv6;

        /**
         * Points at a record.
         *
         * @return false when the bytes are not a valid record of this version (wrong version, short buffer).
         */
        public boolean wrap(final DirectBuffer buffer, final int offset, final int length)
        {
            if (length < IPV4_LENGTH)
            {
                return false;
            }
            final int first = buffer.getByte(offset) & 0xFF;
            if (first >>> 4 != VERSION)
            {
                return false;
            }
            final boolean v6 = (first & FLAG_IPV6) != 0;
            if (length < (v6 ? IPV6_LENGTH : IPV4_LENGTH))
            {
                return false;
            }
            this.buffer = buffer;
            this.offset = offset;
            this.ipv6 = v6;
            return true;
        }

        public boolean ipv6()
        {
            return ipv6;
        }

        public boolean template()
        {
            return (buffer.getByte(offset) & FLAG_TEMPLATE) != 0;
        }

        public int protocol()
        {
            return buffer.getByte(offset + 1) & 0xFF;
        }

        public int state()
        {
            return (buffer.getByte(offset + 2) & 0xFF) >>> 4;
        }

        public int method()
        {
            return (buffer.getByte(offset + 2) >>> 2) & 3;
        }

        public boolean active()
        {
            return (buffer.getByte(offset + 2) & 1) != 0;
        }

        private int a()
        {
            return ipv6 ? 16 : 4;
        }

        /** Client address word i (0..3; IPv4 in word 3). */
        public int client(final int i)
        {
            return word(offset + 4, i);
        }

        public int clientPort()
        {
            return buffer.getShort(offset + 4 + a(), ByteOrder.BIG_ENDIAN) & 0xFFFF;
        }

        public int vipPort()
        {
            return buffer.getShort(offset + 6 + a(), ByteOrder.BIG_ENDIAN) & 0xFFFF;
        }

        public int vip(final int i)
        {
            return word(offset + 8 + a(), i);
        }

        public int rs(final int i)
        {
            return word(offset + 8 + 2 * a(), i);
        }

        public int rsPort()
        {
            return buffer.getShort(offset + 8 + 3 * a(), ByteOrder.BIG_ENDIAN) & 0xFFFF;
        }

        public int localPort()
        {
            return buffer.getShort(offset + 10 + 3 * a(), ByteOrder.BIG_ENDIAN) & 0xFFFF;
        }

        public int local(final int i)
        {
            return word(offset + 12 + 3 * a(), i);
        }

        public long expiryEpochS()
        {
            return buffer.getInt(offset + 12 + 4 * a(), ByteOrder.BIG_ENDIAN) & 0xFFFF_FFFFL;
        }

        private int word(final int at, final int i)
        {
            if (!ipv6)
            {
                return i == 3 ? buffer.getInt(at, ByteOrder.BIG_ENDIAN) : 0;
            }
            return buffer.getInt(at + 4 * i, ByteOrder.BIG_ENDIAN);
        }
    }
}
