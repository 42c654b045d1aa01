package io.fleet.vrrp.announce;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.fleet.vrrp.election.VipAddress;
import io.fleet.vrrp.frame.Arp;
import io.fleet.vrrp.frame.Bytes;
import io.fleet.vrrp.frame.Ethernet;
import io.fleet.vrrp.frame.Mac;
import io.fleet.vrrp.frame.NeighbourDiscovery;
import io.fleet.vrrp.link.FrameReceiver;
import io.fleet.vrrp.link.Frames;
import io.fleet.vrrp.link.Link;

/**
 * Makes the network send a held VIP's traffic here: answers ARP requests and neighbour solicitations for held VIPs,
 * and on takeover sends bursts of gratuitous ARPs / unsolicited NAs.
 * <p>
 * Two threads: the vrrp thread calls {@link #hold}, {@link #release} and {@link #doWork}; the port's receive thread
 * calls {@link #onFrame}, which reads an immutable snapshot of the held VIPs published through a volatile field, so
 * an ARP reply never waits for the vrrp thread and nothing locks.
 */
public final class Announcer implements FrameReceiver
{
    private static final Entry[] NONE = new Entry[0];

    private final Link link;
    private final AnnounceSettings settings;
    private final Map<String, Burst> groups = new LinkedHashMap<>();
    private final byte[] txFrame = new byte[128];
    private final byte[] rxFrame = new byte[128];
    private volatile Entry[] held = NONE;

    // Each counter has one writing thread; volatile so that any thread may read it.
    private volatile long gratuitousSent;
    private volatile long arpRepliesSent;
    private volatile long neighbourAdvertisementsSent;
    private volatile long conflictsSeen;
    private volatile long invalidDropped;
    private volatile long notHeldIgnored;

    private record Entry(VipAddress vip, byte[] mac)
    {
    }

    private static final class Burst
    {
        final List<VipAddress> vips;
        final byte[] mac;
        final long startNs;
        int remaining;
        long nextNs;
        boolean secondPending;

        Burst(final List<VipAddress> vips, final byte[] mac, final long startNs, final int count, final boolean second)
        {
            this.vips = vips;
            this.mac = mac;
            this.startNs = startNs;
            this.remaining = count;
            this.nextNs = startNs;
            this.secondPending = second;
        }
    }

    public Announcer(final Link link, final AnnounceSettings settings)
    {
        this.link = link;
        this.settings = settings;
    }

    /**
     * Starts holding {@code group}'s VIPs with {@code mac} (the port's MAC, or a VRRP virtual MAC in wire mode): from
     * now on ARP/ND for them is answered, and the first burst goes out on the next {@link #doWork}.
     */
    public void hold(final String group, final List<VipAddress> vips, final byte[] mac, final long nowNs)
    {
        groups.put(group, new Burst(List.copyOf(vips), mac.clone(), nowNs, settings.count(), settings.repeatDelayNs() > 0));
        publish();
    }

    /** Stops answering for {@code group}'s VIPs and cancels its announcements. */
    public void release(final String group)
    {
        if (groups.remove(group) != null)
        {
            publish();
        }
    }

    public boolean holds(final String group)
    {
        return groups.containsKey(group);
    }

    /** Sends the announcements due at {@code nowNs}; returns how many frames it sent. */
    public int doWork(final long nowNs)
    {
        int sent = 0;
        for (final Iterator<Burst> it = groups.values().iterator(); it.hasNext(); )
        {
            final Burst b = it.next();
            while (b.remaining > 0 && nowNs - b.nextNs >= 0)
            {
                sent += announce(b);
                b.remaining--;
                b.nextNs += settings.intervalNs();
            }
            if (b.remaining == 0)
            {
                if (b.secondPending)
                {
                    b.secondPending = false;
                    b.remaining = settings.count();
                    b.nextNs = b.startNs + settings.repeatDelayNs();
                }
                else if (settings.refreshIntervalNs() > 0)
                {
                    b.remaining = 1;
                    b.nextNs = nowNs + settings.refreshIntervalNs();
                }
            }
        }
        return sent;
    }

    /** When {@link #doWork} next has something to send, or {@link Long#MAX_VALUE}. */
    public long nextDeadlineNs()
    {
        long deadline = Long.MAX_VALUE;
        for (final Burst b : groups.values())
        {
            if (b.remaining > 0 && (deadline == Long.MAX_VALUE || b.nextNs - deadline < 0))
            {
                deadline = b.nextNs;
            }
        }
        return deadline;
    }

