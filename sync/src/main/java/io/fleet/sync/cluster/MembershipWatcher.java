package io.fleet.sync.cluster;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;

import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.UniqueAddress;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Subscribe;

/**
 * Turns Pekko cluster events into {@link MembershipListener} calls, and works out whether this node is in the
 * minority the way keep-majority does.
 */
public final class MembershipWatcher extends AbstractBehavior<MembershipWatcher.Command>
{
    public sealed interface Command
    {
    }

    /** Registers a listener; it is first brought up to date. */
    public record AddListener(MembershipListener listener) implements Command
    {
    }

    public record RemoveListener(MembershipListener listener) implements Command
    {
    }

    private record WrappedEvent(ClusterEvent.ClusterDomainEvent event) implements Command
    {
    }

    private final Cluster cluster;
    private final List<MembershipListener> listeners = new ArrayList<>();
    private final TreeMap<UniqueAddress, Member> members = new TreeMap<>();
    private final Set<UniqueAddress> unreachable = new HashSet<>();
    private boolean inMinority;
    private boolean downed;

    private MembershipWatcher(final ActorContext<Command> context)
    {
        super(context);
        cluster = Cluster.get(context.getSystem());
        cluster.subscriptions().tell(Subscribe.create(
            context.messageAdapter(ClusterEvent.ClusterDomainEvent.class, WrappedEvent::new),
            ClusterEvent.ClusterDomainEvent.class));
    }

    public static Behavior<Command> create()
    {
        return Behaviors.setup(MembershipWatcher::new);
    }

    @Override
    public Receive<Command> createReceive()
    {
        return newReceiveBuilder()
            .onMessage(AddListener.class, this::onAddListener)
            .onMessage(RemoveListener.class, this::onRemoveListener)
            .onMessage(WrappedEvent.class, this::onEvent)
            .build();
    }

    static ClusterMember member(final Member m)
    {
        final UniqueAddress ua = m.uniqueAddress();
        return new ClusterMember(ua.address().toString(), ua.address().getHost().orElse(""),
            ua.address().getPort().orElse(0), ua.longUid(), Set.copyOf(m.getRoles()));
    }

    private Behavior<Command> onAddListener(final AddListener add)
    {
        final MembershipListener l = add.listener();
        for (final Member m : members.values())
        {
            if (m.status() == MemberStatus.up() || m.status() == MemberStatus.weaklyUp())
            {
                safely(() -> l.memberUp(member(m)));
            }
        }
        for (final UniqueAddress ua : unreachable)
        {
            final Member m = members.get(ua);
            if (m != null)
            {
                safely(() -> l.memberUnreachable(member(m)));
            }
        }
        final boolean minority = inMinority;
        safely(() -> l.selfInMinority(minority));
        if (downed)
        {
            safely(l::selfDowned);
        }
        listeners.add(l);
        return this;
    }

    private Behavior<Command> onRemoveListener(final RemoveListener remove)
    {
        listeners.remove(remove.listener());
        return this;
    }

    private Behavior<Command> onEvent(final WrappedEvent wrapped)
    {
        final ClusterEvent.ClusterDomainEvent event = wrapped.event();
        final UniqueAddress self = cluster.selfMember().uniqueAddress();
        if (event instanceof ClusterEvent.MemberUp up)
        {
            members.put(up.member().uniqueAddress(), up.member());
            notifyAll(l -> l.memberUp(member(up.member())));
        }
        else if (event instanceof ClusterEvent.MemberWeaklyUp up)
        {
            members.put(up.member().uniqueAddress(), up.member());
            notifyAll(l -> l.memberUp(member(up.member())));
        }
        else if (event instanceof ClusterEvent.MemberRemoved removed)
        {
            members.remove(removed.member().uniqueAddress());
            unreachable.remove(removed.member().uniqueAddress());
            if (removed.member().uniqueAddress().equals(self))
            {
                selfDown();
            }
            else
            {
                notifyAll(l -> l.memberRemoved(member(removed.member())));
            }
        }
        else if (event instanceof ClusterEvent.MemberDowned down)
        {
            if (down.member().uniqueAddress().equals(self))
            {
                selfDown();
            }
        }
        else if (event instanceof ClusterEvent.MemberEvent other)
        {
            if (members.containsKey(other.member().uniqueAddress()))
            {
                members.put(other.member().uniqueAddress(), other.member());
            }
        }
        else if (event instanceof ClusterEvent.UnreachableMember un)
        {
            if (unreachable.add(un.member().uniqueAddress()))
            {
                notifyAll(l -> l.memberUnreachable(member(un.member())));
            }
        }
        else if (event instanceof ClusterEvent.ReachableMember re)
        {
            if (unreachable.remove(re.member().uniqueAddress()))
            {
                notifyAll(l -> l.memberReachable(member(re.member())));
            }
        }
        updateMinority(self);
        return this;
    }

    private void selfDown()
    {
        if (!downed)
        {
            downed = true;
            notifyAll(MembershipListener::selfDowned);
        }
    }

    private void updateMinority(final UniqueAddress self)
    {
        if (!members.containsKey(self))
        {
            return;
        }
        final int total = members.size();
        int reachable = 0;
        UniqueAddress lowestReachable = null;
        for (final UniqueAddress ua : members.keySet())
        {
            if (!unreachable.contains(ua))
            {
                reachable++;
                if (lowestReachable == null)
                {
                    lowestReachable = ua;
                }
            }
        }
        final boolean lowestIsReachable = members.firstKey().equals(lowestReachable);
        final boolean minority = reachable * 2 < total || (reachable * 2 == total && !lowestIsReachable);
        if (minority != inMinority)
        {
            inMinority = minority;
            notifyAll(l -> l.selfInMinority(minority));
        }
    }

    private void notifyAll(final java.util.function.Consumer<MembershipListener> call)
    {
        for (final MembershipListener l : listeners)
        {
            safely(() -> call.accept(l));
        }
    }

    private void safely(final Runnable call)
    {
        try
        {
            call.run();
        }
        catch (final RuntimeException e)
        {
            // A faulty listener must not stop the others from hearing about membership.
            getContext().getLog().error("membership listener failed", e);
        }
    }
}
