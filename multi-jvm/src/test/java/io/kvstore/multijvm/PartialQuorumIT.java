package io.kvstore.multijvm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kvstore.ring.Partitioner;
import io.kvstore.ring.Ring;
import io.kvstore.testing.Eventually;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Five nodes, N = 3; two nodes that share partitions are SIGKILLed (and, with a long split brain
 * resolver delay, stay members). QUORUM writes to partitions that keep two of their three
 * replicas succeed; writes to the others are refused cleanly with 503 before anything is written;
 * every acknowledged write reads back.
 */
class PartialQuorumIT {
  private static final int PARTITIONS = 64;

  @TempDir Path root;

  private final KvHttp http = new KvHttp();

  @Test
  void onlyPartitionsThatKeepAMajorityOfReplicasAcceptQuorumWrites() throws Exception {
    List<String> options =
        List.of(
            "-Dkvstore.partitions=" + PARTITIONS,
            "-Dakka.cluster.split-brain-resolver.stable-after=120s",
            // Shards allocated on first use, after the kill, start their entities on survivors.
            // Warmed up front, a third of them would sit on the killed nodes, unreachable and (with
            // the resolver held off) never downed: their writes time out, whatever the replica
            // count, which is the failover tests' subject, not this one's.
            "-Dkvstore.cluster.shard-warmup.enabled=off");
    try (LocalCluster cluster = LocalCluster.start(root, 5, 5, options)) {
      cluster.awaitReady(List.of(0, 1, 2, 3, 4), Duration.ofSeconds(90));
      // The placement every node computes for these five members.
      Ring.Placement placement =
          new Ring(1, IntStream.range(0, 5).mapToObj(LocalCluster::nodeId).toList(), PARTITIONS, 3).placement();
      Set<String> killed = Set.of("node4", "node5");
      cluster.kill(3);
      cluster.kill(4);
      awaitSuspects(cluster, 2, Duration.ofSeconds(60));

      Partitioner partitioner = new Partitioner(PARTITIONS);
      Map<Integer, String> keys = new HashMap<>();
      for (int i = 0; keys.size() < PARTITIONS; i++) {
        keys.putIfAbsent(partitioner.partitionOf("key-" + i), "key-" + i);
      }
      List<String> acknowledged = new ArrayList<>();
      int refused = 0;
      for (Map.Entry<Integer, String> entry : keys.entrySet()) {
        long alive = placement.replicas(entry.getKey()).stream().filter(n -> !killed.contains(n)).count();
        KvHttp.Answer answer = http.put(cluster.httpPort(entry.getKey() % 3), entry.getValue(), "value", "QUORUM");
        if (alive >= 2) {
          assertEquals(200, answer.status(), "partition " + entry.getKey() + " keeps " + alive + " replicas: " + answer.body());
          acknowledged.add(entry.getValue());
        } else {
          assertEquals(503, answer.status(), "partition " + entry.getKey() + " keeps " + alive + " replicas: " + answer.body());
          assertEquals("insufficient_replicas", answer.json().get("error").asText(), answer.body());
          assertEquals(false, answer.json().get("may_have_been_applied").asBoolean(), answer.body());
          refused++;
        }
      }
      for (String key : acknowledged) {
        KvHttp.Answer read = http.get(cluster.httpPort(1), key, "QUORUM");
        assertEquals(200, read.status(), key + ": " + read.body());
        assertEquals("value", read.body());
      }
      // Both halves happened: with two of five nodes gone, some partitions lost two of their three
      // replicas (the placement decides which, and how many), and every other one took its write.
      long lostMajority =
          keys.keySet().stream()
              .filter(p -> placement.replicas(p).stream().filter(killed::contains).count() >= 2)
              .count();
      assertEquals(lostMajority, refused, "partitions refused");
      org.junit.jupiter.api.Assertions.assertTrue(refused > 0, "the placement left some partition without a majority");
      assertEquals(PARTITIONS - lostMajority, acknowledged.size(), "partitions that took their write");
    }
  }

  private void awaitSuspects(LocalCluster cluster, int count, Duration timeout) {
    Eventually.within(
        timeout,
        () -> {
          long suspects = 0;
          for (var node : http.get(cluster.httpPort(0), "/api/v1/cluster/status").json().get("nodes")) {
            suspects += node.get("status").asText().equals("suspect") ? 1 : 0;
          }
          assertEquals(count, suspects, "nodes the failure detector flags");
        });
  }
}
