package io.kvstore.node;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A graceful stop hands the node's partitions off before it leaves: two of three replicas
 * stopping at once (a StatefulSet scaled down by two) leave the third holding what only they
 * held, such as a write they acknowledged between them just before.
 */
class LeaveHandOffTest {
  private static final int PARTITIONS = 64;

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
    // Background anti-entropy far too slow (a partition every 2 s: a pass in two minutes) to
    // spread the register within the test: only the hand-off can.
    cluster = InJvmCluster.start(directory, 3, PARTITIONS, Map.of("kvstore.replication.anti-entropy.interval", "2s"));
    List<KvNode> nodes = cluster.nodes();
    String key = new Partitioner(PARTITIONS).keyPerPartition("held-by-two-").get(PARTITIONS - 1);
    Register register =
        Register.write(null, "acknowledged by two".getBytes(StandardCharsets.UTF_8), new HlcTimestamp(System.currentTimeMillis(), 0, "node2"), 0);
    for (KvNode holder : nodes.subList(1, 3)) {
      holder.replicas().mergeAll(List.of(new ReplicaStore.Entry(key, register))).toCompletableFuture().join();
    }
    assertEquals(Optional.empty(), nodes.get(0).replicas().get(key));

    CompletableFuture.allOf(
            nodes.subList(1, 3).stream().map(node -> CompletableFuture.runAsync(() -> cluster.stop(node))).toArray(CompletableFuture[]::new))
        .join();

    assertEquals(
        Optional.of("acknowledged by two"),
        nodes.get(0).replicas().get(key).map(held -> new String(held.value(), StandardCharsets.UTF_8)));
  }
}
