package io.kvstore.entity;

import akka.Done;
import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.Behavior;
import akka.actor.typed.SupervisorStrategy;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.cluster.sharding.ShardCoordinator.ShardAllocationStrategy;
import akka.cluster.sharding.typed.ShardingEnvelope;
import akka.cluster.sharding.typed.ShardingMessageExtractor;
import akka.cluster.sharding.typed.javadsl.ClusterSharding;
import akka.cluster.sharding.typed.javadsl.Entity;
import akka.cluster.sharding.typed.javadsl.EntityTypeKey;
import akka.pattern.StatusReply;
import akka.persistence.typed.PersistenceId;
import akka.persistence.typed.RecoveryCompleted;
import akka.persistence.typed.javadsl.CommandHandlerWithReply;
import akka.persistence.typed.javadsl.EventHandler;
import akka.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import akka.persistence.typed.javadsl.ReplyEffect;
import akka.persistence.typed.javadsl.RetentionCriteria;
import akka.persistence.typed.javadsl.SignalHandler;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import io.kvstore.CborSerializable;
import io.kvstore.Stages;
import io.kvstore.api.Consistency;
import io.kvstore.api.ErrorCode;
import io.kvstore.api.KvStoreException;
import io.kvstore.api.Mutation;
import io.kvstore.api.UnavailableException;
import io.kvstore.crdt.HybridLogicalClock;
import io.kvstore.crdt.Register;
import io.kvstore.replica.ReplicaStore;
import io.kvstore.ring.Partitioner;
import io.kvstore.storage.JournalIndexer;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * One event-sourced entity per key, the key's single writer. It stamps each write with a new
 * version (version vector + HLC), journals it (the journal merges the key's register into this
 * node's replica store in the same atomic batch, {@link #replicaIndexer}), sends it to the key's
 * other replicas and acknowledges once the request's consistency level is met.
 *
 * <p>Before it serves, a newly started entity (failover, rebalance, passivation) merges what a
 * read quorum of the key's replicas holds, so it never answers with, or writes on top of, a
 * stale value. A LINEARIZABLE read confirms with a majority of replicas that nothing newer
 * exists (read-index style), which also covers a second owner on the other side of a split.
 */
public final class KeyEntity
    extends EventSourcedBehaviorWithEnforcedReplies<KeyEntity.Command, KeyEntity.Event, KeyState> {

  public static final EntityTypeKey<Command> TYPE_KEY = EntityTypeKey.create(Command.class, "kv");

  public sealed interface Command extends CborSerializable {}

  /** @param ttlMillis time to live from now; 0 = no expiry */
  public record Put(
      byte[] value,
      Precondition precondition,
      long ttlMillis,
      Consistency consistency,
      ActorRef<StatusReply<WriteOutcome>> replyTo)
      implements Command {}

  public record Delete(
      Precondition precondition, Consistency consistency, ActorRef<StatusReply<WriteOutcome>> replyTo)
      implements Command {}

  /**
   * A read-modify-write ({@link Mutation}) computed here from the live value and journaled as one
   * write, keeping the key's expiry. A mutation that does not fit the value is refused with its
   * code (an {@link ErrorCode.Kind#INVALID_REQUEST} refusal); one that changes nothing is
   * answered as applied with the current register (null when the key has none).
   *
   * @param maxValueBytes the longest value the mutation may leave
   */
  public record Mutate(
      @JsonTypeInfo(use = JsonTypeInfo.Id.NAME)
          @JsonSubTypes({
            @JsonSubTypes.Type(value = Mutation.Append.class, name = "append"),
            @JsonSubTypes.Type(value = Mutation.SetRange.class, name = "set-range"),
            @JsonSubTypes.Type(value = Mutation.AddInteger.class, name = "add-integer"),
            @JsonSubTypes.Type(value = Mutation.AddFloat.class, name = "add-float"),
            @JsonSubTypes.Type(value = Mutation.Replace.class, name = "replace")
          })
          Mutation mutation,
      Precondition precondition,
      long maxValueBytes,
      Consistency consistency,
      ActorRef<StatusReply<WriteOutcome>> replyTo)
      implements Command {}

  /** Answered from the entity's state; at LINEARIZABLE only after a majority has confirmed it. */
  public record Get(Consistency consistency, ActorRef<StatusReply<Lookup>> replyTo) implements Command {}

  /** From the TTL sweep: expire the value if it is still the one indexed to expire then. */
  public record Expire(long expiresAtMillis, ActorRef<StatusReply<Done>> replyTo) implements Command {}

  /** Start-up read quorum answered (merged register, or why not). */
  private record Synced(Register register, Refusal refusal) implements Command {}

  private record RetrySync() implements Command {}

  /**
   * Passivation's (and rebalancing's) stop message. Sharding would otherwise stop the entity
   * outright, losing the commands it stashed while syncing; as a command it is stashed behind
   * them and runs last. An entity that cannot reach a read quorum stops at once: a hand-off must
   * not wait for a quorum to return.
   */
  private record Passivate() implements Command {}

  /** A LINEARIZABLE read's confirmation round came back. */
  private record ReadConfirmed(Register remote, Refusal refusal, ActorRef<StatusReply<Lookup>> replyTo)
      implements Command {}

  /**
   * Why replication could not do what was asked (too few replicas, timeout).
   *
   * @param mayHaveBeenApplied a write was journaled here and may reach other replicas later
   */
  public record Refusal(ErrorCode code, String message, boolean mayHaveBeenApplied) implements CborSerializable {
    static Refusal of(Throwable failure) {
      return Stages.cause(failure) instanceof UnavailableException e
          ? new Refusal(e.code(), e.getMessage(), e.mayHaveBeenApplied())
          : new Refusal(ErrorCode.REPLICATION_FAILED, String.valueOf(Stages.cause(failure).getMessage()), true);
    }
  }

  /**
   * The answer to a write.
   *
   * @param applied false when the precondition failed (or a delete found nothing)
   * @param register the new register when applied, else the current live one (null if absent)
   * @param refusal set when the consistency level was not met
   * @param previous the live register before the write (null if none); for a mutation that changed
   *     nothing, the current one
   */
  public record WriteOutcome(boolean applied, Register register, Refusal refusal, Register previous)
      implements CborSerializable {
    /** An answer to a write not made: refused or rejected. */
    public WriteOutcome(boolean applied, Register register, Refusal refusal) {
      this(applied, register, refusal, null);
    }
  }

  /**
   * @param register the live register, null when the key is absent, deleted or expired
   * @param refusal set when a LINEARIZABLE read could not be confirmed
   */
  public record Lookup(Register register, Refusal refusal) implements CborSerializable {}

  public sealed interface Event extends CborSerializable {
    Register register();
  }

  public record Written(Register register) implements Event {}

  public record Deleted(Register register) implements Event {}

  public record Expired(Register register) implements Event {}

  /** Newer state learned from other replicas (start-up sync, read confirmation) and merged in. */
  public record Merged(Register register) implements Event {}

  /** Collaborators every entity of a node shares. */
  public record Context(
      EntitySettings settings, HybridLogicalClock clock, Replication replication, Duration syncRetry) {}

  private static final String PERSISTENCE_ID_PREFIX = TYPE_KEY.name() + "|";

  /**
   * Keeps the replica store in step with the journal: each key event's register is written in
   * the event's own batch. Register it with the storage before the first write.
   */
  public static JournalIndexer replicaIndexer(ReplicaStore replicas) {
    return (persistenceId, event) ->
        event instanceof Event keyEvent && persistenceId.startsWith(PERSISTENCE_ID_PREFIX)
            ? Optional.of(replicas.mergeOps(persistenceId.substring(PERSISTENCE_ID_PREFIX.length()), keyEvent.register()))
            : Optional.empty();
  }

  /** Starts sharding for key entities; {@code allocation} places each partition's shard. */
  public static void init(
      ActorSystem<?> system, Context context, Partitioner partitioner, ShardAllocationStrategy allocation) {
    ClusterSharding.get(system)
        .init(
            Entity.of(TYPE_KEY, entityContext -> create(entityContext.getEntityId(), context))
                .withMessageExtractor(new PartitionExtractor(partitioner))
                .withStopMessage(new Passivate())
                .withAllocationStrategy(allocation));
  }

  public static Behavior<Command> create(String key, Context context) {
    return Behaviors.setup(actorContext -> new KeyEntity(key, context, actorContext));
  }

  public static PersistenceId persistenceId(String key) {
    // Not PersistenceId.of: keys may contain its separator '|'; the prefix keeps ids unique.
    return PersistenceId.ofUniqueId(PERSISTENCE_ID_PREFIX + key);
  }

  /** Shard id = the key's partition, so placement follows the ring. */
  private static final class PartitionExtractor
      extends ShardingMessageExtractor<ShardingEnvelope<Command>, Command> {
    private final Partitioner partitioner;

    PartitionExtractor(Partitioner partitioner) {
      this.partitioner = partitioner;
    }

    @Override
    public String entityId(ShardingEnvelope<Command> envelope) {
      return envelope.entityId();
    }

    @Override
    public String shardId(String entityId) {
      return Integer.toString(partitioner.partitionOf(entityId));
    }

    @Override
    public Command unwrapMessage(ShardingEnvelope<Command> envelope) {
      return envelope.message();
    }
  }

  private final String key;
  private final Context context;
  private final ActorContext<Command> actorContext;
  /**
   * Whether the start-up sync with a read quorum is done. Not part of the state: it is about
   * this incarnation, and every recovery (restart, failover) must sync again.
   */
  private boolean serving;
  /**
   * Why the last start-up sync found no read quorum, while the entity waits to retry; null
   * otherwise. Meanwhile requests are refused at once rather than held until they time out.
   */
  private Refusal syncRefusal;
  /** LINEARIZABLE reads waiting for their confirmation round; passivation waits for them. */
  private int readsInFlight;

  private KeyEntity(String key, Context context, ActorContext<Command> actorContext) {
    super(
        persistenceId(key),
        SupervisorStrategy.restartWithBackoff(
            context.settings().restartMinBackoff(), context.settings().restartMaxBackoff(), 0.2));
    this.key = key;
    this.context = context;
    this.actorContext = actorContext;
  }

  @Override
  public KeyState emptyState() {
    return KeyState.EMPTY;
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    // Snapshot every K events and drop the events before the previous K: the journal keeps
    // between K and 2K-1 events, the key's version history.
    return RetentionCriteria.snapshotEvery(context.settings().historyEvents(), 1)
        .withDeleteEventsOnSnapshot();
  }

  @Override
  public CommandHandlerWithReply<Command, Event, KeyState> commandHandler() {
    return newCommandHandlerWithReplyBuilder()
        .forAnyState()
        .onCommand(Synced.class, this::onSynced)
        .onCommand(RetrySync.class, this::onRetrySync)
        .onCommand(command -> !serving && syncRefusal != null, this::refuseUnsynced)
        .onCommand(command -> !serving, command -> Effect().stash())
        .onCommand(Put.class, this::onPut)
        .onCommand(Delete.class, this::onDelete)
        .onCommand(Mutate.class, this::onMutate)
        .onCommand(Get.class, this::onGet)
        .onCommand(ReadConfirmed.class, this::onReadConfirmed)
        .onCommand(Expire.class, this::onExpire)
        .onCommand(Passivate.class, this::onPassivate)
        .build();
  }

  private ReplyEffect<Event, KeyState> refuseUnsynced(Command command) {
    if (command instanceof Put put) {
      return refused(put.replyTo(), syncRefusal);
    }
    if (command instanceof Delete delete) {
      return refused(delete.replyTo(), syncRefusal);
    }
    if (command instanceof Mutate mutate) {
      return refused(mutate.replyTo(), syncRefusal);
    }
    if (command instanceof Get get) {
      return Effect().reply(get.replyTo(), StatusReply.success(new Lookup(null, syncRefusal)));
    }
    if (command instanceof Expire expire) {
      return Effect().reply(expire.replyTo(), StatusReply.error(syncRefusal.message()));
    }
    return Effect().stop().thenNoReply(); // Passivate: a hand-off must not wait for a quorum
  }

  private void startSync() {
    actorContext.pipeToSelf(
        context.replication().readQuorum(key),
        (register, failure) -> failure == null ? new Synced(register, null) : new Synced(null, Refusal.of(failure)));
  }

  private ReplyEffect<Event, KeyState> onSynced(KeyState state, Synced synced) {
    if (synced.refusal() != null) {
      if (syncRefusal == null) {
        actorContext.getLog().info("key {}: read quorum not reached ({}); retrying", key, synced.refusal().message());
      }
      syncRefusal =
          new Refusal(
              ErrorCode.INSUFFICIENT_REPLICAS,
              "the key's entity cannot reach a read quorum of its replicas to start from the newest version ("
                  + synced.refusal().message() + "). Nothing was written.",
              false);
      actorContext.scheduleOnce(context.syncRetry(), actorContext.getSelf(), new RetrySync());
      return Effect().noReply().thenUnstashAll();
    }
    syncRefusal = null;
    return mergeThen(state, synced.register(), () -> serving = true).thenNoReply().thenUnstashAll();
  }

  private ReplyEffect<Event, KeyState> onRetrySync(KeyState state, RetrySync retry) {
    startSync();
    return Effect().noReply();
  }

  /** Journals what other replicas know beyond this entity's state, if anything, then runs {@code then}. */
  private akka.persistence.typed.javadsl.EffectBuilder<Event, KeyState> mergeThen(
      KeyState state, Register remote, Runnable then) {
    if (remote == null || (state.register() != null && state.register().covers(remote))) {
      then.run();
      return Effect().none();
    }
    context.clock().observe(remote.stamp());
    return Effect().persist(new Merged(remote.merge(state.register()))).thenRun(s -> then.run());
  }

  private ReplyEffect<Event, KeyState> onPut(KeyState state, Put put) {
    long now = context.clock().wallMillis();
    if (!state.permits(put.precondition(), now)) {
      return rejected(state, now, put.replyTo());
    }
    Optional<Refusal> refusal = refusal(put.consistency());
    if (refusal.isPresent()) {
      return refused(put.replyTo(), refusal.get());
    }
    Register next = state.put(put.value(), put.ttlMillis(), context.clock().nowAfter(state.stamp()));
    return persistAndReply(new Written(next), state.liveAt(now).orElse(null), put.consistency(), put.replyTo());
  }

  private ReplyEffect<Event, KeyState> onDelete(KeyState state, Delete delete) {
    long now = context.clock().wallMillis();
    if (state.liveAt(now).isEmpty() || !state.permits(delete.precondition(), now)) {
      return rejected(state, now, delete.replyTo());
    }
    Optional<Refusal> refusal = refusal(delete.consistency());
    if (refusal.isPresent()) {
      return refused(delete.replyTo(), refusal.get());
    }
    Register tombstone = state.delete(context.clock().nowAfter(state.stamp()));
    return persistAndReply(new Deleted(tombstone), state.liveAt(now).orElse(null), delete.consistency(), delete.replyTo());
  }

  private ReplyEffect<Event, KeyState> onMutate(KeyState state, Mutate mutate) {
    long now = context.clock().wallMillis();
    if (!state.permits(mutate.precondition(), now)) {
      return rejected(state, now, mutate.replyTo());
    }
    Optional<Register> live = state.liveAt(now);
    byte[] next;
    try {
      next = mutate.mutation().apply(live.map(Register::value).orElse(null));
    } catch (KvStoreException e) {
      return refused(mutate.replyTo(), new Refusal(e.code(), e.getMessage(), false));
    }
    if (next == null) {
      return Effect()
          .reply(mutate.replyTo(), StatusReply.success(new WriteOutcome(true, live.orElse(null), null, live.orElse(null))));
    }
    if (next.length > mutate.maxValueBytes()) {
      return refused(
          mutate.replyTo(),
          new Refusal(
              ErrorCode.VALUE_TOO_LARGE, "value would be " + next.length + " bytes; the limit is " + mutate.maxValueBytes(), false));
    }
    Optional<Refusal> refusal = refusal(mutate.consistency());
    if (refusal.isPresent()) {
      return refused(mutate.replyTo(), refusal.get());
    }
    long expiresAt = mutate.mutation().keepsExpiry() ? live.map(Register::expiresAtMillis).orElse(0L) : 0L;
    Register rewritten = state.rewrite(next, expiresAt, context.clock().nowAfter(state.stamp()));
    return persistAndReply(new Written(rewritten), live.orElse(null), mutate.consistency(), mutate.replyTo());
  }

  /** A write not attempted: nothing was journaled. */
  private ReplyEffect<Event, KeyState> refused(ActorRef<StatusReply<WriteOutcome>> replyTo, Refusal refusal) {
    return Effect().reply(replyTo, StatusReply.success(new WriteOutcome(false, null, refusal)));
  }

  private Optional<Refusal> refusal(Consistency consistency) {
    return context.replication().refusal(key, consistency).map(Refusal::of);
  }

  private ReplyEffect<Event, KeyState> onGet(KeyState state, Get get) {
    if (get.consistency() != Consistency.LINEARIZABLE) {
      return Effect().reply(get.replyTo(), StatusReply.success(lookup(state, null)));
    }
    readsInFlight++;
    actorContext.pipeToSelf(
        context.replication().readQuorum(key),
        (remote, failure) ->
            new ReadConfirmed(remote, failure == null ? null : Refusal.of(failure), get.replyTo()));
    return Effect().noReply();
  }

  private ReplyEffect<Event, KeyState> onReadConfirmed(KeyState state, ReadConfirmed confirmed) {
    readsInFlight--;
    ReplyEffect<Event, KeyState> reply =
        confirmed.refusal() != null
            ? Effect().reply(confirmed.replyTo(), StatusReply.success(new Lookup(null, confirmed.refusal())))
            : mergeThen(state, confirmed.remote(), () -> {})
                .thenReply(confirmed.replyTo(), merged -> StatusReply.success(lookup(merged, null)));
    // A passivation that waited for this read may go ahead now.
    return readsInFlight == 0 ? reply.thenUnstashAll() : reply;
  }

  private ReplyEffect<Event, KeyState> onPassivate(KeyState state, Passivate passivate) {
    return readsInFlight > 0 ? Effect().stash() : Effect().stop().thenNoReply();
  }

  private Lookup lookup(KeyState state, Refusal refusal) {
    return new Lookup(state.liveAt(context.clock().wallMillis()).orElse(null), refusal);
  }

  private ReplyEffect<Event, KeyState> onExpire(KeyState state, Expire expire) {
    if (!state.isDueToExpire(expire.expiresAtMillis(), context.clock().wallMillis())) {
      return Effect().reply(expire.replyTo(), StatusReply.ack());
    }
    Register tombstone = state.delete(context.clock().nowAfter(state.stamp()));
    return Effect()
        .persist(new Expired(tombstone))
        .thenRun(
            s -> context.replication().replicate(key, tombstone, Consistency.ONE, CompletableFuture.completedFuture(null)))
        .thenReply(expire.replyTo(), s -> StatusReply.ack());
  }

  private ReplyEffect<Event, KeyState> rejected(
      KeyState state, long now, ActorRef<StatusReply<WriteOutcome>> replyTo) {
    return Effect()
        .reply(replyTo, StatusReply.success(new WriteOutcome(false, state.liveAt(now).orElse(null), null)));
  }

  /**
   * Journals the event here while the other replicas sync it too, and acknowledges once enough
   * replicas, this one included, have it. Should the journal write fail, the entity restarts and
   * its start-up sync adopts whatever the other replicas took; the client's answer then says the
   * write may have been applied.
   */
  private ReplyEffect<Event, KeyState> persistAndReply(
      Event event, Register previous, Consistency consistency, ActorRef<StatusReply<WriteOutcome>> replyTo) {
    Register register = event.register();
    CompletableFuture<Void> journaled = new CompletableFuture<>();
    context
        .replication()
        .replicate(key, register, consistency, journaled)
        .whenComplete(
            (done, failure) ->
                replyTo.tell(
                    StatusReply.success(
                        new WriteOutcome(true, register, failure == null ? null : Refusal.of(failure), previous))));
    return Effect().persist(event).thenRun(s -> journaled.complete(null)).thenNoReply();
  }

  @Override
  public EventHandler<KeyState, Event> eventHandler() {
    return newEventHandlerBuilder().forAnyState().onAnyEvent((state, event) -> state.with(event.register()));
  }

  @Override
  public SignalHandler<KeyState> signalHandler() {
    return newSignalHandlerBuilder()
        .onSignal(RecoveryCompleted.instance(), this::onRecovered)
        .build();
  }

  private void onRecovered(KeyState state) {
    if (state.register() != null) {
      // A new owner's stamps must come after every stamp this key has seen.
      context.clock().observe(state.register().stamp());
    }
    serving = false;
    startSync();
  }
}
