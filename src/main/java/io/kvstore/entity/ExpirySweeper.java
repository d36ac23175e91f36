package io.kvstore.entity;

import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.TimerScheduler;
import akka.cluster.sharding.typed.javadsl.ClusterSharding;
import io.kvstore.Stages;
import io.kvstore.crdt.HybridLogicalClock;
import io.kvstore.crdt.Register;
import io.kvstore.replica.ReplicaStore;
import io.kvstore.transport.Topology;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Removes expired keys and old tombstones in the background: on each tick it takes the due
 * entries of the replica store's index. A key that holds a tombstone past its grace period is
 * dropped from this replica. A value is expired per partition, by the partition's primary (where
 * its entity normally runs): it asks the key's entity, which decides (a later write may have
 * changed the TTL) and replicates the tombstone. The other replicas leave the entry until that
 * tombstone arrives, and step in only when the value is still there {@code takeover-after} past
 * its expiry (the primary is down or behind). One sweep at a time.
 */
public final class ExpirySweeper {

  public sealed interface Command {}

  private enum Tick implements Command {
    INSTANCE
  }

  private record SweepDone(int expired, Throwable failure) implements Command {}

  /** @param takeoverAfter how long past its expiry a value may wait for its partition's primary */
  public record Settings(Duration interval, int batch, Duration askTimeout, Duration takeoverAfter) {}

  /** What this replica does with a due index entry of a key that holds a value. */
  enum Step {
    /** The value was rewritten since (another TTL or none): the entry is stale. */
    DROP_ENTRY,
    /** Ask the key's entity to expire it. */
    EXPIRE,
    /** Leave it to the partition's primary, whose tombstone will make the entry stale. */
    WAIT
  }

  static Step stepFor(
      ReplicaStore.DueExpiry due, Register stored, boolean primary, long nowMillis, Duration takeoverAfter) {
    if (stored.expiresAtMillis() != due.expiresAtMillis()) {
      return Step.DROP_ENTRY;
    }
    if (primary || nowMillis - due.expiresAtMillis() >= takeoverAfter.toMillis()) {
      return Step.EXPIRE;
    }
    return Step.WAIT;
  }

  public static Behavior<Command> create(
      ReplicaStore replicas, Topology topology, HybridLogicalClock clock, Settings settings) {
    return Behaviors.setup(
        context ->
            Behaviors.withTimers(
                timers -> new ExpirySweeper(context, timers, replicas, topology, clock, settings).idle()));
  }

  private final ActorContext<Command> context;
  private final ReplicaStore replicas;
  private final Topology topology;
  private final HybridLogicalClock clock;
  private final Settings settings;
  private final ClusterSharding sharding;

  private ExpirySweeper(
      ActorContext<Command> context,
      TimerScheduler<Command> timers,
      ReplicaStore replicas,
      Topology topology,
      HybridLogicalClock clock,
      Settings settings) {
    this.context = context;
    this.replicas = replicas;
    this.topology = topology;
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
                entry -> {
                  Register stored = replicas.get(entry.key()).orElse(null);
                  return stored == null || stored.tombstone()
                      ? Stages.direct(replicas.collectTombstone(entry, clock.wallMillis()))
                      : sweepValue(entry, stored);
                })
            .toArray(CompletableFuture[]::new);
    context.pipeToSelf(
        CompletableFuture.allOf(expiries), (ok, failure) -> new SweepDone(due.size(), failure));
    return sweeping();
  }

  private CompletableFuture<Void> sweepValue(ReplicaStore.DueExpiry entry, Register stored) {
    int partition = replicas.partitioner().partitionOf(entry.key());
    boolean primary = topology.selfId().equals(topology.placement().primary(partition));
    return switch (stepFor(entry, stored, primary, clock.wallMillis(), settings.takeoverAfter())) {
      case DROP_ENTRY -> Stages.direct(replicas.removeExpiry(entry));
      case EXPIRE -> expire(entry);
      case WAIT -> CompletableFuture.completedFuture(null);
    };
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
