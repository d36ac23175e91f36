package io.kvstore.api;

import java.util.List;
import java.util.Optional;
import java.util.SortedMap;
import java.util.concurrent.CompletionStage;

/**
 * What operators see and do on a node's cluster ({@code /api/v1/cluster}, RESP's INFO, and
 * in-JVM applications): status, join, leave and down.
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

  /** This node's Merkle roots, one per partition it replicates, as of one ring version. */
  record MerkleRoots(String nodeId, long ringVersion, SortedMap<Integer, Long> roots) {}

  CompletionStage<Status> status();

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
   * Removes a member for good (its node id is retired and never again in the ring).
   *
   * @return empty when no member has that node id
   */
  Optional<Removal> remove(String nodeId, boolean force);
}
