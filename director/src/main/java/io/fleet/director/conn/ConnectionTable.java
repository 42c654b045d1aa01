package io.fleet.director.conn;

import io.fleet.director.service.FlowKey;

/**
 * The connection table of one forwarding worker, for one address family: fixed capacity, open addressing over
 * primitive arrays, no allocation after construction, one writer (the worker). An entry is an int slot in a slab;
 * {@link #NONE} is the "no entry" sentinel.
 *
 * <pre>
 * slab entry (W = 1 int per address for IPv4, 4 for IPv6):
 *   CLIENT[W]  VIP[W]  PORTS(client port << 16 | vip port)  META(protocol 8 | state 8 | method 4 | flags 12)
 *   RS[W]  RS_PORTS(rs port << 16 | local port)  LOCAL[W]  DEST  CONTROLLER  EXPIRY  NEXT  PREV
 * IPv4: 12 ints = 48 bytes; IPv6: 24 ints = 96 bytes.
 * </pre>
 *
 * <p>Two indexes of entry numbers, both linear probing with backward-shift deletion (no tombstones), sized for a
 * load of at most 0.7: the forward index by (protocol, client, VIP, template flag), and the reverse index by
 * (protocol, real server, peer) where the peer is the client for NAT and the director-local address for
 * FULLNAT, so that replies from real servers are found. Persistence templates are entries too, flagged and with
 * client port 0, as in IPVS.
 *
 * <p>Expiry runs on a timer wheel: each entry sits in the slot of a tick at or before its expiry. Refreshing an
 * entry to a later expiry only writes the expiry (the wheel moves it on when its slot comes round); an earlier
 * expiry re-links it. {@link #expire} walks the ticks that have passed, bounded by a limit per call.
 */
public final class ConnectionTable
{
    public static final int NONE = -1;

    /** Flag: a persistence template, not a connection. */
    public static final int FLAG_TEMPLATE = 1;
    /** Flag: counted as active on its real server (TCP ESTABLISHED). */
    public static final int FLAG_ACTIVE = 1 << 1;
    /** Flag: present in the reverse index. */
    public static final int FLAG_REVERSE = 1 << 2;
    /** Flag: a reply from the real server has been seen. */
    public static final int FLAG_REPLIED = 1 << 3;
    /** Flag: the entry came from another director (sync), not from a packet here. */
    public static final int FLAG_REMOTE = 1 << 4;
    /** Flags the caller may set freely; the table's own bits are above. */
    public static final int FLAG_USER_MASK = 0xFF;
    private static final int FLAG_IN_USE = 1 << 11;

    private static final int FLAGS_MASK = 0xFFF;
    private static final int KEY_FLAGS = FLAG_TEMPLATE;
    private static final int MAX_LOAD_PERCENT = 70;

    private final boolean ipv6;
    private final int w;
    private final int stride;
    private final int clientOffset;
    private final int vipOffset;
    private final int portsOffset;
    private final int metaOffset;
    private final int rsOffset;
    private final int rsPortsOffset;
    private final int localOffset;
    private final int destOffset;
    private final int controllerOffset;
    private final int expiryOffset;
    private final int nextOffset;
    private final int prevOffset;

    private final int capacity;
    private final int[] slab;
    private final int[] forward;
    private final int[] reverse;
    private final int indexSize;

    private final long tickNs;
    private final int[] wheel;
    private final int wheelMask;
    /** The next tick {@link #expire} will process. */
    private long wheelTick;

    private int freeHead;
    private int size;

