package io.kvstore.cluster;

import akka.actor.Address;
import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorRefResolver;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import akka.actor.typed.javadsl.TimerScheduler;
import akka.cluster.MemberStatus;
import akka.cluster.typed.Cluster;
import akka.cluster.typed.Join;
import akka.cluster.typed.JoinSeedNodes;
import io.kvstore.CborSerializable;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Brings this node into its cluster at start-up (in place of Akka's automatic seed-node join),
 * and tells other starting nodes whether this one is a member.
 *
 * <p>A node that remembers a ring with other members, and the first seed node of a fresh
 * cluster, ask Akka to join one of the other seed nodes and never themselves; meanwhile they ask
 * the other seeds' formation actors every probe interval whether they are members, and found a
 * new cluster only when {@link FormationRule} allows it. Other nodes join as Akka's seed-node
 * process has them join (which never joins a node that is not the first seed to itself).
 */
public final class ClusterFormation extends AbstractBehavior<ClusterFormation.Command> {
  /** The actor's name under the user guardian: other nodes address it by path before any membership. */
  public static final String NAME = "formation";

  public sealed interface Command {}

  /** From another starting node: whether this node is a cluster member. */
  public record Probe(ActorRef<Answer> replyTo) implements Command, CborSerializable {}

  public record Answer(String nodeId, boolean member) implements CborSerializable {}

  private sealed interface Internal extends Command {}

  private enum ProbeRound implements Internal {
    INSTANCE
  }

  private record Answered(Answer answer) implements Internal {}

  /**
   * @param seedNodes the configured seed nodes, this node's own address possibly among them
   * @param remembered the members of the last ring this node installed
   * @param awaitJoin join nothing until an operator says so; only answer probes
   */
  public record Settings(
      String nodeId, List<Address> seedNodes, List<String> remembered, boolean awaitJoin, Duration probeInterval) {}

  public static Behavior<Command> create(Settings settings) {
    return Behaviors.setup(context -> Behaviors.withTimers(timers -> new ClusterFormation(context, timers, settings)));
  }

  private final Settings settings;
  private final Cluster cluster;
  private final List<ActorRef<Probe>> others;
  private final ActorRef<Answer> answers;
  private final TimerScheduler<Command> timers;
  /** The latest answer of each node to the probes of the current round. */
  private final Map<String, Answer> lastRound = new HashMap<>();
  /** When this node may found a cluster; null when it never founds one itself (and does not probe). */
  private final Founding founding;

  /** @param majority whose majority founding takes, for the log */
  private record Founding(Predicate<Collection<Answer>> allows, String majority) {}

  private ClusterFormation(ActorContext<Command> context, TimerScheduler<Command> timers, Settings settings) {
    super(context);
    this.settings = settings;
    this.timers = timers;
    this.cluster = Cluster.get(context.getSystem());
    Address self = cluster.selfMember().address();
    List<Address> otherSeeds = settings.seedNodes().stream().filter(seed -> !seed.equals(self)).toList();
    ActorRefResolver resolver = ActorRefResolver.get(context.getSystem());
    this.others = otherSeeds.stream().map(seed -> resolver.<Probe>resolveActorRef(seed + "/user/" + NAME)).toList();
    this.answers = context.messageAdapter(Answer.class, Answered::new);
    this.founding = settings.awaitJoin() ? null : join(self, otherSeeds);
    if (founding != null) {
      timers.startTimerWithFixedDelay(ProbeRound.INSTANCE, Duration.ZERO, settings.probeInterval());
    }
  }

  /** Sets Akka joining; returns when this node may found a cluster itself, if it ever may. */
  private Founding join(Address self, List<Address> otherSeeds) {
    if (!FormationRule.remembersOthers(settings.nodeId(), settings.remembered())) {
      if (otherSeeds.isEmpty()) {
        cluster.manager().tell(Join.create(self));
        return null;
      }
      cluster.manager().tell(new JoinSeedNodes(otherSeeds));
      if (!settings.seedNodes().get(0).equals(self)) {
        return null;
      }
      int seedCount = settings.seedNodes().size();
      return new Founding(round -> FormationRule.mayFoundFresh(seedCount, round), "a majority of the " + seedCount + " seed nodes");
    }
    if (otherSeeds.isEmpty()) {
      getContext()
          .getLog()
          .warn(
              "this node last served in ring {} but has no other seed node to join; it forms no cluster alone. "
                  + "Start it with the other members as seed nodes, or with --force-new-cluster to start over",
              settings.remembered());
      return null;
    }
    getContext().getLog().info("joining the members of the last ring {} through seed nodes {}", settings.remembered(), otherSeeds);
    cluster.manager().tell(new JoinSeedNodes(otherSeeds));
    return new Founding(
        round -> FormationRule.mayFound(settings.nodeId(), settings.remembered(), round),
        "a majority of the last ring " + settings.remembered());
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Probe.class, this::onProbe)
        .onMessage(Answered.class, this::onAnswered)
        .onMessageEquals(ProbeRound.INSTANCE, this::onProbeRound)
        .build();
  }

  private Behavior<Command> onProbe(Probe probe) {
    probe.replyTo().tell(new Answer(settings.nodeId(), isMember()));
    return this;
  }

  private Behavior<Command> onAnswered(Answered answered) {
    lastRound.put(answered.answer().nodeId(), answered.answer());
    return this;
  }

  private Behavior<Command> onProbeRound() {
    if (isMember()) {
      return stopProbing();
    }
    if (founding.allows().test(lastRound.values())) {
      getContext()
          .getLog()
          .info(
              "founding a new cluster: {} wait to join with this node, {}, and none is a member",
              lastRound.keySet(),
              founding.majority());
      cluster.manager().tell(Join.create(cluster.selfMember().address()));
      return stopProbing();
    }
    lastRound.clear();
    others.forEach(other -> other.tell(new Probe(answers)));
    return this;
  }

  private Behavior<Command> stopProbing() {
    lastRound.clear();
    timers.cancel(ProbeRound.INSTANCE);
    return this;
  }

  private boolean isMember() {
    MemberStatus status = cluster.selfMember().status();
    return status != MemberStatus.removed() && status != MemberStatus.down();
  }
}
