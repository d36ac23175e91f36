package io.kvstore.storage;

import org.rocksdb.RocksDBException;

/** The writes of one caller, added to a shared group-commit batch. */
@FunctionalInterface
public interface BatchOps {
  void writeTo(Batch batch) throws RocksDBException;
}
