package io.kvstore.cluster;

import io.kvstore.api.KvCluster;
import io.kvstore.ring.Ring;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The partition map, from what each node of the ring reports about itself: the replicas it is
 * ready for and the shards its region runs. Only a node knows either of its own: readiness is
 * this node's anti-entropy's verdict, and Akka's coordinator, which knows where it allocated each
 * shard, offers no query of it that survives a silent member (its cluster-wide statistics come
 * back empty when one region does not answer).
 */
final class PartitionMap {
  private PartitionMap() {}

  /** What one node said about itself. */
  record Report(Set<Integer> ready, Set<Integer> hosted) {}

  /** @param reports by node id, of the nodes that answered; the others' readiness is unknown */
  static List<KvCluster.PartitionStatus> of(Ring.Placement placement, Map<String, Report> reports) {
    List<KvCluster.PartitionStatus> partitions = new ArrayList<>();
    for (int partition = 0; partition < placement.ring().partitions(); partition++) {
      List<String> replicas = placement.replicas(partition);
      int p = partition;
      List<KvCluster.Readiness> readiness =
          replicas.stream().map(node -> readiness(reports.get(node), p)).toList();
      partitions.add(new KvCluster.PartitionStatus(partition, replicas, readiness, owner(replicas, reports, partition)));
    }
    return partitions;
  }

  private static KvCluster.Readiness readiness(Report report, int partition) {
    if (report == null) {
      return KvCluster.Readiness.UNKNOWN;
    }
    return report.ready().contains(partition) ? KvCluster.Readiness.READY : KvCluster.Readiness.CATCHING_UP;
  }

  /**
   * The node whose region runs the partition's shard; null when none that answered does. Cluster
   * Sharding runs a shard in one region at a time, but the answers are collected over some
   * milliseconds, during which a rebalance may have moved it. Should two nodes claim it, the
   * replica earliest in ring order wins: rebalancing moves shards toward the first reachable
   * replica, so that is the newer of the two.
   */
  static String owner(List<String> replicas, Map<String, Report> reports, int partition) {
    Comparator<String> ringOrder =
        Comparator.comparingInt((String node) -> replicas.contains(node) ? replicas.indexOf(node) : replicas.size())
            .thenComparing(Comparator.naturalOrder());
    return reports.entrySet().stream()
        .filter(report -> report.getValue().hosted().contains(partition))
        .map(Map.Entry::getKey)
        .min(ringOrder)
        .orElse(null);
  }
}
