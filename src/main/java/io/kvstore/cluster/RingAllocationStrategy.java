package io.kvstore.cluster;

import akka.actor.ActorRef;
import akka.actor.Address;
import akka.cluster.sharding.ShardCoordinator;
import akka.dispatch.Futures;
import io.kvstore.transport.Topology;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import scala.collection.immutable.IndexedSeq;
import scala.concurrent.Future;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Puts each partition's shard (and so its keys' entities) on the first reachable node of the
 * partition's preference list, so the writer of a key always holds one of its replicas; moves
 * shards there when the ring changes. Runs inside the shard coordinator, on the oldest node.
 */
public final class RingAllocationStrategy extends ShardCoordinator.AbstractShardAllocationStrategy {
  private final Topology topology;
  private final Address selfAddress;
  private final int maxSimultaneousRebalance;

  public RingAllocationStrategy(Topology topology, Address selfAddress, int maxSimultaneousRebalance) {
    this.topology = topology;
    this.selfAddress = selfAddress;
    this.maxSimultaneousRebalance = maxSimultaneousRebalance;
  }

  @Override
  public Future<ActorRef> allocateShard(
      ActorRef requester, String shardId, Map<ActorRef, IndexedSeq<String>> currentShardAllocations) {
    ActorRef chosen =
        preferredRegion(Integer.parseInt(shardId), currentShardAllocations.keySet())
            .orElseGet(() -> leastLoaded(requester, currentShardAllocations));
    return Futures.successful(chosen);
  }

  @Override
  public Future<Set<String>> rebalance(
      Map<ActorRef, IndexedSeq<String>> currentShardAllocations, Set<String> rebalanceInProgress) {
    Set<String> moves = new HashSet<>();
    int budget = maxSimultaneousRebalance - rebalanceInProgress.size();
    for (Map.Entry<ActorRef, IndexedSeq<String>> region : currentShardAllocations.entrySet()) {
      if (!isReachable(region.getKey())) {
        // A hand-off from an unreachable region would wait for it until the hand-off timeout;
        // its shards are reallocated anyway once the node is downed and removed.
        continue;
      }
      for (String shard : CollectionConverters.asJava(region.getValue())) {
        if (moves.size() >= budget) {
          return Futures.successful(moves);
        }
        if (rebalanceInProgress.contains(shard)) {
          continue;
        }
        Optional<ActorRef> preferred = preferredRegion(Integer.parseInt(shard), currentShardAllocations.keySet());
        if (preferred.isPresent() && !preferred.get().equals(region.getKey())) {
          moves.add(shard);
        }
      }
    }
    return Futures.successful(moves);
  }

  private boolean isReachable(ActorRef region) {
    Address address = region.path().address();
    return topology.nodeIdOf(address.hasLocalScope() ? selfAddress : address).map(id -> !topology.isUnreachable(id)).orElse(false);
  }

  /** The region of the partition's first reachable replica, if that node runs one. */
  private Optional<ActorRef> preferredRegion(int partition, Set<ActorRef> regions) {
    Map<String, ActorRef> byNode = new HashMap<>();
    for (ActorRef region : regions) {
      Address address = region.path().address();
      topology.nodeIdOf(address.hasLocalScope() ? selfAddress : address).ifPresent(id -> byNode.put(id, region));
    }
    return topology.placement().replicas(partition).stream()
        .filter(node -> byNode.containsKey(node) && !topology.isUnreachable(node))
        .findFirst()
        .map(byNode::get);
  }

  /** Before the ring knows the regions' nodes (start-up): spread by count, as Akka's default does. */
  private static ActorRef leastLoaded(ActorRef requester, Map<ActorRef, IndexedSeq<String>> allocations) {
    return allocations.entrySet().stream()
        .min(Comparator.comparingInt((Map.Entry<ActorRef, IndexedSeq<String>> e) -> e.getValue().size()))
        .map(Map.Entry::getKey)
        .orElse(requester);
  }
}
