package io.kvstore.storage;

import akka.actor.typed.javadsl.Adapter;
import akka.persistence.AtomicWrite;
import akka.persistence.PersistentRepr;
import akka.persistence.journal.japi.AsyncWriteJournal;
import akka.serialization.Serialization;
import akka.serialization.SerializationExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.RocksIterator;
import scala.concurrent.Future;
import scala.jdk.javaapi.CollectionConverters;
import scala.jdk.javaapi.FutureConverters;

/**
 * Akka Persistence journal on the node's RocksDB.
 *
 * <p>Events live in {@link ColumnFamily#JOURNAL} under (numeric persistence id, sequence number),
 * both 8 bytes big-endian; the highest sequence number is written in the same batch into {@link
 * ColumnFamily#JOURNAL_HIGHEST} and survives deletes, as Akka requires. Each call's writes, with
 * whatever the registered {@link JournalIndexer}s derive from the events, go to the group committer
 * as one unit, so they are atomic and acknowledged only once synced.
 */
public final class RocksDbJournal extends AsyncWriteJournal {
  private final RocksDbStorage storage = RocksDbStorage.get(Adapter.toTyped(context().system()));
  private final Serialization serialization = SerializationExtension.get(context().system());
  private final Executor replayExecutor =
      context().system().dispatchers().lookup(StorageSettings.BLOCKING_DISPATCHER);

  private record Prepared(
      PersistenceIds.Allocation allocation, List<byte[]> serialized, List<BatchOps> derived, long lowest, long highest) {}

  @Override
  public Future<Iterable<Optional<Exception>>> doAsyncWriteMessages(Iterable<AtomicWrite> messages) {
    List<Optional<Exception>> results = new ArrayList<>();
    List<Prepared> accepted = new ArrayList<>();
    for (AtomicWrite write : messages) {
      try {
        List<byte[]> serialized = new ArrayList<>();
        List<BatchOps> derived = new ArrayList<>();
        for (PersistentRepr repr : CollectionConverters.asJava(write.payload())) {
          serialized.add(serialization.serialize(repr).get());
          derived.addAll(storage.indexJournaledEvent(write.persistenceId(), repr.payload()));
        }
        PersistenceIds.Allocation allocation = storage.persistenceIds().findOrAllocate(write.persistenceId());
        accepted.add(new Prepared(allocation, serialized, derived, write.lowestSequenceNr(), write.highestSequenceNr()));
        results.add(Optional.empty());
      } catch (Exception e) {
        // A write that cannot be serialized is rejected alone; Akka tells its entity.
        results.add(Optional.of(e));
      }
    }
    if (accepted.isEmpty()) {
      return FutureConverters.asScala(CompletableFuture.completedFuture(results));
    }
    ColumnFamilyHandle journal = storage.handle(ColumnFamily.JOURNAL);
    ColumnFamilyHandle highest = storage.handle(ColumnFamily.JOURNAL_HIGHEST);
    CompletionStage<Iterable<Optional<Exception>>> written =
        storage
            .write(
                batch -> {
                  for (Prepared p : accepted) {
                    p.allocation().writeTo(batch, storage);
                    long id = p.allocation().id();
                    long seq = p.lowest();
                    for (byte[] event : p.serialized()) {
                      batch.put(journal, Keys.ofLongs(id, seq++), event);
                    }
                    for (BatchOps ops : p.derived()) {
                      ops.writeTo(batch);
                    }
                    batch.put(highest, Keys.ofLong(id), Keys.ofLong(p.highest()));
                  }
                })
            .thenApply(
                done -> {
                  accepted.forEach(p -> storage.persistenceIds().confirm(p.allocation()));
                  return results;
                });
    return FutureConverters.asScala(written);
  }

  @Override
  public Future<Void> doAsyncDeleteMessagesTo(String persistenceId, long toSequenceNr) {
    OptionalLong id = storage.persistenceIds().find(persistenceId);
    if (id.isEmpty()) {
      return FutureConverters.asScala(CompletableFuture.completedFuture(null));
    }
    long upTo = Math.min(toSequenceNr, highestSequenceNr(id.getAsLong()));
    ColumnFamilyHandle journal = storage.handle(ColumnFamily.JOURNAL);
    return FutureConverters.asScala(
        storage.write(
            batch ->
                batch.deleteRange(
                    journal, Keys.ofLongs(id.getAsLong(), 0), Keys.ofLongs(id.getAsLong(), upTo + 1))));
  }

  @Override
  public Future<Void> doAsyncReplayMessages(
      String persistenceId,
      long fromSequenceNr,
      long toSequenceNr,
      long max,
      Consumer<PersistentRepr> replayCallback) {
    return onReplayExecutor(
        () -> {
          OptionalLong id = storage.persistenceIds().find(persistenceId);
          if (id.isPresent()) {
            forEachEvent(storage, serialization, id.getAsLong(), fromSequenceNr, toSequenceNr, max, replayCallback);
          }
          return null;
        });
  }

  @Override
  public Future<Long> doAsyncReadHighestSequenceNr(String persistenceId, long fromSequenceNr) {
    return onReplayExecutor(
        () -> {
          OptionalLong id = storage.persistenceIds().find(persistenceId);
          return id.isPresent() ? highestSequenceNr(id.getAsLong()) : 0L;
        });
  }

  private long highestSequenceNr(long id) {
    byte[] stored = storage.get(ColumnFamily.JOURNAL_HIGHEST, Keys.ofLong(id));
    return stored == null ? 0L : Keys.toLong(stored);
  }

  private <T> Future<T> onReplayExecutor(Supplier<T> work) {
    return FutureConverters.asScala(CompletableFuture.supplyAsync(work, replayExecutor));
  }

  /** Reads events of one persistence id in sequence order; shared with the query side. */
  static void forEachEvent(
      RocksDbStorage storage,
      Serialization serialization,
      long id,
      long fromSequenceNr,
      long toSequenceNr,
      long max,
      Consumer<PersistentRepr> callback) {
    long delivered = 0;
    try (RocksIterator it = storage.iterator(ColumnFamily.JOURNAL)) {
      for (it.seek(Keys.ofLongs(id, Math.max(0, fromSequenceNr)));
          it.isValid() && delivered < max;
          it.next()) {
        byte[] key = it.key();
        if (Keys.toLong(key) != id || Keys.secondLong(key) > toSequenceNr) {
          break;
        }
        callback.accept(serialization.deserialize(it.value(), PersistentRepr.class).get());
        delivered++;
      }
    }
  }
}
