package io.fleet.vrrp.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import io.fleet.vrrp.announce.AnnounceSettings;
import io.fleet.vrrp.election.VipAddress;
import io.fleet.vrrp.election.VipGroup;
import io.fleet.vrrp.track.GroupTracking;
import io.fleet.vrrp.track.NotifyScripts;
import io.fleet.vrrp.track.TrackScript;
import io.fleet.vrrp.track.TrackedInterface;
import io.fleet.vrrp.wire.VrrpInstanceConfig;

/**
 * The {@code fleet.vrrp} configuration block, read once and validated; every key and its unit is documented in the
 * module's {@code reference.conf}. Errors name the offending path.
 */
public record VrrpSettings(
    long stableAfterNs,
    long interfacePollNs,
    AnnounceSettings announce,
    Map<String, TrackScript> scripts,
    List<VipGroup> groups,
    List<GroupTracking> tracking,
    Map<String, NotifyScripts> notifyScripts,
    List<VrrpInstanceConfig> wireInstances)
{
    public static VrrpSettings from(final Config root)
    {
        final Config c = root.getConfig("fleet.vrrp");
        final long notifyTimeoutNs = nanos(c, "notify-timeout");
        final AnnounceSettings announce = new AnnounceSettings(c.getInt("announce.count"),
            nanos(c, "announce.interval"), nanos(c, "announce.repeat-delay"), nanos(c, "announce.refresh-interval"));

        final Map<String, TrackScript> scripts = new LinkedHashMap<>();
        for (final Config s : c.getConfigList("scripts"))
        {
            final String name = s.getString("name");
            final TrackScript script = new TrackScript(name, List.of("/bin/sh", "-c", s.getString("script")),
                nanos(s, "interval"), nanos(s, "timeout"), s.getInt("weight"), intOr(s, "rise", 1), intOr(s, "fall", 1));
            if (scripts.put(name, script) != null)
            {
                throw new ConfigException.BadValue("fleet.vrrp.scripts", "duplicate script " + name);
            }
        }

        final List<VipGroup> groups = new ArrayList<>();
        final List<GroupTracking> tracking = new ArrayList<>();
        final Map<String, NotifyScripts> notify = new HashMap<>();
        for (final Config g : c.getConfigList("groups"))
        {
            final String name = g.getString("name");
            final Map<String, Integer> priorities = new HashMap<>();
            if (g.hasPath("priorities"))
            {
                final Config p = g.getConfig("priorities");
                p.root().keySet().forEach(node -> priorities.put(node, p.getInt("\"" + node + "\"")));
            }
            groups.add(new VipGroup(name, g.getStringList("addresses").stream().map(VipAddress::parse).toList(),
                priorities, g.getInt("priority"), boolOr(g, "preempt", true),
                g.hasPath("preempt-delay") ? nanos(g, "preempt-delay") : 0));
            final List<String> tracked = g.hasPath("track-scripts") ? g.getStringList("track-scripts") : List.of();
            for (final String s : tracked)
            {
                if (!scripts.containsKey(s))
                {
                    throw new ConfigException.BadValue("fleet.vrrp.groups." + name, "unknown track script " + s);
                }
            }
            final List<TrackedInterface> interfaces = new ArrayList<>();
            if (g.hasPath("track-interfaces"))
            {
                for (final Config i : g.getConfigList("track-interfaces"))
                {
                    interfaces.add(new TrackedInterface(i.getString("name"), intOr(i, "weight", 0)));
                }
            }
            tracking.add(new GroupTracking(name, tracked, interfaces));
            final NotifyScripts hooks = new NotifyScripts(shell(g, "notify-master"), shell(g, "notify-backup"),
                shell(g, "notify-fault"), shell(g, "notify"), notifyTimeoutNs);
            if (!hooks.equals(new NotifyScripts(List.of(), List.of(), List.of(), List.of(), notifyTimeoutNs)))
            {
                notify.put(name, hooks);
            }
        }

        final List<VrrpInstanceConfig> wire = new ArrayList<>();
        for (final Config w : c.getConfigList("wire-instances"))
        {
            final long intervalMs = w.getDuration("advert-interval").toMillis();
            wire.add(new VrrpInstanceConfig(w.getString("name"), w.getInt("version"), w.getInt("vrid"),
                w.getInt("priority"), (int)(intervalMs / 10), boolOr(w, "preempt", true),
                w.hasPath("auth-pass") ? w.getString("auth-pass") : null,
                w.getStringList("addresses").stream().map(VipAddress::parse).toList(),
                VipAddress.parse(w.getString("primary-address")), boolOr(w, "use-virtual-mac", true)));
        }
        return new VrrpSettings(nanos(c, "stable-after"), nanos(c, "interface-poll-interval"), announce,
            Map.copyOf(scripts), List.copyOf(groups), List.copyOf(tracking), Map.copyOf(notify), List.copyOf(wire));
    }

    private static long nanos(final Config c, final String path)
    {
        final Duration d = c.getDuration(path);
        if (d.isNegative())
        {
            throw new ConfigException.BadValue(c.origin(), path, "must not be negative");
        }
        return d.toNanos();
    }

    private static int intOr(final Config c, final String path, final int fallback)
    {
        return c.hasPath(path) ? c.getInt(path) : fallback;
    }

    private static boolean boolOr(final Config c, final String path, final boolean fallback)
    {
        return c.hasPath(path) ? c.getBoolean(path) : fallback;
    }

    private static List<String> shell(final Config c, final String path)
    {
        return c.hasPath(path) ? List.of("/bin/sh", "-c", c.getString(path)) : List.of();
    }
}