    /**
     * @param ipv6       whether this table holds IPv6 connections (4-word addresses).
     * @param capacity   most entries (connections and templates) held at once.
     * @param tickNs     timer-wheel resolution.
     * @param wheelSlots timer-wheel slots, a power of two; the wheel spans {@code tickNs * wheelSlots}, longer
     *                   timeouts go round more than once.
     * @param nowNs      the current time, where the wheel starts.
     */
    public ConnectionTable(final boolean ipv6, final int capacity, final long tickNs, final int wheelSlots, final long nowNs)
    {
        if (capacity < 1)
        {
            throw new IllegalArgumentException("capacity must be at least 1, got " + capacity);
        }
        if (Integer.bitCount(wheelSlots) != 1)
        {
            throw new IllegalArgumentException("wheel slots must be a power of two, got " + wheelSlots);
        }
        if (tickNs < 1)
        {
            throw new IllegalArgumentException("tick must be at least 1 ns, got " + tickNs);
        }
        this.ipv6 = ipv6;
        this.w = ipv6 ? 4 : 1;
        this.clientOffset = 0;
        this.vipOffset = w;
        this.portsOffset = 2 * w;
        this.metaOffset = 2 * w + 1;
        this.rsOffset = 2 * w + 2;
        this.rsPortsOffset = 3 * w + 2;
        this.localOffset = 3 * w + 3;
        this.destOffset = 4 * w + 3;
        this.controllerOffset = 4 * w + 4;
        this.expiryOffset = 4 * w + 5;
        this.nextOffset = 4 * w + 6;
        this.prevOffset = 4 * w + 7;
        this.stride = 4 * w + 8;
        final long slabInts = (long)capacity * stride;
        if (slabInts > Integer.MAX_VALUE - 8)
        {
            throw new IllegalArgumentException("capacity " + capacity + " is too large for one table");
        }
        this.capacity = capacity;
        this.slab = new int[(int)slabInts];
        this.indexSize = (int)Math.min(Integer.MAX_VALUE - 8, (long)capacity * 100 / MAX_LOAD_PERCENT + 1);
        this.forward = new int[indexSize];
        this.reverse = new int[indexSize];
        java.util.Arrays.fill(forward, NONE);
        java.util.Arrays.fill(reverse, NONE);
        for (int e = 0; e < capacity; e++)
        {
            slab[e * stride + nextOffset] = e + 1 < capacity ? e + 1 : NONE;
        }
        this.freeHead = 0;
        this.tickNs = tickNs;
        this.wheel = new int[wheelSlots];
        java.util.Arrays.fill(wheel, NONE);
        this.wheelMask = wheelSlots - 1;
        this.wheelTick = Math.floorDiv(nowNs, tickNs);
    }

    public boolean ipv6()
    {
        return ipv6;
    }

    public int capacity()
    {
        return capacity;
    }

    public int size()
    {
        return size;
    }

    /** Bytes this table holds for its slab and both indexes (the timer wheel aside). */
    public long footprintBytes()
    {
        return 4L * slab.length + 4L * forward.length + 4L * reverse.length;
    }

    // ---------------------------------------------------------------------------------------------- lookups

    /** The connection for a packet from client to VIP, or {@link #NONE}. */
    public int find(final FlowKey key)
    {
        return find(key.protocol(), key, key.srcPort(), key.dstPort(), 0);
    }

    /**
     * The persistence template for this client (already masked) and service, or {@link #NONE}. Template keys
     * have client port 0; {@code vipPort} is the service port, or 0 for a port-less service.
     */
    public int findTemplate(final FlowKey maskedKey, final int vipPort)
    {
        return find(maskedKey.protocol(), maskedKey, 0, vipPort, FLAG_TEMPLATE);
    }

    private int find(final int protocol, final FlowKey key, final int clientPort, final int vipPort, final int keyFlags)
    {
        final int ports = (clientPort << 16) | (vipPort & 0xFFFF);
        int slot = slotOf(forwardHash(protocol, key, ports, keyFlags));
        while (true)
        {
            final int e = forward[slot];
            if (e == NONE)
            {
                return NONE;
            }
            if (matchesForward(e, protocol, key, ports, keyFlags))
            {
                return e;
            }
            slot = nextSlot(slot);
        }
    }

    /**
     * The NAT or FULLNAT connection a reply belongs to: a packet from the real server ({@code src}) to the peer
     * ({@code dst}: the client for NAT, the director-local address for FULLNAT), or {@link #NONE}.
     */
    public int findReply(final FlowKey reply)
    {
        final int protocol = reply.protocol();
        final int ports = (reply.srcPort() << 16) | (reply.dstPort() & 0xFFFF);
        int slot = slotOf(reverseHash(protocol, reply, ports));
        while (true)
        {
            final int e = reverse[slot];
            if (e == NONE)
            {
                return NONE;
            }
            if (matchesReverse(e, protocol, reply, ports))
            {
                return e;
            }
            slot = nextSlot(slot);
        }
    }

