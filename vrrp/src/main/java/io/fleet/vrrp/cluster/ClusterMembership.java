package io.fleet.vrrp.cluster;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;

import io.fleet.vrrp.election.MembershipView;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
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
import scala.jdk.javaapi.CollectionConverters;

/**
 * The thin adapter from Pekko cluster events to {@link MembershipView}: it follows member and reachability events
 * and hands a fresh view to the listener after each one. Takeover follows {@code UnreachableMember} (the failure
 * detector), not downing; a member that is Down, Exiting or Removed is no longer a member, and this director being
 * downed or removed releases everything. A member flagged unreachable only by observers that are unreachable
 * themselves (a dead director's last word) counts as reachable ({@link StaleObservations}). Each change of the view is
 * logged in one line. Until {@code sync} offers its own membership listener API, this is how the election sees the
 * cluster.
 */
public final class ClusterMembership extends AbstractBehavior<ClusterMembership.Command>
{
    public sealed interface Command
    {
    }

    private record MemberChanged(ClusterEvent.MemberEvent event) implements Command
    {
    }

    private record ReachabilityChanged(ClusterEvent.ReachabilityEvent event) implements Command
    {
    }

    /** Who observes whom as unreachable (Pekko's internal event, see {@link StaleObservations}). */
    private record ObserversChanged(ClusterEvent.ReachabilityChanged event) implements Command
    {
    }

    /** The node id the election uses for a member: {@code host:port} of its address. */
    public static String hostPort(final Member member)
    {
        return member.address().host().get() + ":" + member.address().port().get();
    }

    private final Cluster cluster;
    private final Function<Member, String> nodeId;
    private final Consumer<MembershipView> listener;
    private final List<Member> members = new ArrayList<>();
    private final Set<UniqueAddress> unreachable = new HashSet<>();
    private Map<UniqueAddress, Set<UniqueAddress>> observersBySubject = Map.of();
    private Set<UniqueAddress> discounted = Set.of();
    private boolean selfDowned;
    private MembershipView published;

    public static Behavior<Command> create(final Function<Member, String> nodeId, final Consumer<MembershipView> listener)
    {
        // A bug here must not leave the election on a stale view: restart, which subscribes again and so replays the
        // current cluster state as events.
        return Behaviors.supervise(Behaviors.<Command>setup(ctx -> new ClusterMembership(ctx, nodeId, listener)))
            .onFailure(SupervisorStrategy.restart());
    }

    private ClusterMembership(
        final ActorContext<Command> ctx, final Function<Member, String> nodeId, final Consumer<MembershipView> listener)
    {
        super(ctx);
        this.cluster = Cluster.get(ctx.getSystem());
        this.nodeId = nodeId;
        this.listener = listener;
        final ActorRef<ClusterEvent.MemberEvent> memberAdapter =
            ctx.messageAdapter(ClusterEvent.MemberEvent.class, MemberChanged::new);
        final ActorRef<ClusterEvent.ReachabilityEvent> reachabilityAdapter =
            ctx.messageAdapter(ClusterEvent.ReachabilityEvent.class, ReachabilityChanged::new);
        cluster.subscriptions().tell(Subscribe.create(memberAdapter, ClusterEvent.MemberEvent.class));
        cluster.subscriptions().tell(Subscribe.create(reachabilityAdapter, ClusterEvent.ReachabilityEvent.class));
        // Internal to Pekko (public in bytecode): the records behind the reachability events. Used only to discount
        // records of dead observers; without it the view is exactly what the public events say.
        final ActorRef<ClusterEvent.ReachabilityChanged> observersAdapter =
            ctx.messageAdapter(ClusterEvent.ReachabilityChanged.class, ObserversChanged::new);
        cluster.subscriptions().tell(Subscribe.create(observersAdapter, ClusterEvent.ReachabilityChanged.class));
    }

    @Override
    public Receive<Command> createReceive()
    {
        return newReceiveBuilder()
            .onMessage(MemberChanged.class, this::onMemberChanged)
            .onMessage(ReachabilityChanged.class, this::onReachabilityChanged)
            .onMessage(ObserversChanged.class, this::onObserversChanged)
            .build();
    }

