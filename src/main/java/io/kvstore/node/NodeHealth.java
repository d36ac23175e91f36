package io.kvstore.node;

import akka.cluster.MemberStatus;
import akka.cluster.typed.Cluster;
import io.kvstore.http.Health;
import io.kvstore.storage.RocksDbStorage;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Ready: a cluster member that is up, with writable storage. Alive: storage has not failed. */
final class NodeHealth implements Health {
  private final Cluster cluster;
  private final RocksDbStorage storage;

  NodeHealth(Cluster cluster, RocksDbStorage storage) {
    this.cluster = cluster;
    this.storage = storage;
  }

  @Override
  public List<String> notReadyReasons() {
    List<String> reasons = new ArrayList<>();
    MemberStatus status = cluster.selfMember().status();
    if (status != MemberStatus.up()) {
      reasons.add("cluster membership is " + status);
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
