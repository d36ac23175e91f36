package io.kvstore.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kvstore.crdt.HlcTimestamp;
import io.kvstore.crdt.Register;
import io.kvstore.replica.ReplicaStore;
import io.kvstore.ring.Partitioner;
import io.kvstore.testing.InJvmCluster;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A graceful stop hands the node's partitions off before it leaves: two of three replicas
 * stopping at once (a StatefulSet scaled down by two, or an operator's two leaves) leave the third
 * holding what only they held, such as a write they acknowledged between them just before.
 */
class LeaveHandOffTest {
  private static final int PARTITIONS = 64;
  // The last partition: the background pass, one partition every 2 s, is far from it.
  private static final String KEY = new Partitioner(PARTITIONS).keyPerPartition("held-by-two-").get(PARTITIONS - 1);
  private static final String VALUE = "acknowledged by two";

  @TempDir Path directory;
  private InJvmCluster cluster;

  @AfterEach
  void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void twoReplicasStoppingTogetherHandWhatOnlyTheyHeldToTheThird() {
    List<KvNode> nodes = startWithARegisterOnlyTwoHold();
    CompletableFuture.allOf(
            nodes.subList(1, 3).stream().map(node -> CompletableFuture.runAsync(() -> cluster.stop(node))).toArray(CompletableFuture[]::new))
        .join();
    assertTheThirdHoldsIt(nodes.get(0));
  }

  @Test
  void twoReplicasAnOperatorTellsToLeaveHandWhatOnlyTheyHeldToTheThird() throws Exception {
    List<KvNode> nodes = startWithARegisterOnlyTwoHold();
    KvNode first = nodes.get(0);
    assertTrue(first.admin().leave("node2"));
    assertTrue(first.admin().leave("node3"));
    for (KvNode leaving : nodes.subList(1, 3)) {
      // Coordinated shutdown ends the system by itself, as the process would exit.
      leaving.system().getWhenTerminated().toCompletableFuture().get(60, TimeUnit.SECONDS);
      cluster.stop(leaving);
    }
    assertTheThirdHoldsIt(first);
  }

  /** A register written to node2's and node3's replica stores only, as a write they both took. */
  private List<KvNode> startWithARegisterOnlyTwoHold() {
    // Background anti-entropy far too slow (a partition every 2 s: a pass in two minutes) to
    // spread the register within the test: only the hand-off can.
    cluster = InJvmCluster.start(directory, 3, PARTITIONS, Map.of("kvstore.replication.anti-entropy.interval", "2s"));
    List<KvNode> nodes = cluster.nodes();
    Register register =
        Register.write(null, VALUE.getBytes(StandardCharsets.UTF_8), new HlcTimestamp(System.currentTimeMillis(), 0, "node2"), 0);
    for (KvNode holder : nodes.subList(1, 3)) {
      holder.replicas().mergeAll(List.of(new ReplicaStore.Entry(KEY, register))).toCompletableFuture().join();
    }
    assertEquals(Optional.empty(), nodes.get(0).replicas().get(KEY));
    return nodes;
  }

  private static void assertTheThirdHoldsIt(KvNode third) {
    assertEquals(Optional.of(VALUE), third.replicas().get(KEY).map(held -> new String(held.value(), StandardCharsets.UTF_8)));
  }
}