    private Behavior<Command> onMemberChanged(final MemberChanged message)
    {
        final Member member = message.event().member();
        final boolean isSelf = member.uniqueAddress().equals(cluster.selfMember().uniqueAddress());
        members.removeIf(m -> m.uniqueAddress().equals(member.uniqueAddress()));
        final MemberStatus status = member.status();
        final boolean gone = status == MemberStatus.down() || status == MemberStatus.exiting() ||
            status == MemberStatus.removed();
        if (isSelf && gone)
        {
            selfDowned = true;
        }
        if (!gone && (status == MemberStatus.up() || status == MemberStatus.weaklyUp() ||
            status == MemberStatus.leaving()))
        {
            members.add(member);
            if (isSelf)
            {
                // The initial state arrives one member event at a time, ours possibly first: take the others from
                // the cluster's snapshot now, or a first view "alone" would make this director take every group
                // while the fleet already has holders.
                for (final Member other : cluster.state().getMembers())
                {
                    final MemberStatus s = other.status();
                    if ((s == MemberStatus.up() || s == MemberStatus.weaklyUp() || s == MemberStatus.leaving())
                        && members.stream().noneMatch(m -> m.uniqueAddress().equals(other.uniqueAddress())))
                    {
                        members.add(other);
                    }
                }
                for (final Member u : cluster.state().getUnreachable())
                {
                    unreachable.add(u.uniqueAddress());
                }
            }
            members.sort((a, b) -> a.isOlderThan(b) ? -1 : b.isOlderThan(a) ? 1 : 0);
        }
        if (gone)
        {
            unreachable.remove(member.uniqueAddress());
        }
        publish();
        return this;
    }

    private Behavior<Command> onReachabilityChanged(final ReachabilityChanged message)
    {
        final UniqueAddress address = message.event().member().uniqueAddress();
        if (message.event() instanceof ClusterEvent.UnreachableMember)
        {
            unreachable.add(address);
        }
        else
        {
            unreachable.remove(address);
        }
        publish();
        return this;
    }

    private Behavior<Command> onObserversChanged(final ObserversChanged message)
    {
        final Map<UniqueAddress, Set<UniqueAddress>> next = new HashMap<>();
        CollectionConverters.asJava(message.event().reachability().observersGroupedByUnreachable())
            .forEach((subject, observers) -> next.put(subject, Set.copyOf(CollectionConverters.asJava(observers))));
        observersBySubject = next;
        publish();
        return this;
    }

    private void publish()
    {
        final String self = nodeId.apply(cluster.selfMember());
        final Set<UniqueAddress> effective =
            StaleObservations.unreachable(cluster.selfMember().uniqueAddress(), unreachable, observersBySubject);
        final Set<UniqueAddress> nowDiscounted = new HashSet<>(unreachable);
        nowDiscounted.removeAll(effective);
        if (!nowDiscounted.equals(discounted))
        {
            for (final UniqueAddress a : nowDiscounted)
            {
                getContext().getLog().info("election view: {} counts as reachable: only unreachable observers {} " +
                    "flag it", a.address(), observersBySubject.get(a));
            }
            discounted = nowDiscounted;
        }
        final List<String> ids = new ArrayList<>(members.size());
        final Set<String> unreachableIds = new HashSet<>();
        boolean selfMember = false;
        for (final Member m : members)
        {
            final String id = nodeId.apply(m);
            if (ids.contains(id))
            {
                // Two incarnations of one address (a restarted director whose old self is not removed yet): the
                // older one, listed first, stands for the id until it is gone.
                continue;
            }
            ids.add(id);
            selfMember |= id.equals(self);
            if (effective.contains(m.uniqueAddress()))
            {
                unreachableIds.add(id);
            }
        }
        if (!selfMember)
        {
            // Not Up yet (or gone): the view must still name self; as a non-reachable bystander it holds nothing.
            ids.add(self);
            unreachableIds.add(self);
        }
        final MembershipView view = MembershipView.compute(self, ids, unreachableIds, selfDowned || !selfMember);
        if (!view.equals(published))
        {
            // One line per change of what the election sees: the first thing to read when a takeover is slow.
            getContext().getLog().info("election view: members {} reachable {} majority {} downed {}",
                view.members(), view.reachable(), view.selfInMajority(), view.selfDowned());
            published = view;
        }
        listener.accept(view);
    }
}
