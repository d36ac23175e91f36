package io.kvstore.storage;

import akka.actor.typed.javadsl.Adapter;
import akka.persistence.SelectedSnapshot;
import akka.persistence.SnapshotMetadata;
import akka.persistence.SnapshotSelectionCriteria;
import akka.persistence.serialization.Snapshot;
import akka.persistence.snapshot.japi.SnapshotStore;
import akka.serialization.Serialization;
import akka.serialization.SerializationExtension;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.RocksIterator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.concurrent.Future;
import scala.jdk.javaapi.FutureConverters;

/**
 * Akka Persistence snapshot store on the node's RocksDB: {@link ColumnFamily#SNAPSHOTS} under
 * (numeric persistence id, sequence number), value = timestamp (8 bytes) + serialized snapshot.
 */
public final class RocksDbSnapshotStore extends SnapshotStore {
  private static final Logger log = LoggerFactory.getLogger(RocksDbSnapshotStore.class);

  private final RocksDbStorage storage = RocksDbStorage.get(Adapter.toTyped(context().system()));
  private final Serialization serialization = SerializationExtension.get(context().system());
  private final ColumnFamilyHandle snapshots = storage.handle(ColumnFamily.SNAPSHOTS);
  private final Executor blockingExecutor =
      context().system().dispatchers().lookup(StorageSettings.BLOCKING_DISPATCHER);

  private record Stored(SnapshotMetadata metadata, byte[] serialized) {}

  @Override
  public Future<Optional<SelectedSnapshot>> doLoadAsync(
      String persistenceId, SnapshotSelectionCriteria criteria) {
    return blocking(
        () -> {
          OptionalLong id = storage.persistenceIds().find(persistenceId);
          if (id.isEmpty()) {
            return Optional.empty();
          }
          // Newest first; a snapshot that no longer deserializes is skipped for an older one.
          for (Stored stored : matching(persistenceId, id.getAsLong(), criteria)) {
            try {
              Snapshot snapshot = serialization.deserialize(stored.serialized(), Snapshot.class).get();
              return Optional.of(SelectedSnapshot.create(stored.metadata(), snapshot.data()));
            } catch (RuntimeException e) {
              log.warn("skipping unreadable snapshot {}: {}", stored.metadata(), e.toString());
            }
          }
          return Optional.empty();
        });
  }

  @Override
  public Future<Void> doSaveAsync(SnapshotMetadata metadata, Object snapshot) {
    byte[] serialized;
    try {
      serialized = serialization.serialize(new Snapshot(snapshot)).get();
    } catch (RuntimeException e) {
      return FutureConverters.asScala(CompletableFuture.failedFuture(e));
    }
    byte[] value =
        ByteBuffer.allocate(Long.BYTES + serialized.length)
            .putLong(metadata.timestamp())
            .put(serialized)
            .array();
    PersistenceIds.Allocation allocation =
        storage.persistenceIds().findOrAllocate(metadata.persistenceId());
    return FutureConverters.asScala(
        storage
            .write(
                batch -> {
                  allocation.writeTo(batch, storage);
                  batch.put(snapshots, Keys.ofLongs(allocation.id(), metadata.sequenceNr()), value);
                })
            .thenRun(() -> storage.persistenceIds().confirm(allocation)));
  }

  @Override
  public Future<Void> doDeleteAsync(SnapshotMetadata metadata) {
    OptionalLong id = storage.persistenceIds().find(metadata.persistenceId());
    if (id.isEmpty()) {
      return FutureConverters.asScala(CompletableFuture.completedFuture(null));
    }
    byte[] key = Keys.ofLongs(id.getAsLong(), metadata.sequenceNr());
    // Timestamp 0 means "any"; otherwise only the snapshot written at exactly that time.
    byte[] stored = storage.get(ColumnFamily.SNAPSHOTS, key);
    if (stored == null
        || (metadata.timestamp() != 0 && ByteBuffer.wrap(stored).getLong() != metadata.timestamp())) {
      return FutureConverters.asScala(CompletableFuture.completedFuture(null));
    }
    return FutureConverters.asScala(storage.write(batch -> batch.delete(snapshots, key)));
  }

  @Override
  public Future<Void> doDeleteAsync(String persistenceId, SnapshotSelectionCriteria criteria) {
    OptionalLong id = storage.persistenceIds().find(persistenceId);
    if (id.isEmpty()) {
      return FutureConverters.asScala(CompletableFuture.completedFuture(null));
    }
    List<Stored> doomed = matching(persistenceId, id.getAsLong(), criteria);
    return FutureConverters.asScala(
        storage.write(
            batch -> {
              for (Stored stored : doomed) {
                batch.delete(snapshots, Keys.ofLongs(id.getAsLong(), stored.metadata().sequenceNr()));
              }
            }));
  }

  /** Snapshots of one persistence id that meet the criteria, newest first. */
  private List<Stored> matching(String persistenceId, long id, SnapshotSelectionCriteria criteria) {
    Predicate<SnapshotMetadata> accepts =
        m ->
            m.sequenceNr() >= criteria.minSequenceNr()
                && m.timestamp() >= criteria.minTimestamp()
                && m.timestamp() <= criteria.maxTimestamp();
    List<Stored> found = new ArrayList<>();
    try (RocksIterator it = storage.iterator(ColumnFamily.SNAPSHOTS)) {
      for (it.seekForPrev(Keys.ofLongs(id, criteria.maxSequenceNr()));
          it.isValid() && Keys.toLong(it.key()) == id;
          it.prev()) {
        long sequenceNr = Keys.secondLong(it.key());
        if (sequenceNr < criteria.minSequenceNr()) {
          break;
        }
        ByteBuffer value = ByteBuffer.wrap(it.value());
        SnapshotMetadata metadata = SnapshotMetadata.apply(persistenceId, sequenceNr, value.getLong());
        if (accepts.test(metadata)) {
          byte[] serialized = new byte[value.remaining()];
          value.get(serialized);
          found.add(new Stored(metadata, serialized));
        }
      }
    }
    return found;
  }

  private <T> Future<T> blocking(Supplier<T> work) {
    return FutureConverters.asScala(CompletableFuture.supplyAsync(work, blockingExecutor));
  }
}
