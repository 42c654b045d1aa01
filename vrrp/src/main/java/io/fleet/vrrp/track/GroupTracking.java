package io.fleet.vrrp.track;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.fleet.vrrp.election.NodeHealth;

/**
 * What one VIP group tracks on this director: track scripts by name and interfaces. {@link #health} turns the
 * current script states and link states into this director's {@link NodeHealth}, which the election uses and the
 * cluster carries to the other directors.
 */
public record GroupTracking(String group, List<String> scripts, List<TrackedInterface> interfaces)
{
    public GroupTracking
    {
        scripts = List.copyOf(scripts);
        interfaces = List.copyOf(interfaces);
    }

    /**
     * @param scripts      every track script by name, for its weight.
     * @param scriptOk     every script's state, true while succeeding (a script not yet known counts as succeeding).
     * @param portUp       false when this director's port is down: then it is faulted for every group.
     */
    public static NodeHealth health(
        final List<GroupTracking> groups, final Map<String, TrackScript> scripts, final Map<String, Boolean> scriptOk,
        final LinkState links, final boolean portUp)
    {
        final Map<String, Integer> deltas = new HashMap<>();
        final Set<String> faulted = new HashSet<>();
        for (final GroupTracking g : groups)
        {
            int delta = 0;
            for (final String name : g.scripts())
            {
                final TrackScript s = scripts.get(name);
                if (s == null)
                {
                    throw new IllegalArgumentException("group " + g.group() + " tracks unknown script " + name);
                }
                final boolean ok = scriptOk.getOrDefault(name, true);
                if (s.weight() == 0 && !ok)
                {
                    faulted.add(g.group());
                }
                else if ((s.weight() < 0 && !ok) || (s.weight() > 0 && ok))
                {
                    delta += s.weight();
                }
            }
            for (final TrackedInterface i : g.interfaces())
            {
                final boolean up = links.isUp(i.name());
                if (i.weight() == 0 && !up)
                {
                    faulted.add(g.group());
                }
                else if ((i.weight() < 0 && !up) || (i.weight() > 0 && up))
                {
                    delta += i.weight();
                }
            }
            if (delta != 0)
            {
                deltas.put(g.group(), delta);
            }
        }
        return new NodeHealth(!portUp, deltas, faulted);
    }
}
