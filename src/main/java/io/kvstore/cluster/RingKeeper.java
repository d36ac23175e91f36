package io.kvstore.cluster;

import akka.actor.Address;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import akka.actor.typed.receptionist.Receptionist;
import akka.cluster.ClusterEvent;
import akka.cluster.Member;
import akka.cluster.ddata.GSet;
import akka.cluster.ddata.GSetKey;
import akka.cluster.ddata.Key;
import akka.cluster.ddata.LWWMap;
import akka.cluster.ddata.LWWMapKey;
import akka.cluster.ddata.LWWRegister;
import akka.cluster.ddata.LWWRegisterKey;
import akka.cluster.ddata.SelfUniqueAddress;
import akka.cluster.ddata.typed.javadsl.DistributedData;
import akka.cluster.ddata.typed.javadsl.Replicator;
import akka.cluster.ddata.typed.javadsl.ReplicatorMessageAdapter;
import akka.cluster.typed.Cluster;
import akka.cluster.typed.Subscribe;
import io.kvstore.ring.RetiredNodes;
import io.kvstore.ring.Ring;
import io.kvstore.transport.ReplicaEndpoint;
import io.kvstore.transport.Topology;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Keeps this node's {@link Topology} in step with the cluster. From membership it maps addresses
 * to node ids (each node carries its id as a role) and tracks reachability; from the receptionist
 * it learns every node's replica endpoint. The cluster leader turns the set of Up members into a
 * new ring version and publishes it through Distributed Data (a small LWW register: members,
 * version and the member lists of unsettled earlier rings; every node derives the placements
 * itself); every node installs what it receives.
 *
 * <p>Each node also publishes the last ring version under which it had caught up on every
 * partition it replicates (a map of node id to version). When all members of the current ring
 * report its version, the leader publishes the same members as settled (see {@link Ring}).
 */
public final class RingKeeper extends AbstractBehavior<RingKeeper.Command> {
  public static final String ROLE_PREFIX = "kvstore-node:";
  private static final Key<LWWRegister<Ring>> RING_KEY = LWWRegisterKey.create("kvstore-ring");
  /** Node ids removed for good by an operator (see {@link RetiredNodes}); written by {@link ClusterAdmin}. */
  static final Key<GSet<String>> RETIRED_KEY = GSetKey.create("kvstore-retired-nodes");
  private static final Key<LWWMap<String, Long>> CAUGHT_UP_KEY = LWWMapKey.create("kvstore-caught-up-under");

  public sealed interface Command {}

  /** From this node's anti-entropy: every partition it replicates is caught up under this ring version. */
  public record CaughtUp(long ringVersion) implements Command {}

  private record MembershipChanged(ClusterEvent.ClusterDomainEvent event) implements Command {}

  private enum CheckRing implements Command {
    INSTANCE
  }

  /**
   * A change of the ring or of the retired ids. One message for both: Akka keeps one message
   * adapter per response class, and both subscriptions answer with the same class.
   */
  private record DataChanged(Replicator.SubscribeResponse<?> response) implements Command {}

  private record EndpointsChanged(Receptionist.Listing listing) implements Command {}

  private record Published(Replicator.UpdateResponse<?> response) implements Command {}

  /** The ring's version is its LWW clock, so a newer version always wins the register. */
  private static final LWWRegister.Clock<Ring> VERSION_CLOCK = (currentTimestamp, ring) -> ring.version();

  /** Ring versions only grow, so a node's later report always wins, whatever the wall clocks say. */
  private static final LWWRegister.Clock<Long> REPORT_CLOCK = (currentTimestamp, version) -> version;

  public static Behavior<Command> create(
      Topology topology,
      int replicationFactor,
      Duration publishTimeout,
      Duration checkInterval,
      RingMemory memory,
      RetiredNodes retired) {
    return Behaviors.setup(
        context ->
            Behaviors.withTimers(
                timers -> {
                  timers.startTimerWithFixedDelay(CheckRing.INSTANCE, checkInterval);
                  return DistributedData.<Command, LWWRegister<Ring>>withReplicatorMessageAdapter(
                      replicator ->
                          new RingKeeper(context, replicator, topology, replicationFactor, publishTimeout, memory, retired));
                }));
  }

  /** The node id a member carries as its role, if it is a kvstore node. */
  public static Optional<String> nodeIdOf(Member member) {
    return member.getRoles().stream()
        .filter(role -> role.startsWith(ROLE_PREFIX))
        .map(role -> role.substring(ROLE_PREFIX.length()))
        .findFirst();
  }

