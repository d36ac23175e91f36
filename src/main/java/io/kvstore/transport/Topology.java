package io.kvstore.transport;

import akka.actor.Address;
import akka.actor.typed.ActorRef;
import io.kvstore.ring.Partitioner;
import io.kvstore.ring.Ring;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * This node's view of the cluster as replication needs it: the current ring's placement, each
 * member's replica endpoint, and which members are reachable. Written by the cluster package's
 * RingKeeper, read everywhere (thread-safe).
 */
public final class Topology {
  private final String selfId;
  private final Partitioner partitioner;
  private volatile Ring.Placement placement;
  private final Map<String, ActorRef<ReplicaEndpoint.Command>> endpoints = new ConcurrentHashMap<>();
  private final Map<Address, String> nodeIdsByAddress = new ConcurrentHashMap<>();
  private final Set<String> unreachable = ConcurrentHashMap.newKeySet();
  private final List<Consumer<Ring.Placement>> ringListeners = new CopyOnWriteArrayList<>();
  private final CompletableFuture<Void> ringReady = new CompletableFuture<>();

  public Topology(String selfId, Partitioner partitioner, int replicationFactor) {
    this.selfId = selfId;
    this.partitioner = partitioner;
    this.placement = new Ring(0, List.of(), partitioner.partitions(), replicationFactor).placement();
  }

  public String selfId() {
    return selfId;
  }

  public Partitioner partitioner() {
    return partitioner;
  }

  public Ring.Placement placement() {
    return placement;
  }

  /**
   * Installs a ring unless an older version. An equal version with other members can arrive
   * when two nodes published concurrently: Distributed Data's merge then decides, identically on
   * every node, and that result replaces what was installed.
   *
   * @return whether the ring was installed
   */
  public boolean updateRing(Ring ring) {
    Ring.Placement next;
    synchronized (this) {
      Ring current = placement.ring();
      if (ring.version() < current.version() || ring.equals(current)) {
        return false;
      }
      next = ring.placement();
      placement = next;
    }
    // Listeners first: by the time anyone waiting for the ring proceeds, they have seen it.
    ringListeners.forEach(listener -> listener.accept(next));
    if (ring.nodes().contains(selfId)) {
      ringReady.complete(null);
    }
    return true;
  }

  /** Completes once a ring that includes this node is installed (and its listeners have run). */
  public CompletionStage<Void> ringReady() {
    return ringReady;
  }

  public void onRingChange(Consumer<Ring.Placement> listener) {
    ringListeners.add(listener);
  }

  public List<String> replicasOf(String key) {
    return placement.replicas(partitioner.partitionOf(key));
  }

  public void setEndpoint(String nodeId, ActorRef<ReplicaEndpoint.Command> endpoint) {
    endpoints.put(nodeId, endpoint);
  }

  public void retainEndpoints(Set<String> nodeIds) {
    endpoints.keySet().retainAll(nodeIds);
  }

  /** The node's endpoint, unless the failure detector distrusts the node. */
  public Optional<ActorRef<ReplicaEndpoint.Command>> reachableEndpoint(String nodeId) {
    return unreachable.contains(nodeId) ? Optional.empty() : endpoint(nodeId);
  }

  public Optional<ActorRef<ReplicaEndpoint.Command>> endpoint(String nodeId) {
    return Optional.ofNullable(endpoints.get(nodeId));
  }

  public void setMember(Address address, String nodeId) {
    nodeIdsByAddress.put(address, nodeId);
  }

  /** Forgets members that have left the cluster. */
  public void retainMembers(Set<String> nodeIds) {
    nodeIdsByAddress.values().retainAll(nodeIds);
    unreachable.retainAll(nodeIds);
  }

  public Optional<String> nodeIdOf(Address address) {
    return Optional.ofNullable(nodeIdsByAddress.get(address));
  }

  public Optional<Address> addressOf(String nodeId) {
    return nodeIdsByAddress.entrySet().stream()
        .filter(e -> e.getValue().equals(nodeId))
        .map(Map.Entry::getKey)
        .findFirst();
  }

  public void setReachable(String nodeId, boolean reachable) {
    if (reachable) {
      unreachable.remove(nodeId);
    } else {
      unreachable.add(nodeId);
    }
  }

  /** A member the failure detector trusts, with a known endpoint (this node always is). */
  public boolean isAvailable(String nodeId) {
    return nodeId.equals(selfId) || (!unreachable.contains(nodeId) && endpoints.containsKey(nodeId));
  }

  public boolean isUnreachable(String nodeId) {
    return unreachable.contains(nodeId);
  }
}
