package io.kvstore.storage;

import java.nio.charset.StandardCharsets;
import org.rocksdb.RocksDB;

/** Every column family of the node's single RocksDB instance, declared in one place. */
public enum ColumnFamily {
  /** Node metadata such as the persistence-id counter. */
  DEFAULT(new String(RocksDB.DEFAULT_COLUMN_FAMILY, StandardCharsets.UTF_8)),
  /** persistence id (UTF-8) to its fixed-width numeric id. */
  PERSISTENCE_IDS("persistence_ids"),
  /** numeric id (8 bytes) + sequence number (8 bytes) to a serialized PersistentRepr. */
  JOURNAL("journal"),
  /** numeric id (8 bytes) to the highest sequence number ever written, kept across deletes. */
  JOURNAL_HIGHEST("journal_highest"),
  /** numeric id (8 bytes) + sequence number (8 bytes) to timestamp (8 bytes) + serialized snapshot. */
  SNAPSHOTS("snapshots"),
  /** partition (2 bytes) + key (UTF-8) to the merge of every register this node received for it. */
  REGISTERS("registers"),
  /** expiry millis (8 bytes) + key (UTF-8) to nothing: the TTL sweep index. */
  EXPIRY("expiry"),
  /** target node id (UTF-8) + 0 + sequence (8 bytes) to a register that node has yet to receive. */
  HINTS("hints");

  private final String rocksName;

  ColumnFamily(String rocksName) {
    this.rocksName = rocksName;
  }

  public byte[] rocksName() {
    return rocksName.getBytes(StandardCharsets.UTF_8);
  }
}