    // ---------------------------------------------------------------------------------------------- changes

    /**
     * Creates a connection for a packet from client to VIP; the caller then sets its real server, method, state
     * and expiry. Returns {@link #NONE} when the table is full (the caller counts the refusal) or when the key is
     * already present (the caller looked it up first).
     */
    public int insert(final FlowKey key, final long expiryNs)
    {
        return insert(key.protocol(), key, key.srcPort(), key.dstPort(), 0, expiryNs);
    }

    /** Creates a persistence template for a (masked) client and service; see {@link #findTemplate}. */
    public int insertTemplate(final FlowKey maskedKey, final int vipPort, final long expiryNs)
    {
        return insert(maskedKey.protocol(), maskedKey, 0, vipPort, FLAG_TEMPLATE, expiryNs);
    }

    private int insert(
        final int protocol, final FlowKey key, final int clientPort, final int vipPort, final int keyFlags,
        final long expiryNs)
    {
        if (freeHead == NONE)
        {
            return NONE;
        }
        final int ports = (clientPort << 16) | (vipPort & 0xFFFF);
        int slot = slotOf(forwardHash(protocol, key, ports, keyFlags));
        while (forward[slot] != NONE)
        {
            if (matchesForward(forward[slot], protocol, key, ports, keyFlags))
            {
                return NONE;
            }
            slot = nextSlot(slot);
        }
        final int e = freeHead;
        final int base = e * stride;
        freeHead = slab[base + nextOffset];
        for (int i = 0; i < w; i++)
        {
            slab[base + clientOffset + i] = key.src(4 - w + i);
            slab[base + vipOffset + i] = key.dst(4 - w + i);
            slab[base + rsOffset + i] = 0;
            slab[base + localOffset + i] = 0;
        }
        slab[base + portsOffset] = ports;
        slab[base + metaOffset] = (protocol & 0xFF) << 24 | keyFlags | FLAG_IN_USE;
        slab[base + rsPortsOffset] = 0;
        slab[base + destOffset] = NONE;
        slab[base + controllerOffset] = NONE;
        forward[slot] = e;
        size++;
        link(e, tickOf(expiryNs));
        return e;
    }

    /**
     * Sets the real server's address and port (the destination after NAT) and, for FULLNAT, the director-local
     * source address and port, then indexes the reply direction. Call once, after {@link #insert}.
     *
     * @param rs         real server address, four words (IPv4 in word 3).
     * @param local      director-local address for FULLNAT, or null for NAT (replies go to the client).
     */
    public void bindReverse(final int e, final int[] rs, final int rsPort, final int[] local, final int localPort)
    {
        final int base = e * stride;
        for (int i = 0; i < w; i++)
        {
            slab[base + rsOffset + i] = rs[4 - w + i];
            slab[base + localOffset + i] = local == null ? 0 : local[4 - w + i];
        }
        slab[base + rsPortsOffset] = (rsPort << 16) | (local == null ? 0 : localPort & 0xFFFF);
        if ((slab[base + metaOffset] & FLAG_REVERSE) != 0)
        {
            throw new IllegalStateException("entry " + e + " is already in the reverse index");
        }
        slab[base + metaOffset] |= FLAG_REVERSE | (local == null ? 0 : FLAG_FULLNAT_PEER);
        int slot = slotOf(reverseHashOf(e));
        while (reverse[slot] != NONE)
        {
            slot = nextSlot(slot);
        }
        reverse[slot] = e;
    }

    /** Flag (internal, in the flag bits): the reverse key's peer is the local address, not the client. */
    private static final int FLAG_FULLNAT_PEER = 1 << 10;

