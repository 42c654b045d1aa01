package io.fleet.vrrp.announce;

/**
 * How a new holder announces its VIPs, as Keepalived's {@code garp_master_*} settings.
 *
 * @param count            gratuitous ARPs / unsolicited NAs per VIP in one burst ({@code garp_master_repeat}), >= 1.
 * @param intervalNs       time between two frames of a burst ({@code garp_interval}); 0 sends the burst at once.
 * @param repeatDelayNs    a second burst this long after becoming holder ({@code garp_master_delay}); 0 for none.
 * @param refreshIntervalNs one more announcement this often while holding ({@code garp_master_refresh}); 0 for none.
 */
public record AnnounceSettings(int count, long intervalNs, long repeatDelayNs, long refreshIntervalNs)
{
    /** Keepalived's defaults: 5 frames at once, a second burst after 5 s, no refresh. */
    public static final AnnounceSettings KEEPALIVED_DEFAULTS = new AnnounceSettings(5, 0, 5_000_000_000L, 0);

    public AnnounceSettings
    {
        if (count < 1 || intervalNs < 0 || repeatDelayNs < 0 || refreshIntervalNs < 0)
        {
            throw new IllegalArgumentException(
                "announce count must be >= 1 and times >= 0: " + count + ", " + intervalNs + ", " + repeatDelayNs +
                ", " + refreshIntervalNs);
        }
    }
}
