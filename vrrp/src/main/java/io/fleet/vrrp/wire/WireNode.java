package io.fleet.vrrp.wire;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;

import io.fleet.vrrp.agent.Agent;
import io.fleet.vrrp.announce.AnnounceSettings;
import io.fleet.vrrp.announce.Announcer;
import io.fleet.vrrp.link.FrameReceiver;
import io.fleet.vrrp.link.Frames;
import io.fleet.vrrp.link.Link;

/**
 * VRRP wire mode on one link: several virtual routers sharing an {@link Announcer}. It is the link's receiver (ARP
 * and ND to the announcer, VRRP to the instances) and an {@link Agent} for the vrrp thread.
 */
public final class WireNode implements Agent, FrameReceiver
{
    /** Told of each state change: instance name, from, to. Called on the vrrp thread; must not block. */
    public interface Listener
    {
        void onStateChange(String instance, VrrpState from, VrrpState to);
    }

    private final Link link;
    private final Announcer announcer;
    private final List<VrrpInstance> instances = new ArrayList<>();
    private volatile Runnable wakeUp = () -> { };

    public WireNode(
        final Link link, final AnnounceSettings announceSettings, final List<VrrpInstanceConfig> configs,
        final Listener listener)
    {
        this.link = link;
        this.announcer = new Announcer(link, announceSettings);
        for (final VrrpInstanceConfig config : configs)
        {
            final BiConsumer<VrrpState, VrrpState> l = (from, to) -> listener.onStateChange(config.name(), from, to);
            instances.add(new VrrpInstance(config, link, announcer, l));
        }
        link.receiver(this);
    }

    /** Set by whoever runs this node, to be woken when a VRRP frame is queued. */
    public void wakeUp(final Runnable wakeUp)
    {
        this.wakeUp = wakeUp;
    }

    public Announcer announcer()
    {
        return announcer;
    }

    public List<VrrpInstance> instances()
    {
        return instances;
    }

    public VrrpInstance instance(final String name)
    {
        for (final VrrpInstance i : instances)
        {
            if (i.config().name().equals(name))
            {
                return i;
            }
        }
        throw new IllegalArgumentException("no VRRP instance " + name);
    }

    public void startup(final long nowNs)
    {
        for (final VrrpInstance i : instances)
        {
            i.startup(nowNs);
        }
    }

    @Override
    public void onFrame(final byte[] frame, final int offset, final int length)
    {
        final int kind = Frames.classify(frame, offset, length);
        if (kind == Frames.VRRP)
        {
            for (final VrrpInstance i : instances)
            {
                i.onFrame(frame, offset, length);
            }
            wakeUp.run();
        }
        else if (kind != Frames.OTHER)
        {
            announcer.onFrame(frame, offset, length);
        }
    }

    @Override
    public int doWork(final long nowNs)
    {
        int work = 0;
        for (final VrrpInstance i : instances)
        {
            work += i.doWork(nowNs);
        }
        return work + announcer.doWork(nowNs);
    }

    @Override
    public long nextDeadlineNs()
    {
        long deadline = announcer.nextDeadlineNs();
        for (final VrrpInstance i : instances)
        {
            final long d = i.nextDeadlineNs();
            if (d != Long.MAX_VALUE && (deadline == Long.MAX_VALUE || d - deadline < 0))
            {
                deadline = d;
            }
        }
        return deadline;
    }

    /** Shutdown: every master sends priority 0 so that backups take over after Skew_Time. */
    @Override
    public void onClose(final long nowNs)
    {
        for (final VrrpInstance i : instances)
        {
            i.shutdown(nowNs);
        }
    }

    public Link link()
    {
        return link;
    }
}