    /** Sets the real server's address only (DR, TUN): no reverse index. */
    public void realServer(final int e, final int[] rs, final int rsPort)
    {
        final int base = e * stride;
        for (int i = 0; i < w; i++)
        {
            slab[base + rsOffset + i] = rs[4 - w + i];
        }
        slab[base + rsPortsOffset] = (rsPort << 16) | (slab[base + rsPortsOffset] & 0xFFFF);
    }

    /** Removes an entry now (it no longer expires); its template's control count is the caller's. */
    public void remove(final int e)
    {
        final int base = e * stride;
        if ((slab[base + metaOffset] & FLAG_IN_USE) == 0)
        {
            throw new IllegalStateException("entry " + e + " is not in use");
        }
        unlink(e);
        deleteFrom(forward, e, true);
        if ((slab[base + metaOffset] & FLAG_REVERSE) != 0)
        {
            deleteFrom(reverse, e, false);
        }
        slab[base + metaOffset] = 0;
        slab[base + nextOffset] = freeHead;
        freeHead = e;
        size--;
    }

    /**
     * Sets an entry's expiry. A later expiry is only written (the wheel carries the entry on); an earlier one
     * re-links the entry so that it is not kept too long.
     */
    public void expiry(final int e, final long expiryNs)
    {
        final int base = e * stride;
        final int tick = tickOf(expiryNs);
        if (tick - slab[base + expiryOffset] < 0)
        {
            unlink(e);
            link(e, tick);
        }
        else
        {
            slab[base + expiryOffset] = tick;
        }
    }

    /**
     * Receives entries whose time has come. It may read and change the expiring entry (and, say, a template's
     * control count) but must not remove or re-time any other entry while {@link #expire} runs.
     */
    public interface ExpiryHandler
    {
        /**
         * Called before an expired entry is removed.
         *
         * @return true to remove it; false to keep it, after the handler set a new expiry with
         *         {@link ConnectionTable#expiry} (a template still controlling connections, for example).
         */
        boolean onExpire(ConnectionTable table, int entry);
    }

    /**
     * Expires entries whose expiry is at or before {@code nowNs}, at most {@code limit} of them per call.
     *
     * @return the number of entries removed.
     */
    public int expire(final long nowNs, final int limit, final ExpiryHandler handler)
    {
        final long nowTick = Math.floorDiv(nowNs, tickNs);
        if (nowTick - wheelTick >= wheel.length)
        {
            return catchUp(nowTick, handler);
        }
        int removed = 0;
        int visited = 0;
        while (wheelTick <= nowTick)
        {
            final int slotIndex = (int)(wheelTick & wheelMask);
            int e = wheel[slotIndex];
            wheel[slotIndex] = NONE;
            while (e != NONE)
            {
                final int base = e * stride;
                final int next = slab[base + nextOffset];
                slab[base + prevOffset] = NONE;
                slab[base + nextOffset] = NONE;
                if (visited >= limit)
                {
                    // Out of budget: put the rest back in this slot, to be processed on the next call.
                    linkAt(e, slotIndex);
                    e = next;
                    continue;
                }
                if (slab[base + expiryOffset] - (int)wheelTick > 0)
                {
                    link(e, slab[base + expiryOffset]);
                }
                else
                {
                    visited++;
                    removed += expireOne(e, (int)wheelTick, handler);
                }
                e = next;
            }
            if (visited >= limit && wheel[slotIndex] != NONE)
            {
                return removed;
            }
            wheelTick++;
        }
        return removed;
    }

    /** An unlinked, due entry: the handler removes it, or keeps it with a new expiry (re-linked here). */
    private int expireOne(final int e, final int currentTick, final ExpiryHandler handler)
    {
        if (handler.onExpire(this, e))
        {
            removeUnlinked(e);
            return 1;
        }
        if ((slab[e * stride + metaOffset] & FLAG_IN_USE) != 0 && !isLinked(e))
        {
            link(e, Math.max(slab[e * stride + expiryOffset], currentTick + 1));
        }
        return 0;
    }

