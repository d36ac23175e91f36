package io.kvstore.cluster;

import akka.actor.typed.ActorSystem;
import akka.actor.typed.javadsl.AskPattern;
import akka.cluster.sharding.ShardRegion;
import akka.cluster.sharding.typed.ClusterShardingQuery;
import akka.cluster.sharding.typed.GetShardRegionState;
import akka.cluster.sharding.typed.javadsl.ClusterSharding;
import io.kvstore.entity.KeyEntity;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CompletionStage;

/** Which partitions' shards this node's own shard region runs, as the region itself says. */
public final class RegionShards {
  private RegionShards() {}

  /**
   * The partitions whose shard runs in this node's region now. A shard that did not answer the
   * region's query in time counts too: it is on this node, only slow to say so.
   */
  public static CompletionStage<Set<Integer>> hostedHere(ActorSystem<?> system, Duration timeout) {
    return AskPattern.<ClusterShardingQuery, ShardRegion.CurrentShardRegionState>ask(
            ClusterSharding.get(system).shardState(),
            replyTo -> new GetShardRegionState(KeyEntity.TYPE_KEY, replyTo),
            timeout,
            system.scheduler())
        .thenApply(
            state -> {
              // Shard ids are partition numbers (KeyEntity's message extractor).
              Set<Integer> hosted = new HashSet<>();
              state.getShards().forEach(shard -> hosted.add(Integer.parseInt(shard.shardId())));
              state.getFailed().forEach(shard -> hosted.add(Integer.parseInt(shard)));
              return hosted;
            });
  }
}
