package io.kvstore.multijvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kvstore.testing.Eventually;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A restarted node that remembers a ring joins the existing members, and never founds a cluster
 * of its own on a timeout as Akka's first seed node does. The robustness suite found that after a
 * long SIGSTOP (seed 104, pause-long): the others took longer than the seed-node timeout to answer
 * the restarted first seed, which then joined itself and stalled until its start-up timeout.
 */
class RestartedSeedIT {
  @TempDir Path root;

  private final KvHttp http = new KvHttp();

  @Test
  void aRestartedFirstSeedWaitsForTheMembersHoweverLongTheyTakeToAnswer() throws Exception {
    try (LocalCluster cluster = LocalCluster.start(root, 3, 3, List.of())) {
      cluster.awaitReady(List.of(0, 1, 2), Duration.ofSeconds(60));
      assertEquals(200, http.put(cluster.httpPort(1), "before", "1", "QUORUM").status());
      cluster.kill(0);

      restartWhileTheMembersArePaused(cluster, "the restarted node formed a cluster of its own");

      // Again with its data directory wiped: a fresh node remembers no ring, and still must not
      // found a cluster beside the members however late they answer.
      cluster.kill(0);
      try (var files = Files.walk(root.resolve(LocalCluster.nodeId(0)))) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
      restartWhileTheMembersArePaused(cluster, "the wiped node formed a cluster of its own");
    }
  }

  /**
   * Restarts node1 (the first seed) while the members answer nothing, for longer than the
   * seed-node timeout after which Akka's first seed node would join itself; then lets them answer.
   * node1 must join them, and read what was written before.
   */
  private void restartWhileTheMembersArePaused(LocalCluster cluster, String ifItFoundedACluster) throws Exception {
    cluster.node(1).pause();
    cluster.node(2).pause();
    Path previousLog = cluster.newestLog(0);
    CompletableFuture<Void> restart = CompletableFuture.runAsync(() -> cluster.startNode(0));
    awaitInNewLog(cluster, previousLog, "Couldn't join seed nodes after [2] attempts");
    cluster.node(1).resume();
    cluster.node(2).resume();
    restart.get(90, TimeUnit.SECONDS);
    cluster.awaitReady(List.of(0, 1, 2), Duration.ofSeconds(60));
    assertFalse(logOf(cluster, 0).contains("is JOINING itself"), ifItFoundedACluster);
    assertEquals("1", http.get(cluster.httpPort(0), "before", "LINEARIZABLE").body());
  }

  @Test
  void aNodeThatRemembersARingFormsNoClusterAloneAndRejoinsWhenGivenTheMembers() throws Exception {
    try (LocalCluster cluster = LocalCluster.start(root, 3, 3, List.of("-Dkvstore.startup-timeout=15s"))) {
      cluster.awaitReady(List.of(0, 1, 2), Duration.ofSeconds(60));
      cluster.kill(0);

      // Seeded with only itself: Akka would join itself; kvstore refuses and says why.
      IllegalStateException refused = assertThrows(IllegalStateException.class, () -> cluster.startNode(0, List.of(0)));
      String alone = logOf(cluster, 0);
      assertTrue(alone.contains("it forms no cluster alone"), "it said why it waits: " + refused);
      assertFalse(alone.contains("is JOINING itself"), "it formed no cluster");
      assertEquals(200, http.put(cluster.httpPort(2), "meanwhile", "2", "QUORUM").status());

      long restarted = System.nanoTime();
      cluster.startNode(0);
      cluster.awaitReady(List.of(0), Duration.ofSeconds(60));
      assertTrue(Duration.ofNanos(System.nanoTime() - restarted).toSeconds() < 30, "rejoined within seconds");
      assertEquals("2", http.get(cluster.httpPort(0), "meanwhile", "LINEARIZABLE").body());
    }
  }

  @Test
  void aWholeClusterRestartedAtOnceFormsOneClusterAgain() throws Exception {
    try (LocalCluster cluster = LocalCluster.start(root, 3, 3, List.of())) {
      cluster.awaitReady(List.of(0, 1, 2), Duration.ofSeconds(60));
      assertEquals(200, http.put(cluster.httpPort(0), "kept", "3", "QUORUM").status());
      for (int i = 0; i < 3; i++) {
        cluster.kill(i);
      }
      // Every node remembers the ring, so none may found a cluster on a timeout: the lowest id of
      // the waiting majority founds it and the others join.
      cluster.startNodes(List.of(0, 1, 2));
      cluster.awaitReady(List.of(0, 1, 2), Duration.ofSeconds(60));
      assertTrue(logOf(cluster, 0).contains("founding a new cluster"), "node1 founded the cluster");
      for (int i = 1; i < 3; i++) {
        assertFalse(logOf(cluster, i).contains("is JOINING itself"), "only node1 founded a cluster");
      }
      assertEquals("3", http.get(cluster.httpPort(2), "kept", "LINEARIZABLE").body());
    }
  }

  /** Waits until node1's process started after {@code previous} was written logs {@code text}. */
  private static void awaitInNewLog(LocalCluster cluster, Path previous, String text) {
    Eventually.within(
        Duration.ofSeconds(60),
        () -> {
          try {
            Path log = cluster.newestLog(0);
            assertTrue(!log.equals(previous) && Files.readString(log).contains(text), "the restarted node's log says: " + text);
          } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        });
  }

  private static String logOf(LocalCluster cluster, int index) {
    try {
      return Files.readString(cluster.newestLog(index));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
