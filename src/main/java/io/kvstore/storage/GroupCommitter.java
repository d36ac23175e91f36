package io.kvstore.storage;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
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
 * <p>A full disk is refused before RocksDB sees it: below {@code min-free-space} no batch is
 * written, callers fail fast with a clear error, and writes resume by themselves once space is
 * freed. This matters because a write that hits ENOSPC puts RocksDB into a read-only error state
 * that RocksJava offers no way to leave ({@code DB::Resume} is not exposed): such a failure, like
 * any other write error, is fatal for this process, which reports itself not alive so that its
 * supervisor restarts it (recovery from the WAL loses nothing acknowledged).
 */
final class GroupCommitter implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(GroupCommitter.class);

  private record Pending(BatchOps ops, CompletableFuture<Void> done) {}

  private final RocksDB db;
  private final WriteOptions writeOptions;
  private final int maxBatchWrites;
  private final Runnable onUnavailable;
  private final long probeIntervalMillis;
  private final long minFreeSpaceBytes;
  private final LongSupplier usableSpaceBytes;
  private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
  private final Thread thread;
  private final AtomicLong batches = new AtomicLong();
  private final AtomicLong writes = new AtomicLong();
  private volatile boolean available = true;
  private volatile String unavailableReason = "";
  private volatile boolean failed;
  private volatile boolean running = true;

  /** @param onUnavailable run on the commit thread each time writes start being refused */
  GroupCommitter(
      RocksDB db, StorageSettings settings, LongSupplier usableSpaceBytes, Runnable onUnavailable) {
    this.db = db;
    this.onUnavailable = onUnavailable;
    this.minFreeSpaceBytes = settings.minFreeSpaceBytes();
    this.usableSpaceBytes = usableSpaceBytes;
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

  /** RocksDB refused a write: this process cannot write again and should be restarted. */
  boolean hasFailed() {
    return failed;
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
        if (!available && !failed && hasFreeSpace()) {
          available = true;
          unavailableReason = "";
          log.info("disk space is available again; accepting writes");
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
    if (available && !hasFreeSpace()) {
      refuseWrites(
          "disk full: " + usableSpaceBytes.getAsLong() + " bytes free, below kvstore.storage.min-free-space ("
              + minFreeSpaceBytes + " bytes)",
          false);
    }
    if (!available) {
      failAll(group, new StorageUnavailableException(unavailableReason));
      return;
    }
    List<Pending> accepted = new ArrayList<>(group.size());
    try (WriteBatch writeBatch = new WriteBatch()) {
      Batch batch = new Batch(db, writeBatch);
      for (Pending pending : group) {
        // A savepoint per caller keeps a caller whose ops fail from leaving half its writes behind.
        batch.begin();
        try {
          pending.ops().writeTo(batch);
          batch.accept();
          accepted.add(pending);
        } catch (RocksDBException | RuntimeException e) {
          batch.rollback();
          pending.done().completeExceptionally(e);
        }
      }
      if (accepted.isEmpty()) {
        return;
      }
      db.write(writeOptions, writeBatch);
      batches.incrementAndGet();
      writes.addAndGet(accepted.size());
      accepted.forEach(p -> p.done().complete(null));
    } catch (RocksDBException e) {
      String status = e.getStatus() == null ? "" : " (" + e.getStatus().getCodeString() + ")";
      refuseWrites("storage write failed" + status + ": " + e.getMessage() + "; restart the node", true);
      failAll(accepted, new StorageUnavailableException(unavailableReason, e));
    }
  }

  /** @param fatal RocksDB itself failed: no recovery in this process, only a restart */
  private void refuseWrites(String reason, boolean fatal) {
    unavailableReason = reason;
    failed = fatal;
    available = false;
    log.error("refusing writes{}: {}", fatal ? " until the node is restarted" : "", reason);
    onUnavailable.run();
  }

  private boolean hasFreeSpace() {
    return usableSpaceBytes.getAsLong() >= minFreeSpaceBytes;
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
