package io.fleet.vrrp.wire;

import java.util.EnumMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;

import io.fleet.vrrp.announce.Announcer;
import io.fleet.vrrp.frame.Mac;
import io.fleet.vrrp.link.Link;

/**
 * One virtual router on a {@link Link}: validates received advertisements (RFC 5798 7.1, RFC 3768 7.1), feeds them
 * to its {@link VrrpRouter}, sends its adverts and makes the {@link Announcer} hold the addresses while master.
 * <p>
 * The receive thread calls {@link #onFrame}, which only copies the frame into a queue (adverts arrive about once a
 * second); the vrrp thread calls {@link #doWork}, which is the only place that touches the state machine.
 */
public final class VrrpInstance
{
    /** Why a received VRRP frame was not given to the state machine, beyond the codec's verdicts. */
    public enum Drop
    {
        TRUNCATED, BAD_TTL, BAD_VERSION_OR_TYPE, BAD_CHECKSUM, BAD_ADDRESSES,
        /** Another virtual router's VRID: not ours, not an error. */
        OTHER_VRID,
        /** v2: authentication type or password differs. */
        AUTH_MISMATCH,
        /** v2: the advert interval differs from ours (RFC 3768 7.1 says discard). */
        INTERVAL_MISMATCH,
        /** Our own advertisement seen again on the port. */
        OWN_ADVERT,
        /** The receive queue was full. */
        QUEUE_FULL
    }

    private static final int QUEUE_CAPACITY = 256;

    private final VrrpInstanceConfig config;
    private final Link link;
    private final Announcer announcer;
    private final VrrpRouter router;
    private final byte[] sourceMac;
    private final byte[] txFrame = new byte[14 + 40 + 8 + 16 * 255];
    private final Queue<byte[]> received = new ConcurrentLinkedQueue<>();
    private final Map<Drop, Long> drops = new EnumMap<>(Drop.class);
    private final BiConsumer<VrrpState, VrrpState> listener;
    private long nowNs;
    private long advertsSent;
    private long advertsAccepted;
    private long addressMismatches;
    private final AtomicInteger queued = new AtomicInteger();
    private final AtomicLong queueFull = new AtomicLong();

    /**
     * @param listener told of every state change on the vrrp thread (notify hooks); must not block.
     */
    public VrrpInstance(
        final VrrpInstanceConfig config, final Link link, final Announcer announcer,
        final BiConsumer<VrrpState, VrrpState> listener)
    {
        this.config = config;
        this.link = link;
        this.announcer = announcer;
        this.listener = listener;
        this.sourceMac = config.useVirtualMac() ? Mac.virtualRouter(config.vrid(), config.isIpv6()) : link.macAddress();
        this.router = new VrrpRouter(config.version(), config.priority(), config.advertIntervalCs(), config.preempt(),
            config.primaryAddress().bytes(), new VrrpRouter.Actions()
            {
                @Override
                public void sendAdvert(final int priority)
                {
                    send(priority);
                }

                @Override
                public void stateChanged(final VrrpState from, final VrrpState to)
                {
                    onStateChanged(from, to);
                }
            });
        for (final Drop d : Drop.values())
        {
            drops.put(d, 0L);
        }
    }

    public VrrpInstanceConfig config()
    {
        return config;
    }

    public VrrpRouter router()
    {
        return router;
    }

    public void startup(final long nowNs)
    {
        this.nowNs = nowNs;
        router.startup(nowNs);
    }

    public void shutdown(final long nowNs)
    {
        this.nowNs = nowNs;
        router.shutdown();
    }

    /** Receive thread: queue a copy of a VRRP frame for {@link #doWork}. */
    public void onFrame(final byte[] frame, final int offset, final int length)
    {
        if (queued.incrementAndGet() > QUEUE_CAPACITY)
        {
            queued.decrementAndGet();
            queueFull.incrementAndGet();
            return;
        }
        received.add(java.util.Arrays.copyOfRange(frame, offset, offset + length));
    }

    /** Vrrp thread: handle received adverts and due timers; returns the amount of work done. */
    public int doWork(final long nowNs)
    {
        this.nowNs = nowNs;
        int work = 0;
        byte[] frame;
        while ((frame = received.poll()) != null)
        {
            queued.decrementAndGet();
            receive(frame, nowNs);
            work++;
        }
        if (nowNs - router.nextDeadlineNs() >= 0)
        {
            router.onTime(nowNs);
            work++;
        }
        return work;
    }

    public long nextDeadlineNs()
    {
        return router.nextDeadlineNs();
    }

    private void receive(final byte[] frame, final long nowNs)
    {
        final VrrpCodec.Decoded decoded = VrrpCodec.read(frame, 0, frame.length, config.version());
        if (decoded.verdict() != VrrpCodec.Verdict.OK)
        {
            count(Drop.valueOf(decoded.verdict().name()));
            return;
        }
        final Advert advert = decoded.advert();
        if (advert.vrid() != config.vrid() || advert.isIpv6() != config.isIpv6())
        {
            count(Drop.OTHER_VRID);
            return;
        }
        if (advert.source().equals(config.primaryAddress()))
        {
            count(Drop.OWN_ADVERT);
            return;
        }
        if (config.version() == 2)
        {
            if (advert.authType() != config.authType() ||
                (config.authType() == VrrpCodec.AUTH_SIMPLE_TEXT &&
                    !java.util.Arrays.equals(advert.authData(), config.authData())))
            {
                count(Drop.AUTH_MISMATCH);
                return;
            }
            if (advert.intervalCs() != config.advertIntervalCs())
            {
                count(Drop.INTERVAL_MISMATCH);
                return;
            }
        }
        if (!new HashSet<>(advert.addresses()).equals(new HashSet<>(config.addresses())))
        {
            // RFC 5798 7.1: log and go on (a misconfiguration the operator should see), unless we own the addresses.
            addressMismatches++;
            if (config.priority() == 255)
            {
                return;
            }
        }
        advertsAccepted++;
        router.onAdvert(advert, nowNs);
    }

    private void send(final int priority)
    {
        final Advert advert = new Advert(config.version(), config.vrid(), priority, config.advertIntervalCs(),
            config.authType(), config.version() == 2 ? config.authData() : new byte[0], config.addresses(),
            config.primaryAddress());
        link.send(txFrame, VrrpCodec.writeFrame(advert, sourceMac, txFrame));
        advertsSent++;
    }

    private void onStateChanged(final VrrpState from, final VrrpState to)
    {
        if (to == VrrpState.MASTER)
        {
            announcer.hold(config.name(), config.addresses(), sourceMac, nowNs);
        }
        else if (from == VrrpState.MASTER)
        {
            announcer.release(config.name());
        }
        listener.accept(from, to);
    }

    private void count(final Drop drop)
    {
        drops.merge(drop, 1L, Long::sum);
    }

    /** Received frames dropped for {@code drop}; read on the vrrp thread. */
    public long dropped(final Drop drop)
    {
        return drop == Drop.QUEUE_FULL ? queueFull.get() : drops.get(drop);
    }

    public long advertsSent()
    {
        return advertsSent;
    }

    public long advertsAccepted()
    {
        return advertsAccepted;
    }

    /** Adverts whose address list differs from ours. */
    public long addressMismatches()
    {
        return addressMismatches;
    }
}
