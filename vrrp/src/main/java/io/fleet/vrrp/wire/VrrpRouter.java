package io.fleet.vrrp.wire;

/**
 * The RFC 5798 section 6.4 state machine of one virtual router (also RFC 3768, whose timers are the same in whole
 * seconds), driven by hand with the time: {@link #startup}, {@link #onAdvert}, {@link #onTime}, {@link #shutdown}.
 * It decides; {@link Actions} does (send an advertisement, start or stop answering for the addresses).
 * <ul>
 *   <li>Skew_Time = ((256 - Priority) * Master_Adver_Interval) / 256; Master_Down_Interval = 3 * Master_Adver_Interval
 *       + Skew_Time (v2: the same with the configured interval, Master_Adver_Interval never learnt).</li>
 *   <li>Priority 255 (address owner) becomes master at startup; priority 0 in an advert means the master is leaving,
 *       so a backup waits only Skew_Time; {@link #shutdown} sends priority 0.</li>
 *   <li>A master yields to a higher priority, or to an equal priority from a greater primary address.</li>
 * </ul>
 * Single-threaded. Deadlines compare as {@code deadlineNs - nowNs < 0}.
 */
public final class VrrpRouter
{
    /** What the state machine asks of the world. */
    public interface Actions
    {
        /** Send one advertisement now with {@code priority} (0 when leaving). */
        void sendAdvert(int priority);

        /** The state changed; on MASTER answer ARP/ND for the addresses and announce them, on leaving it stop. */
        void stateChanged(VrrpState from, VrrpState to);
    }

    private static final long CENTISECOND_NS = 10_000_000L;

    private final int version;
    private final int advertIntervalCs;
    private final boolean preempt;
    private final byte[] primaryAddress;
    private final Actions actions;
    private int priority;
    private VrrpState state = VrrpState.INITIALIZE;
    private int masterAdverIntervalCs;
    private long masterDownDeadlineNs;
    private long adverDeadlineNs;

    /**
     * @param version          2 or 3.
     * @param priority         1..255; 255 only for the owner of the addresses.
     * @param advertIntervalCs the interval this router advertises at, in centiseconds (v2: a multiple of 100).
     * @param preempt          whether a higher-priority backup takes over from a lower-priority master.
     * @param primaryAddress   this router's primary IP address on the link, the tie breaker (4 or 16 bytes).
     */
    public VrrpRouter(
        final int version, final int priority, final int advertIntervalCs, final boolean preempt,
        final byte[] primaryAddress, final Actions actions)
    {
        if (version != 2 && version != 3)
        {
            throw new IllegalArgumentException("VRRP version " + version + " is not 2 or 3");
        }
        if (priority < 1 || priority > 255)
        {
            throw new IllegalArgumentException("VRRP priority " + priority + " is not 1..255");
        }
        if (advertIntervalCs < 1 || advertIntervalCs > 4095 || (version == 2 && advertIntervalCs % 100 != 0))
        {
            throw new IllegalArgumentException("advert interval " + advertIntervalCs + " cs is not valid for v" + version);
        }
        this.version = version;
        this.priority = priority;
        this.advertIntervalCs = advertIntervalCs;
        this.preempt = preempt;
        this.primaryAddress = primaryAddress.clone();
        this.actions = actions;
        this.masterAdverIntervalCs = advertIntervalCs;
    }

    public VrrpState state()
    {
        return state;
    }

    public int priority()
    {
        return priority;
    }

    public int advertIntervalCs()
    {
        return advertIntervalCs;
    }

    /** The master's interval as learnt from its adverts (v3), in centiseconds. */
    public int masterAdverIntervalCs()
    {
        return masterAdverIntervalCs;
    }

    public long skewTimeNs()
    {
        return (256 - priority) * masterAdverIntervalCs * CENTISECOND_NS / 256;
    }

    public long masterDownIntervalNs()
    {
        return 3 * masterAdverIntervalCs * CENTISECOND_NS + skewTimeNs();
    }

    /** Changes the priority (a track script's weight); takes effect from the next advert or timer. */
    public void priority(final int newPriority)
    {
        if (newPriority < 1 || newPriority > 255)
        {
            throw new IllegalArgumentException("VRRP priority " + newPriority + " is not 1..255");
        }
        priority = newPriority;
    }

