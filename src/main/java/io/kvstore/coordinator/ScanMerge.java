package io.kvstore.coordinator;

import io.kvstore.crdt.Register;
import io.kvstore.replica.ReplicaStore;
import io.kvstore.replica.ScanOrder;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A partition's scan page from several replicas' pages. Each replica's page ends where its
 * limit did; the merged page ends at the earliest of those ends, since beyond it a replica that
 * stopped has not said what it holds. Registers of the same key are merged (so a tombstone on
 * one replica hides the value it deleted on another), and only values live now are kept.
 */
final class ScanMerge {
  private ScanMerge() {}

  /** A replica's page: its entries (tombstones included) and where it ended. */
  record Reply(List<ReplicaStore.Entry> entries, long next) {}

  static ScanOrder.Page<ReplicaStore.Entry> merge(List<Reply> replies, long nowMillis) {
    long end = replies.stream().mapToLong(Reply::next).min().orElse(ScanOrder.END);
    Map<String, Register> merged = new HashMap<>();
    for (Reply reply : replies) {
      for (ReplicaStore.Entry entry : reply.entries()) {
        if (ScanOrder.positionOf(entry.key()) < end) {
          merged.merge(entry.key(), entry.register(), Register::merge);
        }
      }
    }
    List<ReplicaStore.Entry> live =
        merged.entrySet().stream()
            .filter(e -> e.getValue().isLiveAt(nowMillis))
            .map(e -> new ReplicaStore.Entry(e.getKey(), e.getValue()))
            .sorted(Comparator.comparingLong((ReplicaStore.Entry e) -> ScanOrder.positionOf(e.key())).thenComparing(ReplicaStore.Entry::key))
            .toList();
    return new ScanOrder.Page<>(live, end);
  }
}
