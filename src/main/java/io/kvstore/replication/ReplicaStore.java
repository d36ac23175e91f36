package io.kvstore.replication;

import akka.serialization.Serialization;
import io.kvstore.storage.BatchOps;
import io.kvstore.storage.ColumnFamily;
import io.kvstore.storage.Keys;
import io.kvstore.storage.RocksDbStorage;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.RocksIterator;

/**
 * This node's copy of the registers it replicates, in {@link ColumnFamily#REGISTERS}, with a TTL
 * index in {@link ColumnFamily#EXPIRY}. Its writes travel in the journal's group-commit batches.
 */
public final class ReplicaStore {
  private static final byte[] NOTHING = new byte[0];

  /** An entry of the TTL index: {@code key} may expire at {@code expiresAtMillis}. */
  public record DueExpiry(String key, long expiresAtMillis) {}

  private final RocksDbStorage storage;
  private final Serialization serialization;
  private final ColumnFamilyHandle registers;
  private final ColumnFamilyHandle expiry;

  public ReplicaStore(RocksDbStorage storage, Serialization serialization) {
    this.storage = storage;
    this.serialization = serialization;
    this.registers = storage.handle(ColumnFamily.REGISTERS);
    this.expiry = storage.handle(ColumnFamily.EXPIRY);
  }

  /**
   * The writes that store {@code register}, encoded now, for a batch that someone else commits
   * (the journal's, see KeyEntity.replicaIndexer). The key's entity serialises writes per key, so
   * the newest register is always the one written last.
   */
  public BatchOps writesOf(String key, Register register) {
    byte[] keyBytes = Keys.utf8(key);
    byte[] value = serialization.serialize(register).get();
    byte[] expiryKey =
        register.expiresAtMillis() == 0 ? null : Keys.ofLongAndString(register.expiresAtMillis(), key);
    return batch -> {
      batch.put(registers, keyBytes, value);
      if (expiryKey != null) {
        batch.put(expiry, expiryKey, NOTHING);
      }
    };
  }

  public Optional<Register> get(String key) {
    byte[] stored = storage.get(ColumnFamily.REGISTERS, Keys.utf8(key));
    return stored == null
        ? Optional.empty()
        : Optional.of(serialization.deserialize(stored, Register.class).get());
  }

  /** Up to {@code limit} index entries due at {@code nowMillis}, oldest first. */
  public List<DueExpiry> dueExpiries(long nowMillis, int limit) {
    List<DueExpiry> due = new ArrayList<>();
    try (RocksIterator it = storage.iterator(ColumnFamily.EXPIRY)) {
      for (it.seekToFirst(); it.isValid() && due.size() < limit; it.next()) {
        byte[] key = it.key();
        long at = Keys.toLong(key);
        if (at > nowMillis) {
          break;
        }
        due.add(new DueExpiry(Keys.stringAfterLong(key), at));
      }
    }
    return due;
  }

  public CompletionStage<Void> removeExpiry(DueExpiry entry) {
    byte[] indexKey = Keys.ofLongAndString(entry.expiresAtMillis(), entry.key());
    return storage.write(batch -> batch.delete(expiry, indexKey));
  }
}
