package io.kvstore.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.kvstore.cluster.RegionShards;
import io.kvstore.crdt.HlcTimestamp;
import io.kvstore.crdt.Register;
import io.kvstore.node.KvNode;
import io.kvstore.replica.ReplicaStore;
import io.kvstore.ring.Partitioner;
import io.kvstore.testing.Eventually;
import io.kvstore.testing.InJvmCluster;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI against three nodes in this JVM: the partition map, a repair pass, a leave and a retirement. */
class KvstoreAdminClusterTest {
  private static final int PARTITIONS = 64;

  @TempDir Path directory;
  private InJvmCluster cluster;

  @AfterEach
  void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  private static AdminRun admin(KvNode node, String... args) {
    String[] all = new String[args.length + 2];
    all[0] = "--endpoint";
    all[1] = "http://127.0.0.1:" + node.httpPort().orElseThrow();
    System.arraycopy(args, 0, all, 2, args.length);
    AdminRun run = AdminRun.run(all);
    assertEquals(0, run.exit(), run.toString());
    return run;
  }

  @Test
  void anOperatorMapsRepairsAndCyclesMembersThroughTheCli() throws Exception {
    // Background anti-entropy slow enough (64 partitions: a pass in about two minutes) that
    // only a requested pass can repair within the test.
    cluster =
        InJvmCluster.start(
            directory,
            3,
            PARTITIONS,
            Map.of("kvstore.http.enabled", true, "kvstore.http.port", 0, "kvstore.replication.anti-entropy.interval", "2s"));
    List<KvNode> nodes = cluster.nodes();
    KvNode first = nodes.get(0);

    theMapNamesTheRegionThatRunsEachPartitionAndEveryReplicaReady(nodes);
    String key = aRequestedRepairSpreadsWhatOnlyOneReplicaHeld(nodes);
    aLeftNodeRejoinsUnderItsIdWithItsData(first, nodes.get(2), key);
    assertEquals(0, status(first).path("retired_nodes").size(), "leaving retires nothing");

    String retired = admin(first, "retire", "node3").out();
    assertEquals("node3: leaving; retired: its id never joins the ring again\n", retired);
    Eventually.within(Duration.ofSeconds(10), () -> assertEquals("[\"node3\"]", status(first).path("retired_nodes").toString()));
  }

  private static JsonNode status(KvNode node) {
    return admin(node, "status", "--json").json();
  }

  private static void theMapNamesTheRegionThatRunsEachPartitionAndEveryReplicaReady(List<KvNode> nodes) throws Exception {
    JsonNode map = admin(nodes.get(1), "partitions", "--json").json();
    assertEquals(0, map.path("unanswered_nodes").size());
    assertEquals(PARTITIONS, map.path("partitions").size());
    for (KvNode node : nodes) {
      String id = node.settings().nodeId();
      Set<Integer> hosted = RegionShards.hostedHere(node.system(), Duration.ofSeconds(5)).toCompletableFuture().get();
      for (JsonNode partition : map.path("partitions")) {
        int p = partition.path("id").asInt();
        List<String> replicas = StreamSupport.stream(partition.path("replicas").spliterator(), false).map(JsonNode::asText).toList();
        assertEquals(nodes.get(0).topology().placement().replicas(p), replicas);
        assertEquals(hosted.contains(p), id.equals(partition.path("entity_owner").asText()), "partition " + p + " on " + id);
        // After the shard warm-up every shard runs on its primary.
        assertEquals(replicas.get(0), partition.path("entity_owner").asText());
        assertEquals("ready", partition.path("readiness").path(id).asText());
      }
    }
    String table = admin(nodes.get(0), "partitions", "--not-ready").out();
    assertTrue(table.endsWith(PARTITIONS + " partitions, " + PARTITIONS + " with every replica ready\n"), table);
  }

  /** A register only node1's replica store holds, as if the others had missed its writes. */
  private static String aRequestedRepairSpreadsWhatOnlyOneReplicaHeld(List<KvNode> nodes) {
    // The last partition: the background pass, one partition every 2 s, is far from it.
    String key = new Partitioner(PARTITIONS).keyPerPartition("only-on-node1-").get(PARTITIONS - 1);
    Register register =
        Register.write(null, "held by one".getBytes(StandardCharsets.UTF_8), new HlcTimestamp(System.currentTimeMillis(), 0, "node1"), 0);
    nodes.get(0).replicas().mergeAll(List.of(new ReplicaStore.Entry(key, register))).toCompletableFuture().join();

    JsonNode started = admin(nodes.get(0), "repair", "--all", "--json").json();
    assertEquals(3, started.path("started").size(), started.toString());
    started.path("started").forEach(pass -> assertEquals(PARTITIONS, pass.path("partitions").asInt()));

    Eventually.within(
        Duration.ofSeconds(10),
        () -> nodes.forEach(node -> assertTrue(node.replicas().get(key).isPresent(), key + " on " + node.settings().nodeId())));
    return key;
  }

  private void aLeftNodeRejoinsUnderItsIdWithItsData(KvNode first, KvNode third, String key) throws Exception {
    assertEquals("node3: leaving; not retired: it may join again under its id, with its data\n", admin(first, "leave", "node3").out());
    // Its actor system ends by itself, through coordinated shutdown, as the process would exit.
    third.system().getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
    Eventually.within(
        Duration.ofSeconds(20), () -> assertEquals(List.of("node1", "node2"), first.topology().placement().ring().nodes()));
    cluster.stop(third);

    KvNode back = cluster.restart(3);
    cluster.awaitReadyRing(3);
    assertEquals(List.of("node1", "node2", "node3"), first.topology().placement().ring().nodes());
    assertEquals(Optional.of("held by one"), back.replicas().get(key).map(r -> new String(r.value(), StandardCharsets.UTF_8)));
  }
}
