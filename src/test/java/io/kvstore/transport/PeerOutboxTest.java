package io.kvstore.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.pattern.StatusReply;
import io.kvstore.crdt.HlcTimestamp;
import io.kvstore.crdt.Register;
import io.kvstore.replica.ReplicaStore;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** Replicated writes to one peer: sent at once when idle, batched while a batch is unacknowledged. */
class PeerOutboxTest {
  private static final ActorTestKit testKit = ActorTestKit.create();

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  private final TestProbe<ReplicaEndpoint.Command> peer = testKit.createTestProbe();

  private PeerOutbox outbox(long batchBytes) {
    return new PeerOutbox("n2", () -> Optional.of(peer.ref()), Duration.ofSeconds(5), testKit.scheduler(), batchBytes);
  }

  private ReplicaEndpoint.ApplyAll nextBatch() {
    return peer.expectMessageClass(ReplicaEndpoint.ApplyAll.class);
  }

  private static List<String> keysOf(ReplicaEndpoint.ApplyAll batch) {
    return batch.entries().stream().map(ReplicaStore.Entry::key).toList();
  }

  private static Register register(int valueBytes) {
    return Register.write(null, new byte[valueBytes], new HlcTimestamp(1_000, 0, "n1"), 0);
  }

  @Test
  void writesQueuedBehindAnUnacknowledgedBatchLeaveTogetherAsTheNextOne() {
    PeerOutbox outbox = outbox(1 << 20);
    CompletableFuture<Void> first = outbox.send("a", register(10));
    ReplicaEndpoint.ApplyAll sent = nextBatch();
    assertEquals(List.of("a"), keysOf(sent));

    CompletableFuture<Void> second = outbox.send("b", register(10));
    CompletableFuture<Void> third = outbox.send("c", register(10));
    peer.expectNoMessage(Duration.ofMillis(100));
    assertFalse(second.isDone());

    sent.replyTo().tell(StatusReply.ack());
    first.orTimeout(5, TimeUnit.SECONDS).join();
    ReplicaEndpoint.ApplyAll next = nextBatch();
    assertEquals(List.of("b", "c"), keysOf(next));
    assertFalse(third.isDone(), "acknowledged only when the peer has synced it");

    next.replyTo().tell(StatusReply.ack());
    CompletableFuture.allOf(second, third).orTimeout(5, TimeUnit.SECONDS).join();
  }

  @Test
  void aBatchIsCutAtTheByteBudget() {
    PeerOutbox outbox = outbox(2500);
    outbox.send("a", register(1000));
    ReplicaEndpoint.ApplyAll first = nextBatch();
    outbox.send("b", register(1000));
    outbox.send("c", register(1000));
    outbox.send("d", register(1000));

    first.replyTo().tell(StatusReply.ack());
    ReplicaEndpoint.ApplyAll second = nextBatch();
    assertEquals(List.of("b", "c"), keysOf(second));
    second.replyTo().tell(StatusReply.ack());
    assertEquals(List.of("d"), keysOf(nextBatch()));
  }

  @Test
  void whenABatchFailsTheWritesQueuedBehindItFailTooAndTheNextWriteIsSentAtOnce() {
    PeerOutbox outbox = outbox(1 << 20);
    CompletableFuture<Void> first = outbox.send("a", register(10));
    ReplicaEndpoint.ApplyAll sent = nextBatch();
    CompletableFuture<Void> queued = outbox.send("b", register(10));

    sent.replyTo().tell(StatusReply.error("disk full"));

    for (CompletableFuture<Void> write : List.of(first, queued)) {
      CompletionException failure = assertThrows(CompletionException.class, () -> write.orTimeout(5, TimeUnit.SECONDS).join());
      assertInstanceOf(IllegalStateException.class, failure.getCause());
    }
    peer.expectNoMessage(Duration.ofMillis(100));
    outbox.send("c", register(10));
    assertEquals(List.of("c"), keysOf(nextBatch()));
  }

  @Test
  void aPeerThatIsNotReachableFailsTheWriteAtOnce() {
    PeerOutbox outbox = new PeerOutbox("n3", Optional::empty, Duration.ofSeconds(5), testKit.scheduler(), 1 << 20);
    CompletableFuture<Void> write = outbox.send("a", register(10));
    assertTrue(write.isCompletedExceptionally());
  }
}
