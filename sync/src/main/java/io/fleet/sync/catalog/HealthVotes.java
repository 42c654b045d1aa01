package io.fleet.sync.catalog;

import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.List;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.cluster.ddata.Key;
import org.apache.pekko.cluster.ddata.typed.javadsl.DistributedData;
import org.apache.pekko.cluster.ddata.typed.javadsl.Replicator;

import io.fleet.sync.ClusterNode;
import io.fleet.sync.cluster.ClusterMember;
import io.fleet.sync.cluster.MembershipListener;
import io.fleet.sync.conn.HybridLogicalClock;

/**
 * Each director's view of each real server, replicated ({@link FieldMap}: entry {@code service|realServer},
 * one field per director {@code host:port}), and the fleet's verdict under a {@link Quorum}. Only reachable
 * members vote: a director that vanished neither keeps a server up nor holds it down. Votes are not durable;
 * a restarted director re-casts them from its own checks.
 */
public final class HealthVotes
{
    private static final byte[] UP = {1};
    private static final byte[] DOWN = {0};

    private final ClusterNode node;
    private final Key<FieldMap> key;
    private final String self;
    private final AtomicReference<FieldMap> cache = new AtomicReference<>(FieldMap.EMPTY);
    private final List<Consumer<FieldMap>> listeners = FieldMapWatcher.newListeners();
    private final AtomicReference<Set<String>> voters = new AtomicReference<>(Set.of());
    private final HybridLogicalClock clock = new HybridLogicalClock();
    private final ActorRef<Replicator.Command> replicator;
    private final ActorRef<Replicator.UpdateResponse<FieldMap>> ignore;

    private HealthVotes(final ClusterNode node)
    {
        this.node = node;
        this.key = FieldMapKey.of(node.syncConfig().getString("health.key"));
        this.self = node.self().hostPort();
        this.replicator = DistributedData.get(node.system()).replicator();
        node.system().systemActorOf(FieldMapWatcher.create(key, cache, listeners), "fleetHealthVotes", Props.empty());
        this.ignore = node.system().ignoreRef();
        node.addMembershipListener(new MembershipListener()
        {
            @Override
            public void memberUp(final ClusterMember member)
            {
                voters.updateAndGet(s -> with(s, member.hostPort(), true));
            }

            @Override
            public void memberReachable(final ClusterMember member)
            {
                voters.updateAndGet(s -> with(s, member.hostPort(), true));
            }

            @Override
            public void memberUnreachable(final ClusterMember member)
            {
                voters.updateAndGet(s -> with(s, member.hostPort(), false));
            }

            @Override
            public void memberRemoved(final ClusterMember member)
            {
                voters.updateAndGet(s -> with(s, member.hostPort(), false));
            }
        });
    }

    private static Set<String> with(final Set<String> set, final String member, final boolean present)
    {
        final TreeSet<String> copy = new TreeSet<>(set);
        if (present)
        {
            copy.add(member);
        }
        else
        {
            copy.remove(member);
        }
        return Set.copyOf(copy);
    }

    public static HealthVotes start(final ClusterNode node)
    {
        return new HealthVotes(node);
    }

    /** Casts this director's vote for {@code realServer} of {@code service}. */
    public void vote(final String service, final String realServer, final boolean up)
    {
        final long hlc;
        synchronized (clock)
        {
            clock.observe(cache.get().maxHlc());
            hlc = clock.tick(System.currentTimeMillis());
        }
        final int nodeId = node.nodeId();
        final String entry = entryKey(service, realServer);
        replicator.tell(new Replicator.Update<>(key, FieldMap.EMPTY, Replicator.writeLocal(), ignore,
            current -> current.set(entry, self, up ? UP : DOWN, hlc, nodeId)));
    }

    /** The fleet's verdict for {@code realServer} of {@code service} under {@code quorum}, from this node's view. */
    public boolean verdict(final String service, final String realServer, final Quorum quorum)
    {
        final Set<String> members = voters.get();
        final FieldMap votes = cache.get();
        final String entry = entryKey(service, realServer);
        int up = 0;
        for (final String member : members)
        {
            final byte[] v = votes.value(entry, member);
            if (v != null && v.length == 1 && v[0] == 1)
            {
                up++;
            }
        }
        return quorum.up(up, members.size());
    }

    /** The directors whose votes count now (reachable members, "host:port"). */
    public Set<String> voters()
    {
        return voters.get();
    }

    /** Calls {@code listener} after every change of the votes (on the watcher's thread). */
    public void addListener(final Consumer<FieldMap> listener)
    {
        listeners.add(listener);
    }

    private static String entryKey(final String service, final String realServer)
    {
        return service + '|' + realServer;
    }
}
