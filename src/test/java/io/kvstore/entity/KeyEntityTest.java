package io.kvstore.entity;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.Done;
import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.pattern.StatusReply;
import akka.persistence.testkit.PersistenceTestKitSnapshotPlugin;
import akka.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import com.typesafe.config.ConfigFactory;
import io.kvstore.api.Consistency;
import io.kvstore.api.ErrorCode;
import io.kvstore.api.Mutation;
import io.kvstore.api.UnavailableException;
import io.kvstore.crdt.HlcTimestamp;
import io.kvstore.crdt.HybridLogicalClock;
import io.kvstore.crdt.Register;
import io.kvstore.testing.Eventually;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The entity's rules, with Akka's in-memory test journal. */
class KeyEntityTest {
  /**
   * Replication as seen by the entity, scripted: what a read quorum holds, and whether writes are
   * refused for lack of replicas. By default, a node alone.
   */
  private static final class ScriptedReplication implements Replication {
    volatile Register quorumHolds;
    volatile boolean refuseWrites;
    volatile boolean quorumUnreachable;
    final List<Register> replicated = new CopyOnWriteArrayList<>();

    @Override
    public Optional<UnavailableException> refusal(String key, Consistency consistency) {
      return refuseWrites
          ? Optional.of(new UnavailableException(ErrorCode.INSUFFICIENT_REPLICAS, "only 1 of 3 available", false, null))
          : Optional.empty();
    }

    @Override
    public CompletionStage<Void> replicate(
        String key, Register register, Consistency consistency, CompletionStage<Void> localSync) {
      replicated.add(register);
      return localSync;
    }

    @Override
    public CompletionStage<Register> readQuorum(String key) {
      if (quorumUnreachable) {
        return CompletableFuture.failedFuture(
            new UnavailableException(ErrorCode.INSUFFICIENT_REPLICAS, "1 of 3 replicas answered", false, null));
      }
      return CompletableFuture.completedFuture(quorumHolds);
    }
  }

  private final ScriptedReplication replication = new ScriptedReplication();

  private static final String KEY = "user/42";
  private static final int HISTORY = 3;

  private ActorTestKit testKit;
  private final AtomicLong wall = new AtomicLong(1_000_000);
  private EventSourcedBehaviorTestKit<KeyEntity.Command, KeyEntity.Event, KeyState> entity;

  @BeforeEach
  void start() {
    testKit =
        ActorTestKit.create(
            EventSourcedBehaviorTestKit.config()
                .withFallback(PersistenceTestKitSnapshotPlugin.config())
                .withFallback(ConfigFactory.parseString("akka.actor.provider = local"))
                .withFallback(ConfigFactory.load()));
    KeyEntity.Context context =
        new KeyEntity.Context(
            new EntitySettings(HISTORY, Duration.ofMillis(100), Duration.ofSeconds(1), 1000),
            new HybridLogicalClock("n1", wall::get),
            replication,
            Duration.ofMillis(100));
    entity = EventSourcedBehaviorTestKit.create(testKit.system(), KeyEntity.create(KEY, context));
  }

