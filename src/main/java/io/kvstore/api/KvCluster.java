package io.kvstore.api;

import java.util.List;
import java.util.Optional;
import java.util.SortedMap;
import java.util.concurrent.CompletionStage;

/**
 * What operators see and do on a node's cluster ({@code /api/v1/cluster}, RESP's INFO, the admin
 * CLI, and in-JVM applications): status, the partition map, repair, join, leave and retire.
 */
public interface KvCluster {

  /**
   * @param status up, suspect (unreachable), joining, leaving, exiting, down
   * @param load the replicas this node holds relative to an even share (1.0 = even)
   * @param stats the node's own figures; null when it did not answer in time
   */
  record NodeStatus(String id, String address, String status, double load, int partitions, int primaries, NodeStats stats) {}

  /** A node's replica store as it reports it. */
  record NodeStats(long keys, int partitionsReady, long hintsPending, long hintsDropped, long conflictsResolved) {}

  /** An earlier ring that replicas still catching up compare with, by version and members. */
  record EarlierRing(long version, List<String> nodes) {}

  /**
   * @param totalKeys distinct keys, estimated from the replicas' counts divided by N
   * @param retiredNodes node ids removed for good, sorted
   * @param unsettledRings earlier rings whose replicas catching-up replicas still compare with
   */
  record Status(
      long ringVersion,
      int partitions,
      int replicationFactor,
      List<NodeStatus> nodes,
      long totalKeys,
      List<String> retiredNodes,
      List<EarlierRing> unsettledRings) {}

  /** How a member is removed: it leaves gracefully, or is marked down (forced, or unreachable). */
  enum Removal {
    LEAVE,
    DOWN
  }

  /** Whether a replica's reads count toward quorums. */
  enum Readiness {
    READY,
    /** Anti-entropy has not yet compared it with enough of the partition's other replicas. */
    CATCHING_UP,
    /** Its node did not answer in time. */
    UNKNOWN
  }

  /**
   * @param replicas in ring order: the first is the primary
   * @param readiness of each replica, in the order of {@code replicas}
   * @param entityOwner the node whose shard region runs the partition's key entities (where its
   *     writes go); null when no node that answered runs them
   */
  record PartitionStatus(int partition, List<String> replicas, List<Readiness> readiness, String entityOwner) {}

  /**
   * @param unanswered ring nodes that did not answer in time: their readiness is unknown, and
   *     they may run the shards no other node reported
   */
  record Partitions(long ringVersion, List<PartitionStatus> partitions, List<String> unanswered) {}

  /** @param partitions how many partitions the pass compares with their other replicas */
  record RepairStarted(String nodeId, int partitions) {}

  /** @param unanswered nodes asked to repair that did not answer in time (they may have started) */
  record Repair(List<RepairStarted> started, List<String> unanswered) {}

  /** This node's Merkle roots, one per partition it replicates, as of one ring version. */
  record MerkleRoots(String nodeId, long ringVersion, SortedMap<Integer, Long> roots) {}

  CompletionStage<Status> status();

  /**
   * Every partition's replicas, entity owner and replica readiness, as the ring's nodes report
   * them within the request timeout.
   */
  CompletionStage<Partitions> partitions();

  /**
   * Starts an anti-entropy pass now, rather than at the background's pace: every partition a node
   * replicates compared with its other replicas, differing buckets exchanged both ways.
   *
   * @param everyNode on every node of the ring, not only this one
   */
  CompletionStage<Repair> repair(boolean everyNode);

  /**
   * Diagnostics: the root of every partition this node replicates. Replicas that agree on a
   * partition's root hold the same registers for it. Scans this node's whole replica store.
   */
  CompletionStage<MerkleRoots> merkleRoots();

  /**
   * Makes this node, started to await a join, join the cluster of the node at {@code hostAndPort}
   * (its Akka remoting address, or {@code akka://system@host:port}).
   *
   * @return the full address being joined
   * @throws InvalidRequestException for a malformed address, a node already a member, or one
   *     already joining that address
   */
  String join(String hostAndPort);

  /**
   * Asks a member to leave gracefully without retiring it: it exits (as on SIGTERM) and may join
   * again later under the same node id, with its data.
   *
   * @return false when no member has that node id
   */
  boolean leave(String nodeId);

  /**
   * Removes a member for good (its node id is retired and never again in the ring).
   *
   * @return empty when no member has that node id
   */
  Optional<Removal> remove(String nodeId, boolean force);
}
