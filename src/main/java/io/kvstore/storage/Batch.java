package io.kvstore.storage;

import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;

/**
 * One group commit's {@link WriteBatch}, plus reads that see the writes already in it. Read-modify
 * -write callers (a replica merging a register) run on the single commit thread, so a read here
 * sees everything committed or batched before it and nothing can slip in between.
 */
public final class Batch {
  private static final byte[] DELETED = new byte[0];

  private final RocksDB db;
  private final WriteBatch batch;
  private final Map<ColumnFamilyHandle, Map<ByteBuffer, byte[]>> accepted = new HashMap<>();
  private final Map<ColumnFamilyHandle, Map<ByteBuffer, byte[]>> current = new HashMap<>();

  Batch(RocksDB db, WriteBatch batch) {
    this.db = db;
    this.batch = batch;
  }

  public void put(ColumnFamilyHandle family, byte[] key, byte[] value) throws RocksDBException {
    batch.put(family, key, value);
    current.computeIfAbsent(family, f -> new HashMap<>()).put(ByteBuffer.wrap(key), value);
  }

  public void delete(ColumnFamilyHandle family, byte[] key) throws RocksDBException {
    batch.delete(family, key);
    current.computeIfAbsent(family, f -> new HashMap<>()).put(ByteBuffer.wrap(key), DELETED);
  }

  /** Deletes {@code [from, to)}; a later {@link #get} in the same batch does not see this delete. */
  public void deleteRange(ColumnFamilyHandle family, byte[] from, byte[] to) throws RocksDBException {
    batch.deleteRange(family, from, to);
  }

  /** The value as of this point of the batch: written earlier in it, or else stored. */
  public byte[] get(ColumnFamilyHandle family, byte[] key) throws RocksDBException {
    ByteBuffer wrapped = ByteBuffer.wrap(key);
    for (Map<ColumnFamilyHandle, Map<ByteBuffer, byte[]>> layer : java.util.List.of(current, accepted)) {
      Map<ByteBuffer, byte[]> written = layer.get(family);
      if (written != null && written.containsKey(wrapped)) {
        byte[] value = written.get(wrapped);
        return value == DELETED ? null : value;
      }
    }
    return db.get(family, key);
  }

  /** Starts one caller's writes, which {@link #rollback} can undo as a whole. */
  void begin() throws RocksDBException {
    batch.setSavePoint();
    current.clear();
  }

  void accept() {
    current.forEach((family, written) -> accepted.computeIfAbsent(family, f -> new HashMap<>()).putAll(written));
    current.clear();
  }

  void rollback() throws RocksDBException {
    batch.rollbackToSavePoint();
    current.clear();
  }
}