    private int announce(final Burst b)
    {
        int sent = 0;
        for (final VipAddress vip : b.vips)
        {
            final int length = vip.isIpv6() ?
                NeighbourDiscovery.writeUnsolicitedAdvertisement(vip.bytes(), b.mac, txFrame) :
                Arp.writeGratuitous(vip.bytes(), b.mac, txFrame);
            link.send(txFrame, length);
            sent++;
        }
        gratuitousSent += sent;
        return sent;
    }

    /** The receive thread's entry: answers ARP requests and neighbour solicitations for held VIPs. */
    @Override
    public void onFrame(final byte[] frame, final int offset, final int length)
    {
        final int kind = Frames.classify(frame, offset, length);
        if (kind == Frames.ARP)
        {
            onArp(frame, offset, length);
        }
        else if (kind == Frames.NEIGHBOUR_DISCOVERY)
        {
            onNeighbourDiscovery(frame, offset, length);
        }
    }

    private void onArp(final byte[] frame, final int offset, final int length)
    {
        final int arp = offset + Ethernet.HEADER_LENGTH;
        if (!Arp.isEthernetIpv4(frame, arp, length - Ethernet.HEADER_LENGTH))
        {
            invalidDropped++;
            return;
        }
        final Entry[] snapshot = held;
        final int operation = Arp.operation(frame, arp);
        for (final Entry e : snapshot)
        {
            if (e.vip.isIpv6())
            {
                continue;
            }
            if (e.vip.matches(frame, arp + Arp.SENDER_IP_OFFSET, 4))
            {
                if (Bytes.equal(frame, arp + Arp.SENDER_MAC_OFFSET, e.mac, 0, Mac.LENGTH))
                {
                    // Our own announcement coming back (a port that sees its own output): never answer it.
                    notHeldIgnored++;
                }
                else
                {
                    // Someone else claims our VIP (its GARP or reply): two holders; counted, the election decides.
                    conflictsSeen++;
                }
                return;
            }
            if (operation == Arp.REQUEST && e.vip.matches(frame, arp + Arp.TARGET_IP_OFFSET, 4))
            {
                link.send(rxFrame, Arp.writeReply(frame, arp, e.mac, rxFrame));
                arpRepliesSent++;
                return;
            }
        }
        notHeldIgnored++;
    }

    private void onNeighbourDiscovery(final byte[] frame, final int offset, final int length)
    {
        final int icmpType = frame[offset + Ethernet.HEADER_LENGTH + 40] & 0xFF;
        if (icmpType != NeighbourDiscovery.TYPE_SOLICITATION)
        {
            notHeldIgnored++;
            return;
        }
        if (!NeighbourDiscovery.isValidSolicitation(frame, offset, length))
        {
            invalidDropped++;
            return;
        }
        final int target = NeighbourDiscovery.solicitationTargetOffset(offset);
        for (final Entry e : held)
        {
            if (e.vip.isIpv6() && e.vip.matches(frame, target, 16))
            {
                link.send(rxFrame, NeighbourDiscovery.writeSolicitedAdvertisement(frame, offset, e.mac, rxFrame));
                neighbourAdvertisementsSent++;
                return;
            }
        }
        notHeldIgnored++;
    }

    private void publish()
    {
        final List<Entry> entries = new ArrayList<>();
        for (final Burst b : groups.values())
        {
            for (final VipAddress vip : b.vips)
            {
                entries.add(new Entry(vip, b.mac));
            }
        }
        held = entries.toArray(NONE);
    }

    /** Gratuitous ARPs and unsolicited NAs sent. */
    public long gratuitousSent()
    {
        return gratuitousSent;
    }

    public long arpRepliesSent()
    {
        return arpRepliesSent;
    }

    public long neighbourAdvertisementsSent()
    {
        return neighbourAdvertisementsSent;
    }

    /** ARP frames from another MAC claiming a VIP held here. */
    public long conflictsSeen()
    {
        return conflictsSeen;
    }

    /** Malformed ARP, or solicitations failing RFC 4861 validation (hop limit, checksum, length). */
    public long invalidDropped()
    {
        return invalidDropped;
    }

    /** Well-formed ARP/ND not about a held VIP (other hosts' traffic, advertisements). */
    public long notHeldIgnored()
    {
        return notHeldIgnored;
    }
}
