package io.kvstore.replica;

import akka.serialization.Serialization;
import io.kvstore.crdt.Register;
import io.kvstore.storage.ColumnFamily;
import io.kvstore.storage.RocksDbStorage;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.RocksIterator;

/**
 * Hinted handoff: registers a replica did not acknowledge (it was down or slow), kept durably in
 * {@link ColumnFamily#HINTS} on the writing node and replayed when the replica is back. Bounded
 * per target node: past the bound a hint is dropped and counted, and anti-entropy repairs the
 * replica instead.
 */
public final class HintStore {
  /** A stored hint and the key under which to remove it once delivered. */
  public record Hint(byte[] id, ReplicaStore.Entry entry) {}

  private final RocksDbStorage storage;
  private final Serialization serialization;
  private final ColumnFamilyHandle hints;
  private final int maxPerNode;
  private final AtomicLong sequence = new AtomicLong(System.currentTimeMillis() * 1000);
  private final Map<String, AtomicLong> pendingPerNode = new ConcurrentHashMap<>();
  private final AtomicLong dropped = new AtomicLong();

  public HintStore(RocksDbStorage storage, Serialization serialization, int maxPerNode) {
    this.storage = storage;
    this.serialization = serialization;
    this.hints = storage.handle(ColumnFamily.HINTS);
    this.maxPerNode = maxPerNode;
    try (RocksIterator it = storage.iterator(ColumnFamily.HINTS)) {
      for (it.seekToFirst(); it.isValid(); it.next()) {
        pending(targetOf(it.key())).incrementAndGet();
      }
    }
  }

  /** Keeps a register for {@code target}; completes once synced (or at once when dropped). */
  public CompletionStage<Void> add(String target, String key, Register register) {
    AtomicLong pending = pending(target);
    if (pending.incrementAndGet() > maxPerNode) {
      pending.decrementAndGet();
      dropped.incrementAndGet();
      return CompletableFuture.completedFuture(null);
    }
    byte[] id = idOf(target, sequence.incrementAndGet());
    byte[] value = serialization.serialize(new ReplicaStore.Entry(key, register)).get();
    CompletionStage<Void> written = storage.write(batch -> batch.put(hints, id, value));
    written.whenComplete((done, failure) -> {
      if (failure != null) {
        pending.decrementAndGet();
      }
    });
    return written;
  }

  /** Up to {@code limit} hints for {@code target}, oldest first, within about {@code maxBytes}. */
  public List<Hint> pendingFor(String target, int limit, long maxBytes) {
    byte[] prefix = prefixOf(target);
    List<Hint> found = new ArrayList<>();
    ByteBudget budget = new ByteBudget(maxBytes);
    try (RocksIterator it = storage.iterator(ColumnFamily.HINTS)) {
      for (it.seek(prefix);
          it.isValid() && found.size() < limit && startsWith(it.key(), prefix) && budget.admits(it.value().length);
          it.next()) {
        found.add(new Hint(it.key(), serialization.deserialize(it.value(), ReplicaStore.Entry.class).get()));
      }
    }
    return found;
  }

  public CompletionStage<Void> remove(String target, List<Hint> delivered) {
    return storage
        .write(
            batch -> {
              for (Hint hint : delivered) {
                batch.delete(hints, hint.id());
              }
            })
        .thenRun(() -> pending(target).addAndGet(-delivered.size()));
  }

  /** Nodes that have hints waiting. */
  public List<String> targets() {
    return pendingPerNode.entrySet().stream().filter(e -> e.getValue().get() > 0).map(Map.Entry::getKey).toList();
  }

  public long pendingCount() {
    return pendingPerNode.values().stream().mapToLong(AtomicLong::get).sum();
  }

  /** Hints not kept because a node's bound was reached, since start. */
  public long droppedCount() {
    return dropped.get();
  }

  private AtomicLong pending(String target) {
    return pendingPerNode.computeIfAbsent(target, t -> new AtomicLong());
  }

  private static byte[] prefixOf(String target) {
    byte[] name = target.getBytes(StandardCharsets.UTF_8);
    return ByteBuffer.allocate(name.length + 1).put(name).put((byte) 0).array();
  }

  private static byte[] idOf(String target, long sequence) {
    byte[] prefix = prefixOf(target);
    return ByteBuffer.allocate(prefix.length + Long.BYTES).put(prefix).putLong(sequence).array();
  }

  private static String targetOf(byte[] id) {
    int end = 0;
    while (id[end] != 0) {
      end++;
    }
    return new String(id, 0, end, StandardCharsets.UTF_8);
  }

  private static boolean startsWith(byte[] key, byte[] prefix) {
    if (key.length < prefix.length) {
      return false;
    }
    for (int i = 0; i < prefix.length; i++) {
      if (key[i] != prefix[i]) {
        return false;
      }
    }
    return true;
  }
}