    /** The Startup event: leave Initialize (or Fault) for Master (owner) or Backup. */
    public void startup(final long nowNs)
    {
        if (state != VrrpState.INITIALIZE && state != VrrpState.FAULT)
        {
            return;
        }
        if (priority == 255)
        {
            becomeMaster(nowNs);
        }
        else
        {
            masterAdverIntervalCs = advertIntervalCs;
            masterDownDeadlineNs = nowNs + masterDownIntervalNs();
            transition(VrrpState.BACKUP);
        }
    }

    /** The Shutdown event: a master sends priority 0 so that a backup takes over after Skew_Time. */
    public void shutdown()
    {
        if (state == VrrpState.MASTER)
        {
            actions.sendAdvert(0);
        }
        transition(VrrpState.INITIALIZE);
    }

    /** A tracked interface or weight-0 script failed: stop everything (a master says goodbye first). */
    public void fault()
    {
        if (state == VrrpState.MASTER)
        {
            actions.sendAdvert(0);
        }
        transition(VrrpState.FAULT);
    }

    /** A validated advertisement for this VRID arrived. */
    public void onAdvert(final Advert advert, final long nowNs)
    {
        if (state == VrrpState.BACKUP)
        {
            if (advert.priority() == 0)
            {
                masterDownDeadlineNs = nowNs + skewTimeNs();
            }
            else if (!preempt || advert.priority() >= priority)
            {
                learnInterval(advert);
                masterDownDeadlineNs = nowNs + masterDownIntervalNs();
            }
            // Else: preempt and a lower-priority master; let Master_Down_Timer fire and take over.
        }
        else if (state == VrrpState.MASTER)
        {
            if (advert.priority() == 0)
            {
                actions.sendAdvert(priority);
                adverDeadlineNs = nowNs + advertIntervalCs * CENTISECOND_NS;
            }
            else if (advert.priority() > priority ||
                (advert.priority() == priority && compareUnsigned(advert.source().bytes(), primaryAddress) > 0))
            {
                learnInterval(advert);
                masterDownDeadlineNs = nowNs + masterDownIntervalNs();
                transition(VrrpState.BACKUP);
            }
            // Else: a lower priority, or equal from a smaller address; discard, our next advert makes it yield.
        }
    }

    /** Fires due timers; call at {@link #nextDeadlineNs()} or later. */
    public void onTime(final long nowNs)
    {
        if (state == VrrpState.BACKUP && nowNs - masterDownDeadlineNs >= 0)
        {
            becomeMaster(nowNs);
        }
        else if (state == VrrpState.MASTER && nowNs - adverDeadlineNs >= 0)
        {
            actions.sendAdvert(priority);
            adverDeadlineNs += advertIntervalCs * CENTISECOND_NS;
            if (nowNs - adverDeadlineNs >= 0)
            {
                // We were not called for a whole interval (a stalled JVM): do not send a catch-up burst.
                adverDeadlineNs = nowNs + advertIntervalCs * CENTISECOND_NS;
            }
        }
    }

    /** The next timer of the current state, or {@link Long#MAX_VALUE} when none runs. */
    public long nextDeadlineNs()
    {
        switch (state)
        {
            case BACKUP: return masterDownDeadlineNs;
            case MASTER: return adverDeadlineNs;
            default: return Long.MAX_VALUE;
        }
    }

    private void becomeMaster(final long nowNs)
    {
        actions.sendAdvert(priority);
        adverDeadlineNs = nowNs + advertIntervalCs * CENTISECOND_NS;
        transition(VrrpState.MASTER);
    }

    private void learnInterval(final Advert advert)
    {
        // RFC 5798 6.4.2: a v3 backup adopts the master's interval; v2 has one configured interval for all.
        if (version == 3 && advert.intervalCs() > 0)
        {
            masterAdverIntervalCs = advert.intervalCs();
        }
    }

    private void transition(final VrrpState to)
    {
        final VrrpState from = state;
        if (from != to)
        {
            state = to;
            actions.stateChanged(from, to);
        }
    }

    private static int compareUnsigned(final byte[] a, final byte[] b)
    {
        return java.util.Arrays.compareUnsigned(a, b);
    }
}