  private final Cluster cluster;
  private final ReplicatorMessageAdapter<Command, LWWRegister<Ring>> replicator;
  private final SelfUniqueAddress selfUniqueAddress;
  private final Topology topology;
  private final Ring empty;
  private final Duration publishTimeout;
  private Set<akka.actor.typed.ActorRef<ReplicaEndpoint.Command>> endpoints = Set.of();
  private List<String> upMembers = List.of();
  /** Reachable Up members and members leaving gracefully: those that agree to a new ring. */
  private Set<String> presentMembers = Set.of();
  private final RingMemory memory;
  private List<String> remembered;
  private boolean heldBack;
  private final RetiredNodes retired;
  private final ReplicatorMessageAdapter<Command, LWWMap<String, Long>> caughtUpReplicator;
  /** The last ring version each node reported being caught up under. */
  private Map<String, Long> caughtUpUnder = Map.of();

  private RingKeeper(
      ActorContext<Command> context,
      ReplicatorMessageAdapter<Command, LWWRegister<Ring>> replicator,
      Topology topology,
      int replicationFactor,
      Duration publishTimeout,
      RingMemory memory,
      RetiredNodes retired) {
    super(context);
    this.memory = memory;
    this.retired = retired;
    this.remembered = memory.load();
    this.cluster = Cluster.get(context.getSystem());
    this.replicator = replicator;
    this.selfUniqueAddress = DistributedData.get(context.getSystem()).selfUniqueAddress();
    this.topology = topology;
    this.publishTimeout = publishTimeout;
    this.empty = new Ring(0, List.of(), topology.partitioner().partitions(), replicationFactor);
    cluster
        .subscriptions()
        .tell(
            Subscribe.create(
                context.messageAdapter(ClusterEvent.ClusterDomainEvent.class, MembershipChanged::new),
                ClusterEvent.ClusterDomainEvent.class));
    replicator.subscribe(RING_KEY, DataChanged::new);
    new ReplicatorMessageAdapter<Command, GSet<String>>(
            context, DistributedData.get(context.getSystem()).replicator(), publishTimeout)
        .subscribe(RETIRED_KEY, DataChanged::new);
    this.caughtUpReplicator =
        new ReplicatorMessageAdapter<>(context, DistributedData.get(context.getSystem()).replicator(), publishTimeout);
    caughtUpReplicator.subscribe(CAUGHT_UP_KEY, DataChanged::new);
    context
        .getSystem()
        .receptionist()
        .tell(
            Receptionist.subscribe(
                ReplicaEndpoint.SERVICE_KEY, context.messageAdapter(Receptionist.Listing.class, EndpointsChanged::new)));
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(MembershipChanged.class, changed -> onMembership())
        .onMessageEquals(CheckRing.INSTANCE, this::onCheckRing)
        .onMessage(DataChanged.class, this::onDataChanged)
        .onMessage(EndpointsChanged.class, this::onEndpoints)
        .onMessage(Published.class, this::onPublished)
        .onMessage(CaughtUp.class, this::onCaughtUp)
        .build();
  }

  private Behavior<Command> onMembership() {
    readMembers();
    publishIfLeader();
    return this;
  }

  private Behavior<Command> onCheckRing() {
    readMembers();
    if (RingPublishing.needed(topology.placement().ring(), upMembers, caughtUpUnder)) {
      publishIfLeader();
    }
    return this;
  }

  private void readMembers() {
    ClusterEvent.CurrentClusterState state = cluster.state();
    Set<Member> unreachable = state.getUnreachable();
    List<MemberView> members = new ArrayList<>();
    for (Member member : state.getMembers()) {
      Optional<String> nodeId = nodeIdOf(member);
      if (nodeId.isEmpty()) {
        continue;
      }
      boolean reachable = !unreachable.contains(member);
      topology.setMember(member.address(), nodeId.get());
      topology.setReachable(nodeId.get(), reachable);
      members.add(new MemberView(nodeId.get(), member.status(), reachable));
    }
    topology.retainMembers(members.stream().map(MemberView::nodeId).collect(Collectors.toSet()));
    applyEndpoints();
    upMembers = MemberView.ringMembers(members, retired);
    presentMembers = MemberView.presentMembers(members);
  }

