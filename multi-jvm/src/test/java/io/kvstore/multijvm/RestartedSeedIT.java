package io.kvstore.multijvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node restarted after the others moved on, which then reaches none of them in time, forms an
 * Akka cluster of its own (the first seed node joins itself). The robustness suite found this
 * after a long SIGSTOP (seed 104, pause-long). That cluster must not publish a ring or serve: it
 * does not hold a majority of the ring its node last knew. The node gives up at its start-up
 * timeout and exits, to be restarted; the real cluster keeps serving.
 */
class RestartedSeedIT {
  @TempDir Path root;

  private final KvHttp http = new KvHttp();

  @Test
  void aRestartedNodeAloneNeitherPublishesARingNorServes() throws Exception {
    try (LocalCluster cluster = LocalCluster.start(root, 3, 3, List.of("-Dkvstore.startup-timeout=15s"))) {
      cluster.awaitReady(List.of(0, 1, 2), Duration.ofSeconds(60));
      assertEquals(200, http.put(cluster.httpPort(1), "before", "1", "QUORUM").status());
      cluster.kill(0);

      // Seeded with only itself: it can only join itself, as when no other seed answers in time.
      IllegalStateException refused = assertThrows(IllegalStateException.class, () -> cluster.startNode(0, List.of(0)));
      String output = Files.readString(cluster.newestLog(0));
      assertTrue(output.contains("is JOINING itself"), "the node formed a cluster of its own: " + refused);
      assertTrue(output.contains("not publishing a ring"), "it held the ring back");
      assertTrue(!output.contains("ring v1: [node1]"), "no one-node ring was installed");

      assertEquals(200, http.put(cluster.httpPort(2), "after", "2", "QUORUM").status());
      assertEquals("1", http.get(cluster.httpPort(1), "before", "LINEARIZABLE").body());
    }
  }
}
