package io.kvstore.replica;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * {@code kvstore.replication}, parsed once.
 *
 * @param factor N: replicas per partition
 * @param requestTimeout how long a write waits for W replicas, or a read for R, before 503
 * @param recoveryRetry how soon a key entity retries its start-up read quorum after a failure
 * @param antiEntropyInterval between two partitions' background Merkle comparisons
 * @param syncParallelism partitions synced at once while catching up (start-up, ring change)
 * @param maxHintsPerNode hints kept for one unavailable node; beyond it anti-entropy repairs
 * @param hintReplayInterval how often hints are offered to nodes that are back
 * @param tombstoneGrace how long a tombstone is kept before it may be collected
 * @param transferBatchBytes how much register data one bulk message (an anti-entropy page, a hint
 *     replay batch, a batch of replicated writes) carries at most, unless one register is larger
 */
public record ReplicationSettings(
    int factor,
    Duration requestTimeout,
    Duration recoveryRetry,
    Duration antiEntropyInterval,
    int syncParallelism,
    int maxHintsPerNode,
    Duration hintReplayInterval,
    int hintReplayBatch,
    Duration tombstoneGrace,
    long transferBatchBytes) {

  public static ReplicationSettings fromConfig(Config replication) {
    return new ReplicationSettings(
        replication.getInt("factor"),
        replication.getDuration("request-timeout"),
        replication.getDuration("recovery-retry"),
        replication.getDuration("anti-entropy.interval"),
        replication.getInt("anti-entropy.sync-parallelism"),
        replication.getInt("hints.max-per-node"),
        replication.getDuration("hints.replay-interval"),
        replication.getInt("hints.replay-batch"),
        replication.getDuration("tombstone-grace"),
        replication.getBytes("transfer-batch-bytes"));
  }
}