    /**
     * After a pause longer than the wheel's span (or a clock that jumped), every slot is visited once against the
     * current time instead of walking each missed tick. Not bounded by a limit: it is rare, and bounded by the table.
     */
    private int catchUp(final long nowTick, final ExpiryHandler handler)
    {
        wheelTick = nowTick;
        int removed = 0;
        for (int slotIndex = 0; slotIndex < wheel.length; slotIndex++)
        {
            int e = wheel[slotIndex];
            wheel[slotIndex] = NONE;
            while (e != NONE)
            {
                final int base = e * stride;
                final int next = slab[base + nextOffset];
                slab[base + prevOffset] = NONE;
                slab[base + nextOffset] = NONE;
                if (slab[base + expiryOffset] - (int)nowTick > 0)
                {
                    link(e, slab[base + expiryOffset]);
                }
                else
                {
                    removed += expireOne(e, (int)nowTick, handler);
                }
                e = next;
            }
        }
        wheelTick = nowTick + 1;
        return removed;
    }

    // ---------------------------------------------------------------------------------------------- fields

    public boolean inUse(final int e)
    {
        return e >= 0 && e < capacity && (slab[e * stride + metaOffset] & FLAG_IN_USE) != 0;
    }

    public int protocol(final int e)
    {
        return slab[e * stride + metaOffset] >>> 24;
    }

    public int state(final int e)
    {
        return (slab[e * stride + metaOffset] >>> 16) & 0xFF;
    }

    public void state(final int e, final int state)
    {
        final int i = e * stride + metaOffset;
        slab[i] = (slab[i] & ~(0xFF << 16)) | (state & 0xFF) << 16;
    }

    public int method(final int e)
    {
        return (slab[e * stride + metaOffset] >>> 12) & 0xF;
    }

    public void method(final int e, final int method)
    {
        final int i = e * stride + metaOffset;
        slab[i] = (slab[i] & ~(0xF << 12)) | (method & 0xF) << 12;
    }

    public int flags(final int e)
    {
        return slab[e * stride + metaOffset] & FLAGS_MASK;
    }

    public boolean hasFlag(final int e, final int flag)
    {
        return (slab[e * stride + metaOffset] & flag) != 0;
    }

    /** Sets or clears caller flags ({@link #FLAG_ACTIVE}, {@link #FLAG_REPLIED}, {@link #FLAG_REMOTE}, or below). */
    public void flag(final int e, final int flag, final boolean on)
    {
        if ((flag & ~(FLAG_ACTIVE | FLAG_REPLIED | FLAG_REMOTE | (FLAG_USER_MASK & ~0x1F))) != 0)
        {
            throw new IllegalArgumentException("flag 0x" + Integer.toHexString(flag) + " is the table's own");
        }
        final int i = e * stride + metaOffset;
        slab[i] = on ? slab[i] | flag : slab[i] & ~flag;
    }

    public boolean isTemplate(final int e)
    {
        return (slab[e * stride + metaOffset] & FLAG_TEMPLATE) != 0;
    }

    /** The destination (real server of a service) number the worker gave this entry, or {@link #NONE}. */
    public int dest(final int e)
    {
        return slab[e * stride + destOffset];
    }

    public void dest(final int e, final int dest)
    {
        slab[e * stride + destOffset] = dest;
    }

    /** The persistence template this connection was scheduled through, or {@link #NONE}. */
    public int controller(final int e)
    {
        return slab[e * stride + controllerOffset];
    }

    public void controller(final int e, final int template)
    {
        slab[e * stride + controllerOffset] = template;
    }

    /** For a template: how many live connections it controls (kept in its local-address word). */
    public int controlled(final int template)
    {
        return slab[template * stride + localOffset];
    }

    public void controlled(final int template, final int count)
    {
        slab[template * stride + localOffset] = count;
    }

    public int clientPort(final int e)
    {
        return slab[e * stride + portsOffset] >>> 16;
    }

    public int vipPort(final int e)
    {
        return slab[e * stride + portsOffset] & 0xFFFF;
    }

    public int rsPort(final int e)
    {
        return slab[e * stride + rsPortsOffset] >>> 16;
    }

    public int localPort(final int e)
    {
        return slab[e * stride + rsPortsOffset] & 0xFFFF;
    }

