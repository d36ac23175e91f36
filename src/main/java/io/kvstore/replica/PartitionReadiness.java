package io.kvstore.replica;

import java.util.BitSet;
import java.util.Collection;

/**
 * Which partitions this node's replica store may answer reads for. A replica that has just
 * started, or just become a replica of a partition, may have missed writes: until anti-entropy
 * has compared it with the partition's other replicas its answers do not count toward a read
 * quorum, so no read can return a value older than a completed QUORUM write.
 */
public final class PartitionReadiness {
  private final BitSet ready;
  private final int partitions;

  public PartitionReadiness(int partitions) {
    this.partitions = partitions;
    this.ready = new BitSet(partitions);
  }

  public synchronized boolean isReady(int partition) {
    return ready.get(partition);
  }

  public synchronized void markReady(int partition) {
    ready.set(partition);
  }

  public synchronized void markNotReady(Collection<Integer> acquired) {
    acquired.forEach(ready::clear);
  }

  public synchronized int readyCount() {
    return ready.cardinality();
  }

  public int partitions() {
    return partitions;
  }
}
