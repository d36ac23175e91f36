package io.kvstore.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.ActorRef;
import akka.persistence.DeleteSnapshotSuccess;
import akka.persistence.DeleteSnapshotsSuccess;
import akka.persistence.SaveSnapshotSuccess;
import akka.persistence.SelectedSnapshot;
import akka.persistence.SnapshotMetadata;
import akka.persistence.SnapshotProtocol;
import akka.persistence.SnapshotSelectionCriteria;
import akka.testkit.javadsl.TestKit;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import scala.jdk.javaapi.OptionConverters;

/** What Akka's persistence TCK checks of a snapshot store, against the real RocksDB store. */
class RocksDbSnapshotStoreContractTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  private static final String PID = "snap|key";

  @TempDir Path directory;
  private StorageFixture fixture;
  private ActorRef store;
  private TestKit probe;
  /** Metadata of snapshots 1..5 at sequence numbers 10..50, as stored (with the store's timestamps). */
  private final List<SnapshotMetadata> saved = new ArrayList<>();

  @BeforeEach
  void start() {
    fixture = new StorageFixture(directory);
    store = fixture.snapshotStore();
    probe = new TestKit(fixture.classic);
    long previousTimestamp = 0;
    for (int i = 1; i <= 5; i++) {
      // The store stamps each snapshot with the wall clock; wait for the next millisecond so the
      // five snapshots have distinct timestamps for the timestamp criteria below.
      while (System.currentTimeMillis() <= previousTimestamp) {
        Thread.onSpinWait();
      }
      store.tell(new SnapshotProtocol.SaveSnapshot(SnapshotMetadata.apply(PID, i * 10L), "state-" + i), probe.getRef());
      SnapshotMetadata stored = probe.expectMsgClass(TIMEOUT, SaveSnapshotSuccess.class).metadata();
      assertEquals(i * 10L, stored.sequenceNr());
      saved.add(stored);
      previousTimestamp = stored.timestamp();
    }
  }

  @AfterEach
  void stop() {
    fixture.close();
  }

  private long timestamp(int index) {
    return saved.get(index - 1).timestamp();
  }

  private Optional<SelectedSnapshot> load(String persistenceId, SnapshotSelectionCriteria criteria, long toSequenceNr) {
    store.tell(new SnapshotProtocol.LoadSnapshot(persistenceId, criteria, toSequenceNr), probe.getRef());
    SnapshotProtocol.LoadSnapshotResult result =
        probe.expectMsgClass(TIMEOUT, SnapshotProtocol.LoadSnapshotResult.class);
    return OptionConverters.toJava(result.snapshot());
  }

  private void assertLoads(int expectedIndex, SnapshotSelectionCriteria criteria, long toSequenceNr) {
    Optional<SelectedSnapshot> loaded = load(PID, criteria, toSequenceNr);
    assertTrue(loaded.isPresent(), "expected snapshot " + expectedIndex);
    assertEquals(saved.get(expectedIndex - 1), loaded.get().metadata());
    assertEquals("state-" + expectedIndex, loaded.get().snapshot());
  }

  @Test
  void loadsNothingForAnUnknownPersistenceId() {
    assertTrue(load("other", SnapshotSelectionCriteria.latest(), Long.MAX_VALUE).isEmpty());
  }

  @Test
  void loadsTheLatestSnapshot() {
    assertLoads(5, SnapshotSelectionCriteria.latest(), Long.MAX_VALUE);
  }

  @Test
  void loadsTheLatestSnapshotUpToASequenceNumber() {
    assertLoads(3, SnapshotSelectionCriteria.create(35, Long.MAX_VALUE), Long.MAX_VALUE);
    assertLoads(2, SnapshotSelectionCriteria.latest(), 25);
  }

  @Test
  void loadsTheLatestSnapshotUpToATimestamp() {
    assertLoads(2, SnapshotSelectionCriteria.create(Long.MAX_VALUE, timestamp(2)), Long.MAX_VALUE);
  }

  @Test
  void honoursMinimumSequenceNumberAndTimestamp() {
    assertTrue(load(PID, SnapshotSelectionCriteria.create(25, Long.MAX_VALUE, 30, 0), Long.MAX_VALUE).isEmpty());
    assertTrue(load(PID, SnapshotSelectionCriteria.create(Long.MAX_VALUE, Long.MAX_VALUE, 0, timestamp(5) + 1), Long.MAX_VALUE).isEmpty());
    assertLoads(4, SnapshotSelectionCriteria.create(45, Long.MAX_VALUE, 40, timestamp(4)), Long.MAX_VALUE);
    assertTrue(load(PID, SnapshotSelectionCriteria.create(45, Long.MAX_VALUE, 40, timestamp(4) + 1), Long.MAX_VALUE).isEmpty());
  }

  @Test
  void deletesOneSnapshotByMetadata() {
    store.tell(new SnapshotProtocol.DeleteSnapshot(saved.get(4)), probe.getRef());
    probe.expectMsgEquals(TIMEOUT, new DeleteSnapshotSuccess(saved.get(4)));
    assertLoads(4, SnapshotSelectionCriteria.latest(), Long.MAX_VALUE);
  }

  @Test
  void deletesByMetadataOnlyWhenTheTimestampMatchesUnlessItIsZero() {
    SnapshotMetadata wrongTime = SnapshotMetadata.apply(PID, 50, timestamp(5) - 1);
    store.tell(new SnapshotProtocol.DeleteSnapshot(wrongTime), probe.getRef());
    probe.expectMsgEquals(TIMEOUT, new DeleteSnapshotSuccess(wrongTime));
    assertLoads(5, SnapshotSelectionCriteria.latest(), Long.MAX_VALUE);

    SnapshotMetadata anyTime = SnapshotMetadata.apply(PID, 50, 0);
    store.tell(new SnapshotProtocol.DeleteSnapshot(anyTime), probe.getRef());
    probe.expectMsgEquals(TIMEOUT, new DeleteSnapshotSuccess(anyTime));
    assertLoads(4, SnapshotSelectionCriteria.latest(), Long.MAX_VALUE);
  }

  @Test
  void deletesByCriteria() {
    SnapshotSelectionCriteria upTo30 = SnapshotSelectionCriteria.create(30, Long.MAX_VALUE);
    store.tell(new SnapshotProtocol.DeleteSnapshots(PID, upTo30), probe.getRef());
    probe.expectMsgEquals(TIMEOUT, new DeleteSnapshotsSuccess(upTo30));
    assertTrue(load(PID, SnapshotSelectionCriteria.create(30, Long.MAX_VALUE), Long.MAX_VALUE).isEmpty());
    assertLoads(5, SnapshotSelectionCriteria.latest(), Long.MAX_VALUE);
  }

  @Test
  void snapshotsSurviveARestart() {
    fixture.close();
    fixture = new StorageFixture(directory);
    store = fixture.snapshotStore();
    probe = new TestKit(fixture.classic);
    assertLoads(5, SnapshotSelectionCriteria.latest(), Long.MAX_VALUE);
  }
}
