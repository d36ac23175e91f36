package io.kvstore.storage;

import com.typesafe.config.Config;
import java.nio.file.Path;
import java.time.Duration;

/** {@code kvstore.storage}, parsed once. */
public record StorageSettings(
    Path directory,
    boolean syncBeforeAck,
    int maxBatchWrites,
    Duration recoveryProbeInterval,
    int persistenceIdCacheSize,
    long blockCacheBytes,
    long writeBufferBytes,
    long minFreeSpaceBytes) {

  /** Where calls into RocksDB that may block (reads, syncs, scans) run, off Akka's own threads. */
  public static final String BLOCKING_DISPATCHER = "kvstore.storage.blocking-dispatcher";

  public static StorageSettings fromConfig(Config storage) {
    String sync = storage.getString("sync");
    if (!sync.equals("always") && !sync.equals("never")) {
      throw new IllegalArgumentException("kvstore.storage.sync must be 'always' or 'never', was " + sync);
    }
    return new StorageSettings(
        Path.of(storage.getString("directory")),
        sync.equals("always"),
        storage.getInt("max-batch-writes"),
        storage.getDuration("recovery-probe-interval"),
        storage.getInt("persistence-id-cache-size"),
        storage.getBytes("block-cache-size"),
        storage.getBytes("write-buffer-size"),
        storage.getBytes("min-free-space"));
  }
}
