package io.kvstore.multijvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.kvstore.testing.Eventually;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;

/**
 * A full scan of 100,000 keys on a three-node cluster returns each key exactly once: on a quiet
 * cluster at ONE, while a node is SIGKILLed mid-scan, and while a fourth node joins (both at
 * QUORUM, which finds every QUORUM write whichever replicas answer).
 */
class ScanIT {
  private static final int KEYS = 100_000;
  private static final int PAGE = 1000;

  @TempDir Path root;

  private final KvHttp http = new KvHttp();

  @Test
  void aFullScanReturnsEveryKeyOnceThroughAKillAndAJoin() throws Exception {
    try (LocalCluster cluster = LocalCluster.start(root, 3, 4, List.of())) {
      cluster.awaitReady(List.of(0, 1, 2), Duration.ofSeconds(60));
      load(cluster);
      Set<String> expected = IntStream.range(0, KEYS).mapToObj(ScanIT::key).collect(Collectors.toSet());
      awaitConverged(cluster, List.of(0, 1, 2));

      assertEveryKeyOnce(expected, scan(cluster, "ONE", page -> {}));

      assertEveryKeyOnce(
          expected,
          scan(
              cluster,
              "QUORUM",
              page -> {
                if (page == 30) {
                  killQuietly(cluster, 2);
                }
              }));

      cluster.startNode(2);
      cluster.awaitReady(List.of(0, 1, 2), Duration.ofSeconds(90));
      assertEveryKeyOnce(
          expected,
          scan(
              cluster,
              "QUORUM",
              page -> {
                if (page == 30) {
                  cluster.startNode(3);
                }
              }));
    }
  }

  private static String key(int i) {
    return "scan-" + i;
  }

  /** Pipelined RESP writes at the connections' default level, QUORUM, one writer per node. */
  private static void load(LocalCluster cluster) {
    CompletableFuture.allOf(
            IntStream.range(0, 3)
                .mapToObj(
                    node ->
                        CompletableFuture.runAsync(
                            () -> {
                              try (Jedis redis = new Jedis("127.0.0.1", cluster.respPort(node))) {
                                for (int from = node; from < KEYS; from += 3 * PAGE) {
                                  Pipeline pipeline = redis.pipelined();
                                  for (int i = from; i < Math.min(KEYS, from + 3 * PAGE); i += 3) {
                                    pipeline.set(key(i), "v");
                                  }
                                  pipeline.syncAndReturnAll().forEach(reply -> assertEquals("OK", reply));
                                }
                              }
                            }))
                .toArray(CompletableFuture[]::new))
        .join();
  }

  /** Every replica holds every write: the Merkle roots of each partition agree across nodes. */
  private void awaitConverged(LocalCluster cluster, List<Integer> nodes) {
    Eventually.within(
        Duration.ofSeconds(120),
        () -> {
          Map<String, String> roots = new HashMap<>();
          Map<String, Integer> holders = new HashMap<>();
          for (int node : nodes) {
            JsonNode merkle = http.get(cluster.httpPort(node), "/api/v1/cluster/merkle").json();
            merkle.get("roots").fields().forEachRemaining(
                root -> {
                  String before = roots.putIfAbsent(root.getKey(), root.getValue().asText());
                  assertTrue(before == null || before.equals(root.getValue().asText()), "partition " + root.getKey() + " differs");
                  holders.merge(root.getKey(), 1, Integer::sum);
                });
          }
          assertTrue(holders.values().stream().allMatch(n -> n == 3), "every partition on its three replicas");
        });
  }

  interface PageHook {
    void afterPage(int page) throws Exception;
  }

  /**
   * Follows a scan to its end through node 1, a page of {@value #PAGE} at a time; a page that
   * fails (503 while the cluster reacts to a fault) is asked again from the same cursor, as a
   * client would.
   */
  private List<String> scan(LocalCluster cluster, String consistency, PageHook hook) throws Exception {
    List<String> keys = new ArrayList<>();
    String cursor = "0";
    int page = 0;
    long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
    while (true) {
      assertTrue(System.nanoTime() < deadline, "the scan did not end within 5 minutes, at page " + page);
      String from = cursor;
      KvHttp.Answer[] answer = new KvHttp.Answer[1];
      Eventually.within(
          Duration.ofSeconds(120),
          () -> {
            answer[0] = http.scan(cluster.httpPort(0), "limit=" + PAGE + "&cursor=" + from, consistency);
            assertEquals(200, answer[0].status(), answer[0].body());
          });
      JsonNode body = answer[0].json();
      body.get("keys").forEach(k -> keys.add(k.get("key").asText()));
      cursor = body.get("cursor").asText();
      hook.afterPage(++page);
      if (body.get("complete").asBoolean()) {
        System.out.printf(
            "ScanIT: %s scan of %d keys in %d pages, %d ms%n",
            consistency, keys.size(), page, (System.nanoTime() - deadline + Duration.ofMinutes(5).toNanos()) / 1_000_000);
        return keys;
      }
    }
  }

  private static void killQuietly(LocalCluster cluster, int node) {
    try {
      cluster.kill(node);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void assertEveryKeyOnce(Set<String> expected, List<String> scanned) {
    Map<String, Long> counts = scanned.stream().collect(Collectors.groupingBy(k -> k, Collectors.counting()));
    List<String> twice = counts.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey).limit(10).toList();
    assertEquals(List.of(), twice, "keys returned more than once");
    Set<String> missing = expected.stream().filter(k -> !counts.containsKey(k)).limit(10).collect(Collectors.toSet());
    assertEquals(Set.of(), missing, "keys never returned");
    assertEquals(expected.size(), scanned.size());
  }
}
