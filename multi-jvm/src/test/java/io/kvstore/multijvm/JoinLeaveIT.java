package io.kvstore.multijvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kvstore.testing.Eventually;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A fourth node joins a three-node cluster under QUORUM write load, takes its share of the
 * partitions, then leaves gracefully (SIGTERM: coordinated shutdown). Nothing acknowledged may be
 * lost, and the time without acknowledged writes is measured.
 */
class JoinLeaveIT {
  @TempDir Path root;

  private final KvHttp http = new KvHttp();

  @Test
  void aNodeJoinsAndLeavesUnderLoadWithoutLosingAcknowledgedWrites() throws Exception {
    // Tiny transfer batches: the joining node pulls every partition it gains, many pages each.
    try (LocalCluster cluster =
        LocalCluster.start(root, 3, 4, List.of("-Dkvstore.replication.transfer-batch-bytes=64"))) {
      cluster.awaitReady(List.of(0, 1, 2), Duration.ofSeconds(60));
      AtomicInteger next = new AtomicInteger();
      WriteLoad load = new WriteLoad(6, 50, "QUORUM", () -> cluster.httpPort(Math.floorMod(next.getAndIncrement(), 3)));
      load.awaitAcknowledged(300, Duration.ofSeconds(60));

      long joinedAt = System.nanoTime();
      cluster.startNode(3);
      awaitRingSize(cluster, 4, Duration.ofSeconds(60));
      cluster.awaitReady(List.of(3), Duration.ofSeconds(60));
      long joinGap = load.longestGapMillisAfter(joinedAt);
      long acknowledgedBeforeLeave = load.acknowledgedCount();
      load.awaitAcknowledged(acknowledgedBeforeLeave + 200, Duration.ofSeconds(60));

      long leftAt = System.nanoTime();
      cluster.node(3).terminate(Duration.ofSeconds(60));
      awaitRingSize(cluster, 3, Duration.ofSeconds(60));
      load.awaitAcknowledged(load.acknowledgedCount() + 200, Duration.ofSeconds(60));
      load.close();
      long leaveGap = load.longestGapMillisAfter(leftAt);
      System.out.printf(
          "JoinLeaveIT: %d writes acknowledged, %d failed; longest time without an acknowledged write: %d ms after the join began, %d ms after the leave began%n",
          load.acknowledgedCount(), load.failedCount(), joinGap, leaveGap);

      for (Map.Entry<String, Long> acked : load.acknowledged().entrySet()) {
        KvHttp.Answer read = http.get(cluster.httpPort(0), acked.getKey(), "QUORUM");
        assertEquals(200, read.status(), acked.getKey() + ": " + read.body());
        assertTrue(
            Long.parseLong(read.body()) >= acked.getValue(),
            acked.getKey() + " shows " + read.body() + ", acknowledged " + acked.getValue());
      }
    }
  }

  private void awaitRingSize(LocalCluster cluster, int size, Duration timeout) {
    Eventually.within(
        timeout,
        () -> {
          KvHttp.Answer status = http.get(cluster.httpPort(0), "/api/v1/cluster/status");
          long inRing = 0;
          for (var node : status.json().get("nodes")) {
            inRing += node.get("partitions").asInt() > 0 ? 1 : 0;
          }
          assertEquals(size, inRing, "nodes holding partitions");
        });
  }
}
