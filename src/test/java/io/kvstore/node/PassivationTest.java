package io.kvstore.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.cluster.sharding.ShardRegion;
import akka.cluster.sharding.typed.GetShardRegionState;
import akka.cluster.sharding.typed.javadsl.ClusterSharding;
import com.typesafe.config.ConfigFactory;
import io.kvstore.entity.KeyEntity;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Live key entities stay within active-entity-limit however many keys are touched. */
class PassivationTest {
  private static final int LIMIT = 100;
  private static final int KEYS = 3_000;

  @TempDir Path directory;

  @Test
  void liveEntitiesStayWithinTheLimitAndPassivatedKeysReadBack() {
    KvNode node =
        KvNode.start(
            ConfigFactory.parseMap(
                Map.of(
                    "kvstore.storage.directory", directory.toString(),
                    "kvstore.http.enabled", false,
                    "kvstore.entity.active-entity-limit", LIMIT,
                    "kvstore.partitions", 16,
                    "akka.remote.artery.canonical.port", 0)));
    try {
      for (int batch = 0; batch < KEYS; batch += 100) {
        CompletableFuture<?>[] writes =
            IntStream.range(batch, batch + 100)
                .mapToObj(i -> node.store().put("key-" + i, ("value-" + i).getBytes(StandardCharsets.UTF_8)).toCompletableFuture())
                .toArray(CompletableFuture[]::new);
        CompletableFuture.allOf(writes).join();
      }
      TestProbe<ShardRegion.CurrentShardRegionState> probe = TestProbe.create(node.system());
      probe.awaitAssert(
          Duration.ofSeconds(10),
          () -> {
            ClusterSharding.get(node.system()).shardState().tell(new GetShardRegionState(KeyEntity.TYPE_KEY, probe.ref()));
            int live = probe.receiveMessage().getShards().stream().mapToInt(s -> s.getEntityIds().size()).sum();
            assertTrue(live <= LIMIT, live + " live entities, limit " + LIMIT);
            return null;
          });
      for (int i = 0; i < KEYS; i += 97) {
        assertEquals(
            "value-" + i,
            new String(node.store().get("key-" + i).toCompletableFuture().join().orElseThrow().value(), StandardCharsets.UTF_8));
      }
    } finally {
      node.close();
    }
  }
}