    /** Client address word {@code i} (0..3, IPv4 in word 3). */
    public int client(final int e, final int i)
    {
        return word(e, clientOffset, i);
    }

    public int vip(final int e, final int i)
    {
        return word(e, vipOffset, i);
    }

    public int rs(final int e, final int i)
    {
        return word(e, rsOffset, i);
    }

    public int local(final int e, final int i)
    {
        return word(e, localOffset, i);
    }

    /** The expiry as an absolute time, rounded to the wheel's tick. */
    public long expiryNs(final int e)
    {
        final int tick = slab[e * stride + expiryOffset];
        // Ticks are stored in 32 bits; rebuild the full value from the wheel's position (within +-2^31 ticks).
        return (wheelTick + (tick - (int)wheelTick)) * tickNs;
    }

    private int word(final int e, final int offset, final int i)
    {
        final int j = i - (4 - w);
        return j < 0 ? 0 : slab[e * stride + offset + j];
    }

    // ---------------------------------------------------------------------------------------------- internals

    private int tickOf(final long ns)
    {
        return (int)Math.floorDiv(ns, tickNs);
    }

    private void link(final int e, final int expiryTick)
    {
        slab[e * stride + expiryOffset] = expiryTick;
        final int tick = expiryTick - (int)wheelTick < 0 ? (int)wheelTick : expiryTick;
        linkAt(e, tick & wheelMask);
    }

    private void linkAt(final int e, final int slotIndex)
    {
        final int base = e * stride;
        final int head = wheel[slotIndex];
        slab[base + nextOffset] = head;
        slab[base + prevOffset] = -2 - slotIndex;
        if (head != NONE)
        {
            slab[head * stride + prevOffset] = e;
        }
        wheel[slotIndex] = e;
    }

    private boolean isLinked(final int e)
    {
        return slab[e * stride + prevOffset] != NONE;
    }

    /** Unlinks from the wheel; PREV holds the previous entry, or -2 - slot for the head of a slot. */
    private void unlink(final int e)
    {
        final int base = e * stride;
        final int prev = slab[base + prevOffset];
        final int next = slab[base + nextOffset];
        if (prev == NONE)
        {
            return;
        }
        if (prev <= -2)
        {
            wheel[-2 - prev] = next;
        }
        else
        {
            slab[prev * stride + nextOffset] = next;
        }
        if (next != NONE)
        {
            slab[next * stride + prevOffset] = prev;
        }
        slab[base + prevOffset] = NONE;
        slab[base + nextOffset] = NONE;
    }

    private void removeUnlinked(final int e)
    {
        final int base = e * stride;
        if ((slab[base + metaOffset] & FLAG_IN_USE) == 0)
        {
            return;
        }
        if (isLinked(e))
        {
            unlink(e);
        }
        deleteFrom(forward, e, true);
        if ((slab[base + metaOffset] & FLAG_REVERSE) != 0)
        {
            deleteFrom(reverse, e, false);
        }
        slab[base + metaOffset] = 0;
        slab[base + nextOffset] = freeHead;
        freeHead = e;
        size--;
    }

    private void deleteFrom(final int[] index, final int e, final boolean isForward)
    {
        int slot = slotOf(isForward ? forwardHashOf(e) : reverseHashOf(e));
        while (index[slot] != e)
        {
            if (index[slot] == NONE)
            {
                throw new IllegalStateException("entry " + e + " missing from the " + (isForward ? "forward" : "reverse") + " index");
            }
            slot = nextSlot(slot);
        }
        // Backward-shift deletion: pull later members of the probe run into the hole when their home allows.
        int hole = slot;
        int j = slot;
        while (true)
        {
            j = nextSlot(j);
            final int moved = index[j];
            if (moved == NONE)
            {
                break;
            }
            final int home = slotOf(isForward ? forwardHashOf(moved) : reverseHashOf(moved));
            final boolean homeInRange = hole <= j ? (home > hole && home <= j) : (home > hole || home <= j);
            if (!homeInRange)
            {
                index[hole] = moved;
                hole = j;
            }
        }
        index[hole] = NONE;
    }

