package io.kvstore.cluster;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.cluster.sharding.ShardRegion;
import akka.cluster.sharding.typed.GetShardRegionState;
import akka.cluster.sharding.typed.javadsl.ClusterSharding;
import io.kvstore.api.Consistency;
import io.kvstore.api.KvCluster;
import io.kvstore.api.WriteOptions;
import io.kvstore.entity.KeyEntity;
import io.kvstore.node.KvNode;
import io.kvstore.replica.ReplicaStore;
import io.kvstore.ring.Partitioner;
import io.kvstore.ring.Ring;
import io.kvstore.testing.Eventually;
import io.kvstore.testing.InJvmCluster;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Three nodes in one JVM (real RocksDB, real Artery): ring, placement, quorums, failure. */
class InJvmClusterTest {
  private static final int PARTITIONS = 64;

  @TempDir Path directory;
  private InJvmCluster fixture;

  @AfterEach
  void stop() {
    if (fixture != null) {
      fixture.close();
    }
  }

  private List<KvNode> startCluster(int size) throws Exception {
    return startCluster(size, Map.of());
  }

  private List<KvNode> startCluster(int size, Map<String, Object> extraConfig) throws Exception {
    fixture = InJvmCluster.start(directory, size, PARTITIONS, extraConfig);
    return fixture.nodes();
  }

  private static void writeOneKeyPerPartition(List<KvNode> cluster) {
    CompletableFuture.allOf(
            keyPerPartition().stream()
                .map(k -> cluster.get(k.hashCode() & 1).store().put(k, bytes("v-" + k)).toCompletableFuture())
                .toArray(CompletableFuture[]::new))
        .join();
  }

  /**
   * Each node runs only shards of partitions it replicates (under the ring it has now).
   *
   * @return the partitions whose shards run somewhere
   */
  private static Set<Integer> assertEveryShardRunsOnAReplica(List<KvNode> cluster) {
    Set<Integer> running = new HashSet<>();
    for (KvNode node : cluster) {
      for (int partition : hostedShards(node)) {
        assertTrue(
            node.topology().placement().replicas(partition).contains(node.settings().nodeId()),
            "partition " + partition + " runs on " + node.settings().nodeId());
        running.add(partition);
      }
    }
    return running;
  }

  /** The partitions whose shards the node's own region runs. */
  private static Set<Integer> hostedShards(KvNode node) {
    TestProbe<ShardRegion.CurrentShardRegionState> probe = TestProbe.create(node.system());
    ClusterSharding.get(node.system()).shardState().tell(new GetShardRegionState(KeyEntity.TYPE_KEY, probe.ref()));
    Set<Integer> hosted = new HashSet<>();
    probe.receiveMessage().getShards().forEach(shard -> hosted.add(Integer.parseInt(shard.shardId())));
    return hosted;
  }

  private static List<String> keyPerPartition() {
    return new Partitioner(PARTITIONS).keyPerPartition("key-");
  }


  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void everyShardRunsOnItsPrimaryBeforeTheClusterReportsReadyWithoutAnyRequest() throws Exception {
    List<KvNode> cluster = startCluster(3, Map.of("kvstore.cluster.shard-warmup.enabled", true));

    // On the primary, not just on some replica: a shard elsewhere would be rebalanced right after
    // readiness, and requests to it would wait for the hand-off.
    for (KvNode node : cluster) {
      Set<Integer> primaries =
          new HashSet<>(ShardWarmer.primaryPartitions(node.topology().placement(), node.settings().nodeId()));
      assertEquals(primaries, hostedShards(node), node.settings().nodeId());
    }
    assertEquals(PARTITIONS, assertEveryShardRunsOnAReplica(cluster).size());
  }

  @Test
  void everyPartitionsEntityRunsOnOneOfItsReplicasAndQuorumWritesReachEveryReplica() throws Exception {
    List<KvNode> cluster = startCluster(3);
    List<String> keys = keyPerPartition();
    writeOneKeyPerPartition(cluster);

    assertEveryShardRunsOnAReplica(cluster);
    // N = 3 on 3 nodes: every node's replica store gets every key (W = 2 acknowledged, all 3 sent).
    Eventually.within(
        Duration.ofSeconds(10),
        () -> {
          for (KvNode node : cluster) {
            ReplicaStore store = node.replicas();
            for (String key : keys) {
              assertArrayEquals(bytes("v-" + key), store.get(key).orElseThrow().value(), key + " on " + node.settings().nodeId());
            }
          }
        });
    for (Consistency level : Consistency.values()) {
      assertArrayEquals(
          bytes("v-" + keys.get(5)),
          cluster.get(2).store().get(keys.get(5), level).toCompletableFuture().join().orElseThrow().value());
    }
  }

