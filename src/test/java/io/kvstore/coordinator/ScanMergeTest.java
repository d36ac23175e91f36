package io.kvstore.coordinator;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kvstore.crdt.HlcTimestamp;
import io.kvstore.crdt.Register;
import io.kvstore.replica.ReplicaStore;
import io.kvstore.replica.ScanOrder;
import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ScanMergeTest {
  private static final long NOW = 1_000_000;

  private static Register write(String value, long millis) {
    return Register.write(null, value.getBytes(StandardCharsets.UTF_8), new HlcTimestamp(millis, 0, "node1"), 0);
  }

  /** Keys in scan order. */
  private static final List<String> KEYS =
      IntStream.range(0, 6).mapToObj(i -> "k" + i).sorted(Comparator.comparingLong(ScanOrder::positionOf)).toList();

  private static ReplicaStore.Entry entry(int index, Register register) {
    return new ReplicaStore.Entry(KEYS.get(index), register);
  }

  @Test
  void theMergedPageEndsWhereTheFirstReplicaStopped() {
    Register v = write("v", 1);
    // One replica stopped after two keys; the other went on to four.
    ScanMerge.Reply short_ = new ScanMerge.Reply(List.of(entry(0, v), entry(1, v)), ScanOrder.positionOf(KEYS.get(2)));
    ScanMerge.Reply long_ = new ScanMerge.Reply(List.of(entry(0, v), entry(2, v), entry(3, v)), ScanOrder.positionOf(KEYS.get(4)));
    ScanOrder.Page<ReplicaStore.Entry> page = ScanMerge.merge(List.of(short_, long_), NOW);
    assertEquals(List.of(KEYS.get(0), KEYS.get(1)), page.items().stream().map(ReplicaStore.Entry::key).toList());
    assertEquals(ScanOrder.positionOf(KEYS.get(2)), page.next(), "k2 onwards: the first replica has not said yet");
  }

  @Test
  void aTombstoneOnOneReplicaHidesTheValueItDeletedOnAnother() {
    Register written = write("v", 1);
    Register deleted = Register.tombstone(written, new HlcTimestamp(2, 0, "node1"));
    Register newer = Register.write(written, "w".getBytes(StandardCharsets.UTF_8), new HlcTimestamp(3, 0, "node1"), 0);
    ScanMerge.Reply one = new ScanMerge.Reply(List.of(entry(0, written), entry(1, written)), ScanOrder.END);
    ScanMerge.Reply two = new ScanMerge.Reply(List.of(entry(0, deleted), entry(1, newer)), ScanOrder.END);
    ScanOrder.Page<ReplicaStore.Entry> page = ScanMerge.merge(List.of(one, two), NOW);
    assertEquals(List.of(KEYS.get(1)), page.items().stream().map(ReplicaStore.Entry::key).toList());
    assertEquals("w", new String(page.items().get(0).register().value(), StandardCharsets.UTF_8), "the newer version");
    assertEquals(ScanOrder.END, page.next());
  }

  @Test
  void expiredValuesAreLeftOut() {
    Register expiring = Register.write(null, new byte[] {1}, new HlcTimestamp(1, 0, "node1"), NOW - 1);
    ScanOrder.Page<ReplicaStore.Entry> page =
        ScanMerge.merge(List.of(new ScanMerge.Reply(List.of(entry(0, expiring)), ScanOrder.END)), NOW);
    assertEquals(List.of(), page.items());
  }
}
