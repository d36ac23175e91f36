package io.kvstore.storage;

import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;

/**
 * Adds writes derived from a journaled event to the same {@link WriteBatch} as the event, so the
 * derived data (the replica register of a key) is exactly as durable as the event and costs no
 * second sync.
 */
@FunctionalInterface
public interface JournalIndexer {
  void index(String persistenceId, Object event, WriteBatch batch) throws RocksDBException;
}