  @AfterEach
  void stop() {
    testKit.shutdownTestKit();
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private KeyEntity.WriteOutcome put(String value, Precondition precondition, long ttlMillis) {
    return entity
        .<StatusReply<KeyEntity.WriteOutcome>>runCommand(
            replyTo -> new KeyEntity.Put(bytes(value), precondition, ttlMillis, Consistency.QUORUM, replyTo))
        .reply()
        .getValue();
  }

  private Register get() {
    return entity.<StatusReply<KeyEntity.Lookup>>runCommand(replyTo -> new KeyEntity.Get(Consistency.LINEARIZABLE, replyTo)).reply().getValue().register();
  }

  @Test
  void aPutIsJournaledAndReadBack() {
    var result =
        entity.<StatusReply<KeyEntity.WriteOutcome>>runCommand(
            replyTo -> new KeyEntity.Put(bytes("hello"), Precondition.NONE, 0, Consistency.QUORUM, replyTo));
    assertTrue(result.reply().getValue().applied());
    assertEquals(new KeyEntity.Written(result.reply().getValue().register()), result.event());
    assertArrayEquals(bytes("hello"), get().value());
  }

  @Test
  void everyWriteGetsANewVersion() {
    String first = put("a", Precondition.NONE, 0).register().versionToken();
    String second = put("b", Precondition.NONE, 0).register().versionToken();
    assertNotEquals(first, second);
    assertEquals(2L, get().version().counter("n1"));
  }

  @Test
  void createOnlyFailsOnAnExistingKeyAndReportsItsVersion() {
    Register existing = put("a", Precondition.NONE, 0).register();
    var result =
        entity.<StatusReply<KeyEntity.WriteOutcome>>runCommand(
            replyTo -> new KeyEntity.Put(bytes("b"), Precondition.absent(), 0, Consistency.QUORUM, replyTo));
    assertFalse(result.reply().getValue().applied());
    assertEquals(existing, result.reply().getValue().register());
    assertTrue(result.hasNoEvents());
    assertArrayEquals(bytes("a"), get().value());
  }

  @Test
  void ifMatchWritesOnlyOverTheNamedVersion() {
    Register first = put("a", Precondition.NONE, 0).register();
    assertTrue(put("b", Precondition.matching(first.versionToken()), 0).applied());
    KeyEntity.WriteOutcome stale = put("c", Precondition.matching(first.versionToken()), 0);
    assertFalse(stale.applied());
    assertArrayEquals(bytes("b"), stale.register().value());
  }

  @Test
  void deleteWritesATombstoneAndADeleteOfNothingWritesNothing() {
    var nothing =
        entity.<StatusReply<KeyEntity.WriteOutcome>>runCommand(
            replyTo -> new KeyEntity.Delete(Precondition.NONE, Consistency.QUORUM, replyTo));
    assertFalse(nothing.reply().getValue().applied());
    assertTrue(nothing.hasNoEvents());

    put("a", Precondition.NONE, 0);
    var deleted =
        entity.<StatusReply<KeyEntity.WriteOutcome>>runCommand(
            replyTo -> new KeyEntity.Delete(Precondition.NONE, Consistency.QUORUM, replyTo));
    assertTrue(deleted.reply().getValue().applied());
    assertInstanceOf(KeyEntity.Deleted.class, deleted.event());
    assertTrue(deleted.stateOfType(KeyState.class).register().tombstone());
    assertNull(get());
  }

  @Test
  void anExpiredValueReadsAbsentAndTheSweepTurnsItIntoATombstone() {
    Register written = put("short-lived", Precondition.NONE, 5_000).register();
    assertEquals(wall.get() + 5_000, written.expiresAtMillis());

    var early =
        entity.<StatusReply<Done>>runCommand(replyTo -> new KeyEntity.Expire(written.expiresAtMillis(), replyTo));
    assertTrue(early.hasNoEvents(), "not due yet");

    wall.addAndGet(5_000);
    assertNull(get());
    var due =
        entity.<StatusReply<Done>>runCommand(replyTo -> new KeyEntity.Expire(written.expiresAtMillis(), replyTo));
    assertTrue(due.reply().isSuccess());
    assertTrue(assertInstanceOf(KeyEntity.Expired.class, due.event()).register().tombstone());
  }

  private EventSourcedBehaviorTestKit.CommandResultWithReply<KeyEntity.Command, KeyEntity.Event, KeyState, StatusReply<KeyEntity.WriteOutcome>> mutate(Mutation mutation) {
    return entity.runCommand(replyTo -> new KeyEntity.Mutate(mutation, Precondition.NONE, 16, Consistency.QUORUM, replyTo));
  }

  @Test
  void aMutationIsOneJournaledWriteFromTheLiveValueThatKeepsItsExpiry() {
    Register written = put("7", Precondition.NONE, 5_000).register();
    var added = mutate(new Mutation.AddInteger(35));
    Register after = added.reply().getValue().register();
    assertEquals(new KeyEntity.Written(after), added.event(), "one event, computed here");
    assertArrayEquals(bytes("42"), after.value());
    assertEquals(written.expiresAtMillis(), after.expiresAtMillis());
    assertEquals(written.version().counter("n1") + 1, after.version().counter("n1"));

    KeyEntity.WriteOutcome appended = mutate(new Mutation.Append(bytes("!"))).reply().getValue();
    assertArrayEquals(bytes("42!"), appended.register().value());
    assertArrayEquals(bytes("42"), appended.previous().value(), "what it replaced");

    KeyEntity.WriteOutcome replaced = mutate(new Mutation.Replace(bytes("new"))).reply().getValue();
    assertArrayEquals(bytes("42!"), replaced.previous().value());
    assertEquals(0, replaced.register().expiresAtMillis(), "a replacement drops the expiry, as GETSET");
  }

  @Test
  void aMutationThatDoesNotFitTheValueIsRefusedWithItsCodeAndWritesNothing() {
    put("ten", Precondition.NONE, 0);
    var refused = mutate(new Mutation.AddInteger(1));
    assertTrue(refused.hasNoEvents());
    assertEquals(ErrorCode.NOT_AN_INTEGER, refused.reply().getValue().refusal().code());
    var tooLong = mutate(new Mutation.Append(bytes("0123456789abcdef")));
    assertTrue(tooLong.hasNoEvents());
    assertEquals(ErrorCode.VALUE_TOO_LARGE, tooLong.reply().getValue().refusal().code(), "over the 16 bytes allowed");
    var nothing = mutate(new Mutation.SetRange(3, new byte[0]));
    assertTrue(nothing.hasNoEvents(), "an empty range changes nothing");
    assertArrayEquals(bytes("ten"), nothing.reply().getValue().register().value());
  }

  @Test
  void stateAndVersionsSurviveARestart() {
    put("a", Precondition.NONE, 0);
    Register second = put("b", Precondition.NONE, 0).register();
    entity.restart();
    assertEquals(second, get());
    Register third = put("c", Precondition.NONE, 0).register();
    assertEquals(3L, third.version().counter("n1"));
  }

  @Test
  void keepsSnapshotsPlusTheLastKEventsAndDeletesOlderOnes() {
    for (int i = 1; i <= 7; i++) {
      put("v" + i, Precondition.NONE, 0);
    }
    // Snapshots at 3 and 6; the one at 6 deletes events up to 6 - K = 3.
    List<Object> kept = entity.persistenceTestKit().persistedInStorage(KeyEntity.persistenceId(KEY).id());
    assertEquals(4, kept.size());
    assertArrayEquals(bytes("v4"), ((KeyEntity.Event) kept.get(0)).register().value());
    entity.restart();
    assertArrayEquals(bytes("v7"), get().value());
  }

  @Test
  void aWriteIsReplicatedAndRefusedUpFrontWhenTooFewReplicasAreAvailable() {
    KeyEntity.WriteOutcome written = put("a", Precondition.NONE, 0);
    assertEquals(List.of(written.register()), replication.replicated);

    replication.refuseWrites = true;
    KeyEntity.WriteOutcome refused = put("b", Precondition.NONE, 0);
    assertFalse(refused.applied());
    assertEquals(ErrorCode.INSUFFICIENT_REPLICAS, refused.refusal().code());
    assertFalse(refused.refusal().mayHaveBeenApplied());
    assertArrayEquals(bytes("a"), get().value(), "a refused write leaves nothing behind");
  }

  @Test
  void aRestartedEntityMergesWhatAReadQuorumHoldsBeforeItServes() {
    put("local", Precondition.NONE, 0);
    // Meanwhile another owner (before a failover) wrote a newer version on the other replicas.
    Register local = get();
    Register newer = Register.write(local, bytes("remote"), new HlcTimestamp(wall.get() + 5_000, 0, "n2"), 0);
    replication.quorumHolds = newer;
    entity.restart();

    Register served = get();
    assertArrayEquals(bytes("remote"), served.value());
    // And the next write builds on it: its version has seen n2's write.
    KeyEntity.WriteOutcome next = put("after", Precondition.NONE, 0);
    assertEquals(io.kvstore.crdt.VersionVector.Order.AFTER, next.register().version().compareTo(newer.version()));
    assertTrue(next.register().stamp().isAfter(newer.stamp()));
  }

  @Test
  void aLinearizableReadAdoptsANewerVersionAMajorityHolds() {
    put("mine", Precondition.NONE, 0);
    Register mine = get();
    Register other = Register.write(mine, bytes("theirs"), new HlcTimestamp(wall.get() + 1, 0, "n3"), 0);
    replication.quorumHolds = other;
    assertArrayEquals(bytes("theirs"), get().value());
    // Reads below LINEARIZABLE answer from the entity's state without the round trip.
    Register local =
        entity
            .<StatusReply<KeyEntity.Lookup>>runCommand(replyTo -> new KeyEntity.Get(Consistency.ONE, replyTo))
            .reply()
            .getValue()
            .register();
    assertArrayEquals(bytes("theirs"), local.value());
  }

  @Test
  void anEntityWithoutAReadQuorumRefusesAtOnceAndServesOnceTheQuorumIsBack() {
    put("before", Precondition.NONE, 0);
    replication.quorumUnreachable = true;
    entity.restart();

    KeyEntity.WriteOutcome refused = put("during", Precondition.NONE, 0);
    assertFalse(refused.applied());
    assertEquals(ErrorCode.INSUFFICIENT_REPLICAS, refused.refusal().code());
    assertFalse(refused.refusal().mayHaveBeenApplied());

    replication.quorumUnreachable = false;
    Eventually.within(Duration.ofSeconds(5), () -> assertTrue(put("after", Precondition.NONE, 0).applied()));
    assertArrayEquals(bytes("after"), get().value());
  }
}
