package io.kvstore.entity;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.kvstore.api.WriteOptions;
import io.kvstore.api.WriteResult;
import io.kvstore.crdt.Register;
import io.kvstore.node.KvNode;
import io.kvstore.replica.ReplicaStore;
import io.kvstore.testing.Eventually;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Through the real RocksDB journal, every key event lands in the replica store in its own batch. */
class ReplicaIndexingTest {
  @TempDir Path directory;

  /** A single node on {@link #directory}, without HTTP, with {@code settings} on top. */
  private KvNode startNode(Map<String, Object> settings) {
    return KvNode.start(
        ConfigFactory.parseMap(settings)
            .withFallback(
                ConfigFactory.parseMap(
                    Map.of(
                        "kvstore.storage.directory", directory.toString(),
                        "kvstore.http.enabled", false,
                        "akka.remote.artery.canonical.port", 0))));
  }


  @Test
  void writesDeletesAndTtlsReachTheReplicaStoreWithTheJournal() {
    try (KvNode node = startNode(Map.of("kvstore.ttl.sweep-interval", "1h"))) {
      ReplicaStore replicas = node.replicas();
      byte[] value = "v".getBytes(StandardCharsets.UTF_8);

      WriteResult written = node.store().put("a/key", value).toCompletableFuture().join();
      Register stored = replicas.get("a/key").orElseThrow();
      assertEquals(written.version(), stored.versionToken());
      assertArrayEquals(value, stored.value());

      node.store().delete("a/key").toCompletableFuture().join();
      assertTrue(replicas.get("a/key").orElseThrow().tombstone(), "a tombstone replicates like a write");

      WriteResult expiring =
          node.store().put("ttl", value, WriteOptions.defaults().withTtl(Duration.ofHours(1))).toCompletableFuture().join();
      assertEquals(
          List.of(new ReplicaStore.DueExpiry("ttl", expiring.expiresAtMillis())),
          replicas.dueExpiries(expiring.expiresAtMillis(), 10));
    }
  }

  @Test
  void aTombstoneIsCollectedFromTheReplicaStoreOnceItsGracePeriodIsOver() {
    try (KvNode node =
        startNode(Map.of("kvstore.ttl.sweep-interval", "100ms", "kvstore.replication.tombstone-grace", "1s"))) {
      ReplicaStore replicas = node.replicas();
      node.store().put("gone", "v".getBytes(StandardCharsets.UTF_8)).toCompletableFuture().join();
      node.store().delete("gone").toCompletableFuture().join();
      assertTrue(replicas.get("gone").orElseThrow().tombstone());

      Eventually.within(Duration.ofSeconds(15), () -> assertTrue(replicas.get("gone").isEmpty(), "collected"));
      assertTrue(node.store().get("gone").toCompletableFuture().join().isEmpty());
    }
  }
}
