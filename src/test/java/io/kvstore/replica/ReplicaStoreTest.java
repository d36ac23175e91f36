package io.kvstore.replica;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.serialization.Serialization;
import akka.serialization.SerializationExtension;
import com.typesafe.config.ConfigFactory;
import io.kvstore.crdt.HlcTimestamp;
import io.kvstore.crdt.Register;
import io.kvstore.crdt.RegisterFormat;
import io.kvstore.ring.Partitioner;
import io.kvstore.ring.RetiredNodes;
import io.kvstore.storage.ColumnFamily;
import io.kvstore.storage.RocksDbStorage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The replica store on RocksDB. Bulk transfers between replicas (anti-entropy pages, hint replay)
 * are cut to a byte budget, so that no message outgrows Akka's frame however much a partition
 * holds, and paging neither skips nor repeats an entry. Registers stored in the earlier Jackson
 * CBOR format still read and merge.
 */
class ReplicaStoreTest {
  private static final int PARTITION = 0;

  @TempDir Path directory;
  private ActorTestKit testKit;
  private RocksDbStorage storage;
  private Serialization serialization;
  private ReplicaStore store;

  @BeforeEach
  void open() {
    testKit =
        ActorTestKit.create(
            "paging",
            ConfigFactory.parseMap(Map.of("kvstore.storage.directory", directory.toString(), "akka.actor.provider", "local"))
                .withFallback(ConfigFactory.load()));
    storage = RocksDbStorage.get(testKit.system());
    serialization = SerializationExtension.get(testKit.system());
    store = new ReplicaStore(storage, serialization, new Partitioner(4), Duration.ofDays(1), new RetiredNodes());
  }

  @AfterEach
  void close() {
    testKit.shutdownTestKit();
    storage.whenClosed().toCompletableFuture().orTimeout(10, TimeUnit.SECONDS).join();
  }

  @Test
  void pagesCoverEveryEntryOfThePartitionOnceInKeyOrderWithinTheBudget() {
    List<String> expected = storeKeysInPartition(120, 1024);

    List<String> seen = new ArrayList<>();
    String after = null;
    int pages = 0;
    do {
      ReplicaStore.Page page = store.entries(PARTITION, bucket -> true, after, 4096);
      assertTrue(page.entries().size() >= 1 && page.entries().size() <= 3, "1 KiB entries, 4 KiB pages: " + page);
      page.entries().forEach(entry -> seen.add(entry.key()));
      after = page.resumeAfter();
      pages++;
    } while (after != null);

    assertEquals(expected, seen);
    assertTrue(pages >= expected.size() / 3, pages + " pages for " + expected.size() + " entries");
  }

  @Test
  void anEntryLargerThanTheBudgetTravelsAloneRatherThanNever() {
    List<String> keys = storeKeysInPartition(20, 10_000);

    ReplicaStore.Page first = store.entries(PARTITION, bucket -> true, null, 4096);
    assertEquals(List.of(keys.get(0)), first.entries().stream().map(ReplicaStore.Entry::key).toList());
    assertEquals(keys.get(0), first.resumeAfter());
    ReplicaStore.Page second = store.entries(PARTITION, bucket -> true, first.resumeAfter(), 4096);
    assertEquals(List.of(keys.get(1)), second.entries().stream().map(ReplicaStore.Entry::key).toList());
  }

  @Test
  void aPageHoldsOnlyTheChosenBucketsAndTheLastPageSaysSo() {
    List<String> keys = storeKeysInPartition(200, 10);
    int bucket = MerkleTree.bucketOf(keys.get(0));

    ReplicaStore.Page page = store.entries(PARTITION, b -> b == bucket, null, 1 << 20);

    assertEquals(
        keys.stream().filter(key -> MerkleTree.bucketOf(key) == bucket).toList(),
        page.entries().stream().map(ReplicaStore.Entry::key).toList());
    assertNull(page.resumeAfter());
  }

  @Test
  void hintReplayBatchesStopAtTheByteBudgetAndAtTheCount() {
    HintStore hints = new HintStore(storage, serialization, 1000);
    for (int i = 0; i < 10; i++) {
      hints.add("n2", "key-" + i, register(1024)).toCompletableFuture().join();
    }

    assertEquals(3, hints.pendingFor("n2", 500, 4096).size());
    assertEquals(2, hints.pendingFor("n2", 2, 1 << 20).size());
    assertEquals(10, hints.pendingFor("n2", 500, 1 << 20).size());
  }

  @Test
  void aRegisterStoredAsJacksonCborBeforeTheBinaryFormatReadsBackAndMergesIntoTheBinaryFormat() throws Exception {
    Register old = register(100);
    byte[] jackson = serialization.serializerByIdentity().apply(ReplicaStore.JACKSON_CBOR).toBinary(old);
    byte[] storeKey = store.storeKey("legacy");
    storage.write(batch -> batch.put(storage.handle(ColumnFamily.REGISTERS), storeKey, jackson))
        .toCompletableFuture().join();

    assertEquals(old, store.get("legacy").orElseThrow());

    Register newer = Register.write(old, new byte[] {7}, new HlcTimestamp(2_000, 0, "n2"), 0);
    store.merge("legacy", newer).toCompletableFuture().join();
    assertEquals(newer, store.get("legacy").orElseThrow());
    assertTrue(RegisterFormat.isThisFormat(storage.get(ColumnFamily.REGISTERS, storeKey)));
  }

  /** Stores {@code candidates} keys' registers and returns those of {@link #PARTITION}, in key order. */
  private List<String> storeKeysInPartition(int candidates, int valueBytes) {
    List<ReplicaStore.Entry> entries =
        IntStream.range(0, candidates)
            .mapToObj(i -> new ReplicaStore.Entry(String.format("key-%04d", i), register(valueBytes)))
            .toList();
    store.mergeAll(entries).toCompletableFuture().join();
    List<String> inPartition =
        entries.stream()
            .map(ReplicaStore.Entry::key)
            .filter(key -> store.partitioner().partitionOf(key) == PARTITION)
            .sorted()
            .toList();
    assertTrue(inPartition.size() >= 3, "the test needs several keys in the partition");
    return inPartition;
  }

  private static Register register(int valueBytes) {
    byte[] value = new byte[valueBytes];
    Arrays.fill(value, (byte) 'v');
    return Register.write(null, value, new HlcTimestamp(1_000, 0, "n1"), 0);
  }
}
