package io.kvstore.multijvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.kvstore.robustness.checker.Convergence;
import io.kvstore.testing.Eventually;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three nodes in their own JVMs under QUORUM write load; one is SIGKILLed. Every acknowledged
 * write must read back (QUORUM and LINEARIZABLE) with its value or a later one, writes must
 * resume, and the restarted node must converge with the others without any client reads.
 */
class QuorumFailoverIT {
  @TempDir Path root;

  private final KvHttp http = new KvHttp();

  @Test
  void aKilledNodeLosesNoAcknowledgedWriteAndConvergesAfterRestart() throws Exception {
    try (LocalCluster cluster =
        LocalCluster.start(root, 3, 3, List.of("-Dakka.cluster.split-brain-resolver.stable-after=5s"))) {
      cluster.awaitReady(List.of(0, 1, 2), Duration.ofSeconds(60));
      boolean[] down = new boolean[3];
      AtomicInteger next = new AtomicInteger();
      WriteLoad load =
          new WriteLoad(
              6,
              50,
              "QUORUM",
              () -> {
                int i;
                do {
                  i = Math.floorMod(next.getAndIncrement(), 3);
                } while (down[i]);
                return cluster.httpPort(i);
              });
      // Traffic must flow before the fault counts (the first write to each shard also allocates it).
      load.awaitAcknowledged(500, Duration.ofSeconds(60));
      long beforeKill = load.acknowledgedCount();
      down[2] = true;
      long killedAt = System.nanoTime();
      cluster.kill(2);
      // Writes must resume: the killed node's shards restart on surviving replicas.
      load.awaitAcknowledged(beforeKill + 300, Duration.ofSeconds(90));
      load.close();
      long gap = load.longestGapMillisAfter(killedAt);
      System.out.printf(
          "QuorumFailoverIT: %d writes acknowledged before the kill, %d in all, %d failed; longest time without an acknowledged write after SIGKILL: %d ms%n",
          beforeKill, load.acknowledgedCount(), load.failedCount(), gap);
      assertTrue(gap < 15_000, "writes did not resume: " + gap + " ms without an acknowledgement");

      for (Map.Entry<String, Long> acked : load.acknowledged().entrySet()) {
        for (String level : List.of("QUORUM", "LINEARIZABLE")) {
          KvHttp.Answer read = http.get(cluster.httpPort(acked.getKey().hashCode() & 1), acked.getKey(), level);
          assertEquals(200, read.status(), acked.getKey() + " at " + level + ": " + read.body());
          assertTrue(
              Long.parseLong(read.body()) >= acked.getValue(),
              acked.getKey() + " at " + level + " shows " + read.body() + ", acknowledged " + acked.getValue());
        }
      }

      long restartedAt = System.nanoTime();
      cluster.startNode(2);
      long readyMillis = Duration.ofNanos(System.nanoTime() - restartedAt).toMillis();
      long convergedMillis = awaitConvergence(cluster, Duration.ofSeconds(90));
      System.out.printf(
          "QuorumFailoverIT: restarted node ready after %d ms; equal Merkle roots on all replicas %d ms later%n",
          readyMillis, convergedMillis);
    }
  }

  /** Polls every node's Merkle roots until all replicas of every partition agree; returns the millis. */
  private long awaitConvergence(LocalCluster cluster, Duration timeout) {
    long start = System.nanoTime();
    Eventually.within(
        timeout,
        () -> {
          List<JsonNode> views = new ArrayList<>();
          for (int i = 0; i < 3; i++) {
            views.add(http.get(cluster.httpPort(i), "/api/v1/cluster/merkle").json());
          }
          assertEquals("", Convergence.disagreement(views));
        });
    return Duration.ofNanos(System.nanoTime() - start).toMillis();
  }
}
