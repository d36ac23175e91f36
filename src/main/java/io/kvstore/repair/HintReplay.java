package io.kvstore.repair;

import akka.Done;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import akka.pattern.StatusReply;
import io.kvstore.replica.HintStore;
import io.kvstore.replica.ReplicaStore;
import io.kvstore.replica.ReplicationSettings;
import io.kvstore.transport.PeerAsk;
import io.kvstore.transport.ReplicaEndpoint;
import io.kvstore.transport.Topology;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Hinted handoff: every {@code hints.replay-interval}, the hints this node keeps for nodes that
 * are available again are sent to them, a batch per node at a time, and removed once applied.
 */
public final class HintReplay extends AbstractBehavior<HintReplay.Command> {

  public sealed interface Command {}

  private enum Tick implements Command {
    INSTANCE
  }

  private record Replayed(String target) implements Command {}

  public static Behavior<Command> create(HintStore hints, Topology topology, ReplicationSettings settings) {
    return Behaviors.setup(
        context ->
            Behaviors.withTimers(
                timers -> {
                  timers.startTimerWithFixedDelay(Tick.INSTANCE, settings.hintReplayInterval());
                  return new HintReplay(context, hints, topology, settings);
                }));
  }

  private final HintStore hints;
  private final Topology topology;
  private final ReplicationSettings settings;
  private final PeerAsk peers;
  private final Set<String> replaying = new HashSet<>();

  private HintReplay(ActorContext<Command> context, HintStore hints, Topology topology, ReplicationSettings settings) {
    super(context);
    this.hints = hints;
    this.topology = topology;
    this.settings = settings;
    this.peers = new PeerAsk(topology, settings.requestTimeout().multipliedBy(5), context.getSystem().scheduler());
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessageEquals(Tick.INSTANCE, this::onTick)
        .onMessage(Replayed.class, this::onReplayed)
        .build();
  }

  private Behavior<Command> onTick() {
    for (String target : hints.targets()) {
      if (!replaying.contains(target) && !target.equals(topology.selfId()) && topology.isAvailable(target)) {
        replay(target);
      }
    }
    return this;
  }

  private void replay(String target) {
    replaying.add(target);
    List<HintStore.Hint> batch = hints.pendingFor(target, settings.hintReplayBatch(), settings.transferBatchBytes());
    List<ReplicaStore.Entry> entries = batch.stream().map(HintStore.Hint::entry).toList();
    peers
        .<StatusReply<Done>>ask(target, replyTo -> new ReplicaEndpoint.ApplyAll(entries, replyTo))
        .thenCompose(
            reply -> reply.isSuccess() ? hints.remove(target, batch) : CompletableFuture.<Void>completedFuture(null))
        .handle((done, failure) -> new Replayed(target))
        .thenAccept(getContext().getSelf()::tell);
  }

  private Behavior<Command> onReplayed(Replayed replayed) {
    replaying.remove(replayed.target());
    return this;
  }
}
