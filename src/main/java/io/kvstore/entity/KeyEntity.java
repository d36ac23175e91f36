package io.kvstore.entity;

import akka.Done;
import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.Behavior;
import akka.actor.typed.SupervisorStrategy;
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
import io.kvstore.CborSerializable;
import io.kvstore.replication.HybridLogicalClock;
import io.kvstore.replication.Partitioner;
import io.kvstore.replication.Register;
import io.kvstore.replication.ReplicaStore;
import io.kvstore.storage.JournalIndexer;
import java.util.Optional;

/**
 * One event-sourced entity per key, the key's single writer. It stamps each write with a new
 * version (version vector + HLC) and acknowledges once the event is journaled; the journal writes
 * the key's register into this node's replica store in the same atomic batch ({@link
 * #replicaIndexer}). Reads are answered from its state.
 */
public final class KeyEntity
    extends EventSourcedBehaviorWithEnforcedReplies<KeyEntity.Command, KeyEntity.Event, KeyState> {

  public static final EntityTypeKey<Command> TYPE_KEY = EntityTypeKey.create(Command.class, "kv");

  public sealed interface Command extends CborSerializable {}

  /** @param ttlMillis time to live from now; 0 = no expiry */
  public record Put(
      byte[] value, Precondition precondition, long ttlMillis, ActorRef<StatusReply<WriteOutcome>> replyTo)
      implements Command {}

  public record Delete(Precondition precondition, ActorRef<StatusReply<WriteOutcome>> replyTo)
      implements Command {}

  public record Get(ActorRef<StatusReply<Lookup>> replyTo) implements Command {}

  /** From the TTL sweep: expire the value if it is still the one indexed to expire then. */
  public record Expire(long expiresAtMillis, ActorRef<StatusReply<Done>> replyTo) implements Command {}

  /**
   * The answer to a write.
   *
   * @param applied false when the precondition failed (or a delete found nothing)
   * @param register the new register when applied, else the current live one (null if absent)
   */
  public record WriteOutcome(boolean applied, Register register) implements CborSerializable {}

  /** @param register the live register, null when the key is absent, deleted or expired */
  public record Lookup(Register register) implements CborSerializable {}

  public sealed interface Event extends CborSerializable {
    Register register();
  }

  public record Written(Register register) implements Event {}

  public record Deleted(Register register) implements Event {}

  public record Expired(Register register) implements Event {}

  /** Collaborators every entity of a node shares. */
  public record Context(EntitySettings settings, HybridLogicalClock clock) {}

  private static final String PERSISTENCE_ID_PREFIX = TYPE_KEY.name() + "|";

  /**
   * Keeps the replica store in step with the journal: each key event's register is written in
   * the event's own batch. Register it with the storage before the first write.
   */
  public static JournalIndexer replicaIndexer(ReplicaStore replicas) {
    return (persistenceId, event) ->
        event instanceof Event keyEvent && persistenceId.startsWith(PERSISTENCE_ID_PREFIX)
            ? Optional.of(replicas.writesOf(persistenceId.substring(PERSISTENCE_ID_PREFIX.length()), keyEvent.register()))
            : Optional.empty();
  }

  public static void init(ActorSystem<?> system, Context context, Partitioner partitioner) {
    ClusterSharding.get(system)
        .init(
            Entity.of(TYPE_KEY, entityContext -> create(entityContext.getEntityId(), context))
                .withMessageExtractor(new PartitionExtractor(partitioner)));
  }

  public static Behavior<Command> create(String key, Context context) {
    return new KeyEntity(key, context);
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

  private final Context context;

  private KeyEntity(String key, Context context) {
    super(
        persistenceId(key),
        SupervisorStrategy.restartWithBackoff(
            context.settings().restartMinBackoff(), context.settings().restartMaxBackoff(), 0.2));
    this.context = context;
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
        .onCommand(Put.class, this::onPut)
        .onCommand(Delete.class, this::onDelete)
        .onCommand(Get.class, this::onGet)
        .onCommand(Expire.class, this::onExpire)
        .build();
  }

  private ReplyEffect<Event, KeyState> onPut(KeyState state, Put put) {
    long now = context.clock().wallMillis();
    if (!state.permits(put.precondition(), now)) {
      return rejected(state, now, put.replyTo());
    }
    Register next = state.put(put.value(), put.ttlMillis(), context.clock().now());
    return persistAndReply(new Written(next), put.replyTo());
  }

  private ReplyEffect<Event, KeyState> onDelete(KeyState state, Delete delete) {
    long now = context.clock().wallMillis();
    if (state.liveAt(now).isEmpty() || !state.permits(delete.precondition(), now)) {
      return rejected(state, now, delete.replyTo());
    }
    return persistAndReply(new Deleted(state.delete(context.clock().now())), delete.replyTo());
  }

  private ReplyEffect<Event, KeyState> onGet(KeyState state, Get get) {
    Optional<Register> live = state.liveAt(context.clock().wallMillis());
    return Effect().reply(get.replyTo(), StatusReply.success(new Lookup(live.orElse(null))));
  }

  private ReplyEffect<Event, KeyState> onExpire(KeyState state, Expire expire) {
    if (!state.isDueToExpire(expire.expiresAtMillis(), context.clock().wallMillis())) {
      return Effect().reply(expire.replyTo(), StatusReply.ack());
    }
    return Effect()
        .persist(new Expired(state.delete(context.clock().now())))
        .thenReply(expire.replyTo(), s -> StatusReply.ack());
  }

  private ReplyEffect<Event, KeyState> rejected(
      KeyState state, long now, ActorRef<StatusReply<WriteOutcome>> replyTo) {
    return Effect()
        .reply(replyTo, StatusReply.success(new WriteOutcome(false, state.liveAt(now).orElse(null))));
  }

  private ReplyEffect<Event, KeyState> persistAndReply(
      Event event, ActorRef<StatusReply<WriteOutcome>> replyTo) {
    return Effect()
        .persist(event)
        .thenReply(replyTo, s -> StatusReply.success(new WriteOutcome(true, event.register())));
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
  }
}
