package io.kvstore.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import akka.actor.ActorRef;
import akka.persistence.AtomicWrite;
import akka.persistence.DeleteMessagesSuccess;
import akka.persistence.JournalProtocol;
import akka.persistence.PersistentRepr;
import akka.persistence.PersistentRepr$;
import akka.testkit.javadsl.TestKit;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import scala.jdk.javaapi.CollectionConverters;

/**
 * What Akka's persistence TCK checks of a journal, as JUnit 5 tests against the real RocksDB
 * journal: replay by range and max, highest sequence number across deletes, deletes, rejection of
 * unserializable events, isolation between persistence ids, concurrent writers, durability.
 */
class RocksDbJournalContractTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  private static final String WRITER = "writer-uuid";

  @TempDir Path directory;
  private StorageFixture fixture;
  private ActorRef journal;

  @BeforeEach
  void start() {
    fixture = new StorageFixture(directory);
    journal = fixture.journal();
  }

  @AfterEach
  void stop() {
    fixture.close();
  }

  private static PersistentRepr event(String persistenceId, long sequenceNr, Object payload) {
    return PersistentRepr$.MODULE$.apply(
        payload, sequenceNr, persistenceId, "", false, ActorRef.noSender(), WRITER);
  }

  private static AtomicWrite atomic(PersistentRepr... events) {
    return new AtomicWrite(CollectionConverters.asScala(List.of(events)).toList());
  }

  private void writeEvents(String persistenceId, int count) {
    writeEvents(persistenceId, 1, count);
  }

  /** Writes events from..to of a persistence id, one atomic write each, and awaits every ack. */
  private void writeEvents(String persistenceId, int from, int to) {
    TestKit probe = new TestKit(fixture.classic);
    List<AtomicWrite> writes = new ArrayList<>();
    for (int seq = from; seq <= to; seq++) {
      writes.add(atomic(event(persistenceId, seq, persistenceId + "-" + seq)));
    }
    send(probe, writes);
    probe.expectMsgEquals(TIMEOUT, JournalProtocol.WriteMessagesSuccessful$.MODULE$);
    for (int seq = from; seq <= to; seq++) {
      JournalProtocol.WriteMessageSuccess success =
          probe.expectMsgClass(TIMEOUT, JournalProtocol.WriteMessageSuccess.class);
      assertEquals(seq, success.persistent().sequenceNr());
    }
  }

  private void send(TestKit probe, List<AtomicWrite> writes) {
    journal.tell(
        new JournalProtocol.WriteMessages(
            CollectionConverters.asScala(new ArrayList<akka.persistence.PersistentEnvelope>(writes)).toList(),
            probe.getRef(),
            1),
        probe.getRef());
  }

  /** Replays and returns the payloads, checking the highest sequence number reported. */
  private List<Object> replay(String persistenceId, long from, long to, long max, long expectedHighest) {
    TestKit probe = new TestKit(fixture.classic);
    journal.tell(new JournalProtocol.ReplayMessages(from, to, max, persistenceId, probe.getRef()), probe.getRef());
    List<Object> payloads = new ArrayList<>();
    while (true) {
      Object message = probe.receiveOne(TIMEOUT);
      if (message instanceof JournalProtocol.ReplayedMessage replayed) {
        assertEquals(persistenceId, replayed.persistent().persistenceId());
        assertEquals(WRITER, replayed.persistent().writerUuid());
        payloads.add(replayed.persistent().payload());
      } else {
        JournalProtocol.RecoverySuccess done = assertInstanceOf(JournalProtocol.RecoverySuccess.class, message);
        assertEquals(expectedHighest, done.highestSequenceNr());
        return payloads;
      }
    }
  }

  private static List<Object> payloads(String persistenceId, int from, int to) {
    return IntStream.rangeClosed(from, to).mapToObj(seq -> (Object) (persistenceId + "-" + seq)).toList();
  }

  private void deleteTo(String persistenceId, long toSequenceNr) {
    TestKit probe = new TestKit(fixture.classic);
    journal.tell(new JournalProtocol.DeleteMessagesTo(persistenceId, toSequenceNr, probe.getRef()), probe.getRef());
    probe.expectMsgEquals(TIMEOUT, new DeleteMessagesSuccess(toSequenceNr));
  }

  @Test
  void replaysAllEventsInOrder() {
    writeEvents("a", 5);
    assertEquals(payloads("a", 1, 5), replay("a", 1, Long.MAX_VALUE, Long.MAX_VALUE, 5));
  }

  @Test
  void replaysASequenceNumberRange() {
    writeEvents("a", 5);
    assertEquals(payloads("a", 2, 3), replay("a", 2, 3, Long.MAX_VALUE, 5));
  }

  @Test
  void replayStopsAtMax() {
    writeEvents("a", 5);
    assertEquals(payloads("a", 2, 4), replay("a", 2, 5, 3, 5));
    assertEquals(List.of(), replay("a", 1, 5, 0, 5));
  }

  @Test
  void replaysNothingForAnUnknownPersistenceId() {
    assertEquals(List.of(), replay("unknown", 1, Long.MAX_VALUE, Long.MAX_VALUE, 0));
  }

  @Test
  void deletesUpToASequenceNumberAndKeepsTheHighestNumber() {
    writeEvents("a", 5);
    deleteTo("a", 3);
    assertEquals(payloads("a", 4, 5), replay("a", 1, Long.MAX_VALUE, Long.MAX_VALUE, 5));
    deleteTo("a", 5);
    assertEquals(List.of(), replay("a", 1, Long.MAX_VALUE, Long.MAX_VALUE, 5));
  }

  @Test
  void deletingBeyondTheHighestNumberDeletesAllButKeepsTheNumber() {
    writeEvents("a", 3);
    deleteTo("a", Long.MAX_VALUE);
    assertEquals(List.of(), replay("a", 1, Long.MAX_VALUE, Long.MAX_VALUE, 3));
  }

  @Test
  void persistenceIdsThatArePrefixesOfEachOtherStayApart() {
    writeEvents("a", 2);
    writeEvents("ab", 3);
    writeEvents("a|b c/d", 1);
    assertEquals(payloads("a", 1, 2), replay("a", 1, Long.MAX_VALUE, Long.MAX_VALUE, 2));
    assertEquals(payloads("ab", 1, 3), replay("ab", 1, Long.MAX_VALUE, Long.MAX_VALUE, 3));
    assertEquals(payloads("a|b c/d", 1, 1), replay("a|b c/d", 1, Long.MAX_VALUE, Long.MAX_VALUE, 1));
  }

  @Test
  void writesTheEventsOfOneAtomicWriteTogether() {
    TestKit probe = new TestKit(fixture.classic);
    send(probe, List.of(atomic(event("b", 1, "b-1"), event("b", 2, "b-2"), event("b", 3, "b-3"))));
    probe.expectMsgEquals(TIMEOUT, JournalProtocol.WriteMessagesSuccessful$.MODULE$);
    for (int i = 0; i < 3; i++) {
      probe.expectMsgClass(TIMEOUT, JournalProtocol.WriteMessageSuccess.class);
    }
    assertEquals(payloads("b", 1, 3), replay("b", 1, Long.MAX_VALUE, Long.MAX_VALUE, 3));
  }

  @Test
  void rejectsAnUnserializableEventWithoutFailingTheOthers() {
    TestKit probe = new TestKit(fixture.classic);
    Object unserializable = new Object();
    send(probe, List.of(atomic(event("c", 1, "c-1")), atomic(event("c", 2, unserializable)), atomic(event("d", 1, "d-1"))));
    probe.expectMsgEquals(TIMEOUT, JournalProtocol.WriteMessagesSuccessful$.MODULE$);
    probe.expectMsgClass(TIMEOUT, JournalProtocol.WriteMessageSuccess.class);
    JournalProtocol.WriteMessageRejected rejected =
        probe.expectMsgClass(TIMEOUT, JournalProtocol.WriteMessageRejected.class);
    assertEquals(2, rejected.message().sequenceNr());
    probe.expectMsgClass(TIMEOUT, JournalProtocol.WriteMessageSuccess.class);
    assertEquals(List.of("c-1"), replay("c", 1, Long.MAX_VALUE, Long.MAX_VALUE, 1));
    assertEquals(List.of("d-1"), replay("d", 1, Long.MAX_VALUE, Long.MAX_VALUE, 1));
  }

  @Test
  void concurrentWritersAreGroupCommittedAndAllPersisted() {
    int writers = 64;
    int eventsEach = 20;
    long batchesBefore = fixture.storage().committedBatches();
    List<TestKit> probes = new ArrayList<>();
    for (int round = 1; round <= eventsEach; round++) {
      probes.clear();
      for (int w = 0; w < writers; w++) {
        TestKit probe = new TestKit(fixture.classic);
        probes.add(probe);
        send(probe, List.of(atomic(event("w" + w, round, "w" + w + "-" + round))));
      }
      for (TestKit probe : probes) {
        probe.expectMsgEquals(TIMEOUT, JournalProtocol.WriteMessagesSuccessful$.MODULE$);
        probe.expectMsgClass(TIMEOUT, JournalProtocol.WriteMessageSuccess.class);
      }
    }
    for (int w = 0; w < writers; w++) {
      assertEquals(payloads("w" + w, 1, eventsEach), replay("w" + w, 1, Long.MAX_VALUE, Long.MAX_VALUE, eventsEach));
    }
    long batches = fixture.storage().committedBatches() - batchesBefore;
    // Each journal call is one group-commit unit, so 1,280 writes in fewer batches proves grouping.
    org.junit.jupiter.api.Assertions.assertTrue(
        batches < (long) writers * eventsEach, "expected group commits, got " + batches + " batches");
  }

  @Test
  void eventsSurviveARestartOnTheSameDirectory() {
    writeEvents("durable", 4);
    deleteTo("durable", 1);
    fixture.close();
    fixture = new StorageFixture(directory);
    journal = fixture.journal();
    assertEquals(payloads("durable", 2, 4), replay("durable", 1, Long.MAX_VALUE, Long.MAX_VALUE, 4));
    writeEvents("durable", 5, 5);
    assertEquals(payloads("durable", 2, 5), replay("durable", 1, Long.MAX_VALUE, Long.MAX_VALUE, 5));
  }

}
