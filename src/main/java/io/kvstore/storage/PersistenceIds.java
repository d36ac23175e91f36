package io.kvstore.storage;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;

/**
 * Maps persistence ids (arbitrary strings, up to a key's length) to 8-byte numeric ids, so that
 * journal and snapshot keys are fixed-width and sort by sequence number.
 *
 * <p>A new id is made durable in the same write batch as the first events that use it: the caller
 * adds {@link Allocation#writeTo} to its batch and calls {@link #confirm} after the commit. Until
 * then every write for that persistence id repeats the mapping, so a failed batch leaves nothing
 * inconsistent. The cache is a bounded LRU: millions of keys must not mean millions of entries.
 */
final class PersistenceIds {
  private static final byte[] COUNTER_KEY = Keys.utf8("persistence-id-counter");

  /** The numeric id of a persistence id, and whether its mapping still has to be written. */
  record Allocation(String persistenceId, long id, boolean durable) {
    void writeTo(Batch batch, RocksDbStorage storage)
        throws org.rocksdb.RocksDBException {
      if (!durable) {
        batch.put(storage.handle(ColumnFamily.PERSISTENCE_IDS), Keys.utf8(persistenceId), Keys.ofLong(id));
        batch.put(storage.handle(ColumnFamily.DEFAULT), COUNTER_KEY, Keys.ofLong(id));
      }
    }
  }

  private final RocksDbStorage storage;
  private final Map<String, Allocation> cache;
  private long lastAllocated;

  PersistenceIds(RocksDbStorage storage, int cacheSize) {
    this.storage = storage;
    this.cache =
        new LinkedHashMap<>(16, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<String, Allocation> eldest) {
            // Never evict a mapping that is not on disk yet: it would be allocated again.
            return size() > cacheSize && eldest.getValue().durable();
          }
        };
    byte[] counter = storage.get(ColumnFamily.DEFAULT, COUNTER_KEY);
    this.lastAllocated = counter == null ? 0 : Keys.toLong(counter);
  }

  /** The id of a persistence id that has been written, if any; never allocates. */
  synchronized OptionalLong find(String persistenceId) {
    Allocation cached = cache.get(persistenceId);
    if (cached != null) {
      return OptionalLong.of(cached.id());
    }
    byte[] stored = storage.get(ColumnFamily.PERSISTENCE_IDS, Keys.utf8(persistenceId));
    if (stored == null) {
      return OptionalLong.empty();
    }
    long id = Keys.toLong(stored);
    cache.put(persistenceId, new Allocation(persistenceId, id, true));
    return OptionalLong.of(id);
  }

  synchronized Allocation findOrAllocate(String persistenceId) {
    OptionalLong existing = find(persistenceId);
    if (existing.isPresent()) {
      return cache.get(persistenceId);
    }
    Allocation allocation = new Allocation(persistenceId, ++lastAllocated, false);
    cache.put(persistenceId, allocation);
    return allocation;
  }

  synchronized void confirm(Allocation allocation) {
    if (!allocation.durable()) {
      cache.put(allocation.persistenceId(), new Allocation(allocation.persistenceId(), allocation.id(), true));
    }
  }
}
