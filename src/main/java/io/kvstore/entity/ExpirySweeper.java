package io.kvstore.entity;

import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.TimerScheduler;
import akka.cluster.sharding.typed.javadsl.ClusterSharding;
import io.kvstore.Stages;
import io.kvstore.replication.HybridLogicalClock;
import io.kvstore.replication.ReplicaStore;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Removes expired keys and old tombstones in the background: on each tick it takes the due
 * entries of the replica store's index; a key that holds a tombstone past its grace period is
 * dropped from this replica, any other is asked to expire through its entity (the entity
 * decides, as a later write may have changed the TTL), then the index entry goes. One sweep at a
 * time.
 */
public final class ExpirySweeper {

  public sealed interface Command {}

  private enum Tick implements Command {
    INSTANCE
  }

  private record SweepDone(int expired, Throwable failure) implements Command {}

  public record Settings(Duration interval, int batch, Duration askTimeout) {}

  public static Behavior<Command> create(
      ReplicaStore replicas, HybridLogicalClock clock, Settings settings) {
    return Behaviors.setup(
        context ->
            Behaviors.withTimers(
                timers -> new ExpirySweeper(context, timers, replicas, clock, settings).idle()));
  }

  private final ActorContext<Command> context;
  private final ReplicaStore replicas;
  private final HybridLogicalClock clock;
  private final Settings settings;
  private final ClusterSharding sharding;

  private ExpirySweeper(
      ActorContext<Command> context,
      TimerScheduler<Command> timers,
      ReplicaStore replicas,
      HybridLogicalClock clock,
      Settings settings) {
    this.context = context;
    this.replicas = replicas;
    this.clock = clock;
    this.settings = settings;
    this.sharding = ClusterSharding.get(context.getSystem());
    timers.startTimerWithFixedDelay(Tick.INSTANCE, settings.interval());
  }

  private Behavior<Command> idle() {
    return Behaviors.receive(Command.class).onMessage(Tick.class, tick -> sweep()).build();
  }

  private Behavior<Command> sweeping() {
    return Behaviors.receive(Command.class)
        .onMessage(Tick.class, tick -> Behaviors.same())
        .onMessage(SweepDone.class, this::onSweepDone)
        .build();
  }

  private Behavior<Command> sweep() {
    List<ReplicaStore.DueExpiry> due;
    try {
      due = replicas.dueExpiries(clock.wallMillis(), settings.batch());
    } catch (RuntimeException e) {
      context.getLog().warn("TTL sweep could not read the expiry index: {}", e.getMessage());
      return Behaviors.same();
    }
    if (due.isEmpty()) {
      return Behaviors.same();
    }
    CompletableFuture<?>[] expiries =
        due.stream()
            .map(
                entry ->
                    Stages.direct(replicas.collectTombstone(entry, clock.wallMillis()))
                        .thenCompose(collected -> collected ? CompletableFuture.completedFuture(null) : expire(entry)))
            .toArray(CompletableFuture[]::new);
    context.pipeToSelf(
        CompletableFuture.allOf(expiries), (ok, failure) -> new SweepDone(due.size(), failure));
    return sweeping();
  }

  private CompletableFuture<Void> expire(ReplicaStore.DueExpiry entry) {
    return Stages.direct(
            sharding
                .entityRefFor(KeyEntity.TYPE_KEY, entry.key())
                .<akka.Done>askWithStatus(
                    replyTo -> new KeyEntity.Expire(entry.expiresAtMillis(), replyTo), settings.askTimeout()))
        .thenCompose(done -> replicas.removeExpiry(entry));
  }

  private Behavior<Command> onSweepDone(SweepDone done) {
    if (done.failure() != null) {
      // Entries that failed stay in the index and are retried on the next tick.
      context.getLog().warn("TTL sweep incomplete: {}", done.failure().getMessage());
    } else {
      context.getLog().debug("TTL sweep handled {} entries", done.expired());
    }
    return idle();
  }
}
