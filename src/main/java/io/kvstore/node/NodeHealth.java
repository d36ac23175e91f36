package io.kvstore.node;

import akka.cluster.MemberStatus;
import akka.cluster.typed.Cluster;
import io.kvstore.http.Health;
import io.kvstore.replica.PartitionReadiness;
import io.kvstore.ring.Ring;
import io.kvstore.storage.RocksDbStorage;
import io.kvstore.transport.Topology;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.IntSupplier;

/**
 * Ready: a cluster member that is up, in the ring, with writable storage, every partition it
 * replicates caught up with its peers and the shards of the partitions it is primary for allocated. Alive: storage has not failed.
 */
final class NodeHealth implements Health {
  private final Cluster cluster;
  private final RocksDbStorage storage;

  private final Topology topology;
  private final PartitionReadiness readiness;
  private final IntSupplier unallocatedShards;

  NodeHealth(
      Cluster cluster,
      RocksDbStorage storage,
      Topology topology,
      PartitionReadiness readiness,
      IntSupplier unallocatedShards) {
    this.cluster = cluster;
    this.storage = storage;
    this.topology = topology;
    this.readiness = readiness;
    this.unallocatedShards = unallocatedShards;
  }

  @Override
  public List<String> notReadyReasons() {
    List<String> reasons = new ArrayList<>();
    MemberStatus status = cluster.selfMember().status();
    if (status == MemberStatus.removed() && !cluster.state().getMembers().iterator().hasNext()) {
      reasons.add("not a cluster member yet: joining through the seed nodes, or waiting to be joined (POST /api/v1/cluster/nodes)");
    } else if (status != MemberStatus.up()) {
      reasons.add("cluster membership is " + status);
    }
    Ring.Placement placement = topology.placement();
    if (!placement.ring().nodes().contains(topology.selfId())) {
      reasons.add("not in the ring yet (ring v" + placement.ring().version() + ")");
    } else {
      long behind = placement.partitionsOf(topology.selfId()).stream().filter(p -> !readiness.isReady(p)).count();
      if (behind > 0) {
        reasons.add(behind + " partitions still catching up with their other replicas");
      }
      int unallocated = unallocatedShards.getAsInt();
      if (unallocated > 0) {
        reasons.add(unallocated + " shards of partitions this node is primary for not allocated yet");
      }
    }
    if (!storage.isWritable()) {
      reasons.add("storage is not writable: " + storage.unavailableReason());
    }
    return reasons;
  }

  @Override
  public Optional<String> fatalFailure() {
    return storage.hasFailed() ? Optional.of(storage.unavailableReason()) : Optional.empty();
  }
}