  @Test
  void afterANodeFailsEveryPartitionRunsOnASurvivingReplicaAndTakesQuorumWrites() throws Exception {
    List<KvNode> cluster = startCluster(3);
    writeOneKeyPerPartition(cluster);
    KvNode gone = cluster.get(2);
    fixture.stop(gone);
    KvNode survivor = cluster.get(0);
    // Once the failure detector and the split brain resolver have acted, the ring shrinks to two.
    Eventually.within(
        Duration.ofSeconds(40),
        () -> assertEquals(List.of("node1", "node2"), survivor.topology().placement().ring().nodes()));
    List<KvNode> survivors = List.of(cluster.get(0), cluster.get(1));
    Eventually.within(Duration.ofSeconds(30), () -> survivors.forEach(n -> assertEquals(List.of(), n.notReadyReasons())));
    // Both survivors caught up under the two-node ring: it settles, keeping its members.
    Eventually.within(
        Duration.ofSeconds(30),
        () ->
            survivors.forEach(
                n -> {
                  Ring ring = n.topology().placement().ring();
                  assertEquals(List.of(), ring.unsettled(), "ring v" + ring.version());
                  assertEquals(List.of("node1", "node2"), ring.nodes());
                }));
    writeOneKeyPerPartition(survivors);
    // Rebalancing runs every 2 s: shards that lived on the lost node or whose primary changed
    // end up on replicas under the new ring.
    Eventually.within(Duration.ofSeconds(30), () -> assertEveryShardRunsOnAReplica(survivors));
    for (String key : keyPerPartition()) {
      assertArrayEquals(
          bytes("v-" + key),
          cluster.get(1).store().get(key, Consistency.QUORUM).toCompletableFuture().join().orElseThrow().value());
    }
  }

  @Test
  void aRemovedNodesIdIsRetiredAndPrunedFromTheVersionVectorsOfKeysWrittenSince() throws Exception {
    List<KvNode> cluster = startCluster(3);
    KvNode first = cluster.get(0);
    // Once node3 runs its share of the shards (rebalancing may still be moving them), keys it
    // owns carry its writes in their vectors.
    Eventually.within(
        Duration.ofSeconds(30),
        () -> {
          writeOneKeyPerPartition(cluster);
          assertTrue(keysWhoseVectorsName(first, "node3") > 0, "node3 wrote no key");
        });

    assertEquals(Optional.of(KvCluster.Removal.LEAVE), first.admin().remove("node3", false));

    List<KvNode> remaining = List.of(first, cluster.get(1));
    Eventually.within(
        Duration.ofSeconds(40),
        () -> remaining.forEach(n -> assertEquals(List.of("node1", "node2"), n.topology().placement().ring().nodes())));
    Eventually.within(
        Duration.ofSeconds(10),
        () -> assertEquals(List.of("node3"), first.admin().status().toCompletableFuture().join().retiredNodes()));
    Eventually.within(Duration.ofSeconds(30), () -> remaining.forEach(n -> assertEquals(List.of(), n.notReadyReasons())));
    writeOneKeyPerPartition(remaining);
    Eventually.within(
        Duration.ofSeconds(10),
        () -> remaining.forEach(n -> assertEquals(0, keysWhoseVectorsName(n, "node3"), n.settings().nodeId())));
    // One writer at a time per key: a pruned vector must not look concurrent with an unpruned one.
    remaining.forEach(n -> assertEquals(0, n.replicas().conflictsResolved(), n.settings().nodeId()));
  }

  private static long keysWhoseVectorsName(KvNode node, String nodeId) {
    return keyPerPartition().stream()
        .map(key -> node.replicas().get(key).orElseThrow().version().entries())
        .filter(entries -> entries.containsKey(nodeId))
        .count();
  }

  @Test
  void theLargestAllowedValueReachesEveryReplicaAndReadsBackAtEveryLevel() throws Exception {
    List<KvNode> cluster = startCluster(3);
    byte[] largest = new byte[cluster.get(0).settings().limits().maxValueBytes()];
    new java.util.Random(20261123).nextBytes(largest);

    // ALL: acknowledged only once both other nodes' replicas have it, which takes a remote message
    // larger than Akka's default frame.
    cluster.get(0).store().put("large", largest, WriteOptions.defaults().withConsistency(Consistency.ALL))
        .toCompletableFuture().join();

    for (Consistency level : Consistency.values()) {
      assertArrayEquals(
          largest, cluster.get(2).store().get("large", level).toCompletableFuture().join().orElseThrow().value(), level.name());
    }
  }

  @Test
  void aValueExpiresOnEveryReplicaThroughItsPartitionsPrimary() throws Exception {
    // Other replicas would step in only after an hour: the primary's sweep must do it.
    List<KvNode> cluster = startCluster(3, Map.of("kvstore.ttl.sweep-interval", "200ms", "kvstore.ttl.takeover-after", "1h"));
    cluster.get(1).store().put("ephemeral", bytes("soon gone"), WriteOptions.defaults().withTtl(Duration.ofSeconds(1)))
        .toCompletableFuture().join();

    Eventually.within(
        Duration.ofSeconds(20),
        () -> {
          for (KvNode node : cluster) {
            assertTrue(
                node.replicas().get("ephemeral").orElseThrow().tombstone(),
                "expired into a tombstone on " + node.settings().nodeId());
          }
        });
    assertTrue(cluster.get(2).store().get("ephemeral", Consistency.ALL).toCompletableFuture().join().isEmpty());
  }
}
