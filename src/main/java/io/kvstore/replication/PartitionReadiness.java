package io.kvstore.replication;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * Which partitions this node's replica store may answer reads for. A replica that has just
 * started, or just become a replica of a partition, may have missed writes: until anti-entropy
 * has compared it with the partition's other replicas its answers do not count toward a read
 * quorum, so no read can return a value older than a completed QUORUM write.
 *
 * <p>Comparing with the current replicas is not enough when the ring changes: a write
 * acknowledged under the previous ring is on a majority of that ring's replicas, which may all
 * be gone from the new one (the split brain resolver downed a minority side that held two of a
 * partition's three replicas and took QUORUM writes before it was downed). So a partition this
 * node gains at a ring change also owes the previous ring's replicas a sync: with enough of them
 * that, with this node if it was one, they make a majority. Only peers that were ready
 * themselves count, so a chain of ring changes cannot pass a missed write along. Until then the
 * partition does not count toward read quorums here, and where no read quorum is left its keys
 * answer 503: unavailable until a majority of its former replicas is back, or an operator
 * retires the missing ones.
 */
public final class PartitionReadiness {
  /** Former replicas of a partition, of which {@code needed} ready ones must be synced with. */
  record FormerReplicas(Set<String> members, int needed) {
    static FormerReplicas of(Collection<String> replicas, String self) {
      int majority = replicas.size() / 2 + 1;
      boolean selfWasOne = replicas.contains(self);
      Set<String> others = Set.copyOf(replicas.stream().filter(node -> !node.equals(self)).toList());
      return new FormerReplicas(others, selfWasOne ? majority - 1 : majority);
    }

    /** Retired members count as synced: an operator who retires a node gives up what only it held. */
    boolean metBy(Set<String> syncedReadyPeers, Predicate<String> retired) {
      return members.stream().filter(member -> syncedReadyPeers.contains(member) || retired.test(member)).count() >= needed;
    }
  }

  private final BitSet ready;
  private final int partitions;
  private final Map<Integer, List<FormerReplicas>> owed = new HashMap<>();

  public PartitionReadiness(int partitions) {
    this.partitions = partitions;
    this.ready = new BitSet(partitions);
  }

  public synchronized boolean isReady(int partition) {
    return ready.get(partition);
  }

  public synchronized void markReady(int partition) {
    ready.set(partition);
    owed.remove(partition);
  }

  public synchronized void markNotReady(Collection<Integer> acquired) {
    acquired.forEach(ready::clear);
  }

  /**
   * The ring changed and this node replicates the partition without being ready for it: if it
   * has just gained the partition, or still owes former replicas from an earlier change, it now
   * also owes a sync with the previous ring's replicas. Nothing is owed to an empty previous
   * ring (a node's first), nor by a partition only catching up since this node started: after a
   * full-cluster restart every node is catching up, and requiring ready peers there would leave
   * them all waiting for each other; their current replicas are what they compare with.
   */
  public synchronized void owePreviousReplicas(
      int partition, Collection<String> previousReplicas, String self, boolean gained) {
    if (!ready.get(partition) && !previousReplicas.isEmpty() && (gained || owed.containsKey(partition))) {
      FormerReplicas former = FormerReplicas.of(previousReplicas, self);
      if (former.needed() > 0) {
        owed.computeIfAbsent(partition, p -> new ArrayList<>()).add(former);
      }
    }
  }

  /** Former replicas the partition still owes a sync with, beyond its current ones. */
  public synchronized Set<String> formerReplicas(int partition) {
    return owed.getOrDefault(partition, List.of()).stream()
        .flatMap(former -> former.members().stream())
        .collect(Collectors.toUnmodifiableSet());
  }

  /** Whether a sync with these ready peers pays what the partition owes to former rings. */
  public synchronized boolean formerReplicasMetBy(int partition, Set<String> syncedReadyPeers, Predicate<String> retired) {
    return owed.getOrDefault(partition, List.of()).stream().allMatch(former -> former.metBy(syncedReadyPeers, retired));
  }

  public synchronized int readyCount() {
    return ready.cardinality();
  }

  public int partitions() {
    return partitions;
  }
}
