package io.kvstore.storage;

import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;

/** The writes of one caller, added to a shared group-commit batch. */
@FunctionalInterface
public interface BatchOps {
  void writeTo(WriteBatch batch) throws RocksDBException;
}
