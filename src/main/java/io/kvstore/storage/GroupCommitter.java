package io.kvstore.storage;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Combines the writes of many concurrent callers into one {@link WriteBatch} and one sync.
 *
 * <p>A single thread drains the queue: whatever arrived while the previous batch was being synced
 * forms the next batch, so batches grow with load and an fsync (~0.6 ms here) is paid once for
 * all of them. A caller's future completes only after its batch is on disk (when sync is on).
 *
 * <p>After a failed write (a full disk puts RocksDB into a read-only error state) the store is
 * marked unavailable and callers fail fast with a clear error instead of waiting for timeouts;
 * the thread probes with a small write until RocksDB (whose SstFileManager watches free space)
 * has recovered.
 */
final class GroupCommitter implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(GroupCommitter.class);

  private record Pending(BatchOps ops, CompletableFuture<Void> done) {}

  private final RocksDB db;
  private final WriteOptions writeOptions;
  private final int maxBatchWrites;
  private final long probeIntervalMillis;
  private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
  private final Thread thread;
  private final AtomicLong batches = new AtomicLong();
  private final AtomicLong writes = new AtomicLong();
  private volatile boolean available = true;
  private volatile String unavailableReason = "";
  private volatile boolean running = true;

  GroupCommitter(RocksDB db, StorageSettings settings) {
    this.db = db;
    this.writeOptions = new WriteOptions().setSync(settings.syncBeforeAck());
    this.maxBatchWrites = settings.maxBatchWrites();
    this.probeIntervalMillis = settings.recoveryProbeInterval().toMillis();
    this.thread = new Thread(this::run, "kvstore-group-commit");
    thread.setDaemon(true);
    thread.start();
  }

  CompletionStage<Void> submit(BatchOps ops) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    if (!running) {
      done.completeExceptionally(new StorageUnavailableException("storage is closed"));
    } else if (!available) {
      done.completeExceptionally(new StorageUnavailableException(unavailableReason));
    } else {
      queue.add(new Pending(ops, done));
    }
    return done;
  }

  boolean isAvailable() {
    return available;
  }

  String unavailableReason() {
    return unavailableReason;
  }

  /** Batches committed and writes in them since start: their ratio is the group-commit factor. */
  long batchCount() {
    return batches.get();
  }

  long writeCount() {
    return writes.get();
  }

  private void run() {
    List<Pending> group = new ArrayList<>();
    while (running) {
      try {
        Pending first = queue.poll(probeIntervalMillis, TimeUnit.MILLISECONDS);
        if (!available) {
          probe();
        }
        if (first == null) {
          continue;
        }
        group.add(first);
        queue.drainTo(group, maxBatchWrites - 1);
        commit(group);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      } catch (RuntimeException e) {
        log.error("group commit loop failed", e);
      } finally {
        group.clear();
      }
    }
    failAll(queue, new StorageUnavailableException("storage is closed"));
  }

  private void commit(List<Pending> group) {
    if (!available) {
      failAll(group, new StorageUnavailableException(unavailableReason));
      return;
    }
    List<Pending> accepted = new ArrayList<>(group.size());
    try (WriteBatch batch = new WriteBatch()) {
      for (Pending pending : group) {
        // A savepoint per caller keeps a caller whose ops fail from leaving half its writes behind.
        batch.setSavePoint();
        try {
          pending.ops().writeTo(batch);
          accepted.add(pending);
        } catch (RocksDBException | RuntimeException e) {
          batch.rollbackToSavePoint();
          pending.done().completeExceptionally(e);
        }
      }
      if (accepted.isEmpty()) {
        return;
      }
      db.write(writeOptions, batch);
      batches.incrementAndGet();
      writes.addAndGet(accepted.size());
      accepted.forEach(p -> p.done().complete(null));
    } catch (RocksDBException e) {
      markUnavailable(e);
      failAll(accepted, new StorageUnavailableException(unavailableReason, e));
    }
  }

  private void markUnavailable(RocksDBException e) {
    String status = e.getStatus() == null ? "" : " (" + e.getStatus().getCodeString() + ")";
    unavailableReason = "storage write failed" + status + ": " + e.getMessage();
    available = false;
    log.error("storage became unavailable: {}", unavailableReason);
  }

  private void probe() {
    try {
      try (WriteBatch probe = new WriteBatch()) {
        probe.put(Keys.utf8("storage-probe"), Keys.ofLong(System.currentTimeMillis()));
        db.write(writeOptions, probe);
      }
      available = true;
      unavailableReason = "";
      log.info("storage is writable again");
    } catch (RocksDBException e) {
      log.debug("storage still unavailable: {}", e.getMessage());
    }
  }

  private static void failAll(Iterable<Pending> pending, Exception cause) {
    for (Pending p : pending) {
      p.done().completeExceptionally(cause);
    }
  }

  @Override
  public void close() {
    running = false;
    thread.interrupt();
    try {
      thread.join(TimeUnit.SECONDS.toMillis(10));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    writeOptions.close();
  }
}