  /**
   * The leader publishes a new version when the ring differs from the Up members, or when every
   * member has caught up under it and it has earlier rings to drop. Also run when a ring arrives:
   * a leader that published from a stale local copy (or two nodes that both believed they led)
   * will see the merged result and correct it with a higher version.
   */
  private void publishIfLeader() {
    boolean leader = cluster.selfMember().address().equals(cluster.state().getLeader());
    switch (RingPublishing.decide(leader, upMembers, remembered, presentMembers)) {
      case NOT_LEADER, NO_MEMBERS -> {}
      case HOLD_BACK -> {
        if (!heldBack) {
          getContext().getLog().warn(
              "not publishing a ring: of the last ring {}, only {} are reachable members; waiting for a majority of them",
              remembered, presentMembers);
          heldBack = true;
        }
      }
      case PUBLISH -> {
        heldBack = false;
        List<String> members = upMembers;
        Map<String, Long> reports = caughtUpUnder;
        replicator.askUpdate(
            replyTo ->
                new Replicator.Update<>(
                    RING_KEY,
                    LWWRegister.create(selfUniqueAddress, empty, VERSION_CLOCK),
                    new Replicator.WriteAll(publishTimeout),
                    replyTo,
                    current -> {
                      Ring next = RingPublishing.next(current.getValue(), members, reports);
                      return next == current.getValue() ? current : current.withValue(selfUniqueAddress, next, VERSION_CLOCK);
                    }),
            Published::new);
      }
    }
  }

  @SuppressWarnings("unchecked")
  private Behavior<Command> onDataChanged(DataChanged received) {
    if (received.response() instanceof Replicator.Changed<?> changed) {
      if (changed.key().equals(RING_KEY)) {
        onRing(((Replicator.Changed<LWWRegister<Ring>>) changed).get(RING_KEY).getValue());
      } else if (changed.key().equals(RETIRED_KEY)) {
        onRetired(((Replicator.Changed<GSet<String>>) changed).get(RETIRED_KEY).getElements());
      } else if (changed.key().equals(CAUGHT_UP_KEY)) {
        caughtUpUnder = Map.copyOf(((Replicator.Changed<LWWMap<String, Long>>) changed).get(CAUGHT_UP_KEY).getEntries());
        if (RingPublishing.needed(topology.placement().ring(), upMembers, caughtUpUnder)) {
          publishIfLeader();
        }
      }
    }
    return this;
  }

  private void onRing(Ring ring) {
    if (topology.updateRing(ring)) {
      getContext().getLog().info("ring v{}: {}", ring.version(), ring.nodes());
      memory.remember(ring.nodes());
      remembered = ring.nodes();
    }
    if (RingPublishing.needed(ring, upMembers, caughtUpUnder)) {
      publishIfLeader();
    }
  }

  private void onRetired(Set<String> ids) {
    if (!ids.equals(retired.ids())) {
      retired.update(ids);
      getContext().getLog().info("retired node ids (pruned from version vectors, kept out of the ring): {}", ids);
      if (ids.contains(topology.selfId())) {
        getContext().getLog().error(
            "this node's id {} was retired by an operator: it takes no part in the ring; start a replacement under a new id",
            topology.selfId());
      }
      onMembership();
    }
  }

  private Behavior<Command> onEndpoints(EndpointsChanged changed) {
    endpoints = changed.listing().getServiceInstances(ReplicaEndpoint.SERVICE_KEY);
    applyEndpoints();
    return this;
  }

  /** Endpoints are matched to node ids by address, which membership supplies: re-run on both. */
  private void applyEndpoints() {
    Set<String> present = new HashSet<>();
    for (akka.actor.typed.ActorRef<ReplicaEndpoint.Command> endpoint : endpoints) {
      Address address = endpoint.path().address();
      Optional<String> nodeId = address.hasLocalScope() ? Optional.of(topology.selfId()) : topology.nodeIdOf(address);
      nodeId.ifPresent(
          id -> {
            topology.setEndpoint(id, endpoint);
            present.add(id);
          });
    }
    present.add(topology.selfId());
    topology.retainEndpoints(present);
  }

  /** Spread by gossip: a report that reaches the leader late only delays the settlement. */
  private Behavior<Command> onCaughtUp(CaughtUp caughtUp) {
    String self = topology.selfId();
    caughtUpReplicator.askUpdate(
        replyTo ->
            new Replicator.Update<>(
                CAUGHT_UP_KEY,
                LWWMap.create(),
                Replicator.writeLocal(),
                replyTo,
                reports -> reports.put(selfUniqueAddress, self, caughtUp.ringVersion(), REPORT_CLOCK)),
        Published::new);
    return this;
  }

  private Behavior<Command> onPublished(Published published) {
    if (!(published.response() instanceof Replicator.UpdateSuccess)) {
      // The local replica has it; gossip spreads it to the nodes that did not answer in time.
      getContext().getLog().debug("ring published locally only: {}", published.response());
    }
    return this;
  }
}
