package io.kvstore.node;

import akka.actor.typed.javadsl.ActorContext;
import akka.cluster.typed.Cluster;
import io.kvstore.cluster.RingAllocationStrategy;
import io.kvstore.cluster.ShardWarmer;
import io.kvstore.coordinator.RequestCoordinator;
import io.kvstore.crdt.HybridLogicalClock;
import io.kvstore.entity.ExpirySweeper;
import io.kvstore.entity.KeyEntity;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;

/**
 * The key entities (sharded, one per key, each its key's single writer), the TTL sweep, the
 * shard warm-up, and the request coordinator every front end serves.
 *
 * @see ReplicationModule for what they replicate through
 */
final class KeysModule {
  private KeysModule() {}

  /** @param unallocatedShards shards of this node's partitions not allocated yet (readiness) */
  record Parts(RequestCoordinator coordinator, IntSupplier unallocatedShards) {}

  static Parts start(ActorContext<?> context, KvStoreSettings settings, ReplicationModule.Parts replication) {
    HybridLogicalClock clock = HybridLogicalClock.system(settings.nodeId());
    KeyEntity.init(
        context.getSystem(),
        new KeyEntity.Context(settings.entity(), clock, replication.client(), settings.replication().recoveryRetry()),
        replication.partitioner(),
        new RingAllocationStrategy(
            replication.topology(),
            Cluster.get(context.getSystem()).selfMember().address(),
            settings.cluster().maxSimultaneousRebalance()));
    context.spawn(
        ExpirySweeper.create(
            replication.replicas(),
            replication.topology(),
            clock,
            new ExpirySweeper.Settings(
                settings.ttl().sweepInterval(), settings.ttl().sweepBatch(), settings.requestTimeout(), settings.ttl().takeoverAfter())),
        "ttl-sweeper");
    AtomicInteger unallocatedShards = new AtomicInteger();
    if (settings.cluster().shardWarmup().enabled()) {
      context.spawn(
          Guardian.resuming(ShardWarmer.create(replication.topology(), settings.cluster().shardWarmup(), unallocatedShards)),
          "shard-warmer");
    }
    RequestCoordinator coordinator =
        new RequestCoordinator(
            context.getSystem(),
            settings.limits(),
            settings.entity().historyEvents(),
            settings.requestTimeout(),
            settings.scan(),
            replication.client());
    return new Parts(coordinator, unallocatedShards::get);
  }
}
