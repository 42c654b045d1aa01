package io.fleet.director.health;

import io.fleet.director.control.HealthStatus;
import io.fleet.sync.ClusterNode;
import io.fleet.sync.catalog.FieldMap;
import io.fleet.sync.catalog.HealthVotes;
import io.fleet.sync.cluster.ClusterMember;
import io.fleet.sync.cluster.MembershipListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The fleet's verdict on each real server. This director's checker results become its votes in
 * {@link HealthVotes}; whenever a vote or the set of reachable directors changes, every server's verdict is
 * worked out again with its service's {@link io.fleet.sync.catalog.Quorum} and each change goes to the
 * {@link VerdictListener}. So one director with a bad link to a server does not take it out under
 * {@code majority}.
 *
 * <p>Who votes: the reachable cluster members ({@link HealthVotes#voters()}); an unreachable or removed director
 * neither keeps a server up nor holds it down. A reachable director that has not voted for a server yet (it is
 * starting, or its vote is still on its way) counts with the server's start state, up (or down with
 * {@code alpha}), as Keepalived assumes of a checker that has not run yet; so a director that starts first, or
 * alone sees a failure, does not take a server out before the others' votes arrive. No verdict is reached
 * before this director's own vote is in the replicated map.
 *
 * <p>Thread-safe: checker loops, the vote watcher and the membership thread call in; one lock orders them.
 */
public final class FleetHealth implements HealthChecker.Listener
{
    private static final Logger LOG = LoggerFactory.getLogger("io.fleet.director.health");
    private static final byte UP = 1;

    private final HealthVotes votes;
    private final String self;
    private final VerdictListener listener;
    private final Map<CheckTarget, State> states = new HashMap<>();
    private final List<CheckTarget> order;
    private FieldMap latest = FieldMap.EMPTY;
    private Set<String> voters = Set.of();
    private boolean closed;

    /** One real server's local result and last verdict. */
    private static final class State
    {
        boolean localUp;
        int localWeight;
        long lastChangeEpochMs;
        boolean verdict;
        int verdictWeight;
        Map<String, Boolean> votes = Map.of();
    }

    /**
     * @param self this director's "host:port" in the cluster, its field in the votes.
     */
    public FleetHealth(final HealthVotes votes, final String self, final List<CheckTarget> targets,
        final VerdictListener listener)
    {
        this.votes = votes;
        this.self = self;
        this.listener = listener;
        this.order = List.copyOf(targets);
        for (final CheckTarget t : order)
        {
            final State s = new State();
            s.localUp = !t.spec().alpha();
            s.localWeight = s.localUp ? t.weight() : 0;
            s.verdict = s.localUp;
            s.verdictWeight = s.localWeight;
            states.put(t, s);
        }
    }

    /**
     * Casts the start votes (up, or down with {@code alpha}) and follows votes and membership from now on. With
     * {@code alpha}, the listener hears "down" at once, since the data plane starts with every server in.
     */
    public void start(final ClusterNode node)
    {
        synchronized (this)
        {
            for (final CheckTarget t : order)
            {
                final State s = states.get(t);
                votes.vote(t.service().toString(), t.realServer().toString(), s.localUp);
                if (!s.verdict)
                {
                    listener.verdict(t.service(), t.realServer(), false, 0, t.spec().onFailure() == OnFailure.REMOVE);
                }
            }
        }
        votes.addListener(this::onVotes);
        node.addMembershipListener(new MembershipListener()
        {
            @Override
            public void memberUp(final ClusterMember member)
            {
                reevaluate();
            }

            @Override
            public void memberUnreachable(final ClusterMember member)
            {
                reevaluate();
            }

            @Override
            public void memberReachable(final ClusterMember member)
            {
                reevaluate();
            }

            @Override
            public void memberRemoved(final ClusterMember member)
            {
                reevaluate();
            }
        });
    }

    @Override
    public void changed(final CheckTarget target, final boolean up, final int weight, final String reason)
    {
        synchronized (this)
        {
            final State s = states.get(target);
            if (s == null)
            {
                return;
            }
            if (s.localUp != up)
            {
                s.lastChangeEpochMs = System.currentTimeMillis();
            }
            s.localUp = up;
            s.localWeight = weight;
        }
        votes.vote(target.service().toString(), target.realServer().toString(), up);
        reevaluate();
    }

    private void onVotes(final FieldMap map)
    {
        synchronized (this)
        {
            latest = map;
        }
        reevaluate();
    }

    /** Works every verdict out again from the latest votes and voters; tells the listener what changed. */
    public synchronized void reevaluate()
    {
        if (closed)
        {
            return;
        }
        voters = votes.voters();
        final Map<String, Map<String, byte[]>> view = latest.view();
        for (final CheckTarget t : order)
        {
            final State s = states.get(t);
            final Map<String, byte[]> fields = view.getOrDefault(entry(t), Map.of());
            final Map<String, Boolean> cast = new TreeMap<>();
            int up = 0;
            for (final String member : voters)
            {
                final byte[] v = fields.get(member);
                if (v != null && v.length == 1)
                {
                    cast.put(member, v[0] == UP);
                    up += v[0] == UP ? 1 : 0;
                }
            }
            s.votes = Map.copyOf(cast);
            if (!cast.containsKey(self))
            {
                continue;
            }
            final int notYet = voters.size() - cast.size();
            final boolean verdict = t.quorum().up(up + (t.spec().alpha() ? 0 : notYet), voters.size());
            final int weight = verdict ? (s.localUp ? s.localWeight : t.weight()) : 0;
            if (verdict != s.verdict || verdict && weight != s.verdictWeight)
            {
                if (verdict != s.verdict)
                {
                    LOG.info("health {} fleet verdict {} ({} of {} reachable directors see it up, {} not voted yet, quorum {})",
                        t.name(), verdict ? "UP" : "DOWN", up, voters.size(), notYet, quorumName(t));
                }
                s.verdict = verdict;
                s.verdictWeight = weight;
                listener.verdict(t.service(), t.realServer(), verdict, weight,
                    !verdict && t.spec().onFailure() == OnFailure.REMOVE);
            }
        }
    }

    /** Stops re-evaluating and telling the listener; the votes stay in the map until the node leaves. */
    public synchronized void close()
    {
        closed = true;
    }

    /** The key {@link HealthVotes} files a server's votes under. */
    private static String entry(final CheckTarget t)
    {
        return t.service().toString() + '|' + t.realServer().toString();
    }

    private static String quorumName(final CheckTarget t)
    {
        return t.quorum().name().toLowerCase(Locale.ROOT);
    }

    /** The fleet's verdict now for one server (its start state until this director's first vote is in). */
    public synchronized boolean verdict(final CheckTarget target)
    {
        return states.get(target).verdict;
    }

    /** Every server's health for {@code DirectorControl.health()}. */
    public synchronized List<HealthStatus> status()
    {
        final List<HealthStatus> out = new ArrayList<>(order.size());
        for (final CheckTarget t : order)
        {
            final State s = states.get(t);
            out.add(new HealthStatus(t.service(), t.realServer(), t.spec().type().keepalivedName(), s.localUp, s.votes,
                quorumName(t), s.verdict, s.lastChangeEpochMs));
        }
        return out;
    }
}