    private int slotOf(final int hash)
    {
        return (int)(((hash & 0xFFFF_FFFFL) * indexSize) >>> 32);
    }

    private int nextSlot(final int slot)
    {
        return slot + 1 == indexSize ? 0 : slot + 1;
    }

    private boolean matchesForward(final int e, final int protocol, final FlowKey key, final int ports, final int keyFlags)
    {
        final int base = e * stride;
        final int meta = slab[base + metaOffset];
        if (slab[base + portsOffset] != ports || (meta >>> 24) != protocol || (meta & KEY_FLAGS) != keyFlags)
        {
            return false;
        }
        for (int i = 0; i < w; i++)
        {
            if (slab[base + clientOffset + i] != key.src(4 - w + i) || slab[base + vipOffset + i] != key.dst(4 - w + i))
            {
                return false;
            }
        }
        return true;
    }

    private boolean matchesReverse(final int e, final int protocol, final FlowKey reply, final int ports)
    {
        final int base = e * stride;
        final int meta = slab[base + metaOffset];
        final boolean fullnat = (meta & FLAG_FULLNAT_PEER) != 0;
        final int peerPort = fullnat ? slab[base + rsPortsOffset] & 0xFFFF : slab[base + portsOffset] >>> 16;
        final int rsPort = slab[base + rsPortsOffset] >>> 16;
        if ((meta >>> 24) != protocol || ports != ((rsPort << 16) | peerPort))
        {
            return false;
        }
        final int peerOffset = fullnat ? localOffset : clientOffset;
        for (int i = 0; i < w; i++)
        {
            if (slab[base + rsOffset + i] != reply.src(4 - w + i) || slab[base + peerOffset + i] != reply.dst(4 - w + i))
            {
                return false;
            }
        }
        return true;
    }

    private int forwardHash(final int protocol, final FlowKey key, final int ports, final int keyFlags)
    {
        int h = mix(protocol * 31 + keyFlags, ports);
        for (int i = 4 - w; i < 4; i++)
        {
            h = mix(h, key.src(i));
            h = mix(h, key.dst(i));
        }
        return finish(h);
    }

    private int forwardHashOf(final int e)
    {
        final int base = e * stride;
        final int meta = slab[base + metaOffset];
        int h = mix((meta >>> 24) * 31 + (meta & KEY_FLAGS), slab[base + portsOffset]);
        for (int i = 0; i < w; i++)
        {
            h = mix(h, slab[base + clientOffset + i]);
            h = mix(h, slab[base + vipOffset + i]);
        }
        return finish(h);
    }

    private int reverseHash(final int protocol, final FlowKey reply, final int ports)
    {
        int h = mix(protocol * 37, ports);
        for (int i = 4 - w; i < 4; i++)
        {
            h = mix(h, reply.src(i));
            h = mix(h, reply.dst(i));
        }
        return finish(h);
    }

    private int reverseHashOf(final int e)
    {
        final int base = e * stride;
        final int meta = slab[base + metaOffset];
        final boolean fullnat = (meta & FLAG_FULLNAT_PEER) != 0;
        final int peerPort = fullnat ? slab[base + rsPortsOffset] & 0xFFFF : slab[base + portsOffset] >>> 16;
        final int ports = ((slab[base + rsPortsOffset] >>> 16) << 16) | peerPort;
        final int peerOffset = fullnat ? localOffset : clientOffset;
        int h = mix((meta >>> 24) * 37, ports);
        for (int i = 0; i < w; i++)
        {
            h = mix(h, slab[base + rsOffset + i]);
            h = mix(h, slab[base + peerOffset + i]);
        }
        return finish(h);
    }

    private static int mix(final int h, final int v)
    {
        final int x = (h ^ v) * 0x9E3779B1;
        return x ^ (x >>> 15);
    }

    private static int finish(final int h)
    {
        int x = h * 0x85EBCA6B;
        x ^= x >>> 13;
        x *= 0xC2B2AE35;
        return x ^ (x >>> 16);
    }
}
