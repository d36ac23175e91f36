package io.kvstore.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.Address;
import akka.actor.testkit.typed.javadsl.TestInbox;
import akka.actor.typed.ActorRef;
import io.kvstore.ring.Partitioner;
import io.kvstore.ring.Ring;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** This node's view of the cluster, as RingKeeper writes it and replication reads it. */
class TopologyTest {
  private static final int PARTITIONS = 16;
  private final Topology topology = new Topology("node1", new Partitioner(PARTITIONS), 3);

  private static Ring ring(long version, String... nodes) {
    return new Ring(version, List.of(nodes), PARTITIONS, 3);
  }

  @Test
  void onlyANewerRingOrAnotherAtTheSameVersionIsInstalled() {
    List<Long> seen = new ArrayList<>();
    topology.onRingChange(placement -> seen.add(placement.ring().version()));
    assertTrue(topology.updateRing(ring(2, "node1", "node2")));
    assertFalse(topology.updateRing(ring(1, "node1", "node2", "node3")), "older");
    assertFalse(topology.updateRing(ring(2, "node1", "node2")), "the same ring again");
    // Two nodes published version 3 concurrently: Distributed Data's merge decides, the same on every node.
    assertTrue(topology.updateRing(ring(3, "node1", "node2")));
    assertTrue(topology.updateRing(ring(3, "node1", "node3")));
    assertEquals(List.of(2L, 3L, 3L), seen);
    assertEquals(List.of("node1", "node3"), topology.placement().ring().nodes());
  }

  @Test
  void readyOnceARingPlacesThisNodeAndItsListenersHaveSeenIt() {
    List<Long> seen = new ArrayList<>();
    topology.onRingChange(placement -> seen.add(placement.ring().version()));
    topology.updateRing(ring(1, "node2", "node3"));
    assertFalse(topology.ringReady().toCompletableFuture().isDone(), "a ring without node1");
    topology.updateRing(ring(2, "node1", "node2", "node3"));
    assertTrue(topology.ringReady().toCompletableFuture().isDone());
    assertEquals(List.of(1L, 2L), seen);
    assertEquals(3, topology.replicasOf("some key").size());
  }

  @Test
  void aPeerIsAvailableWhenReachableWithAKnownEndpointAndThisNodeAlwaysIs() {
    ActorRef<ReplicaEndpoint.Command> endpoint = TestInbox.<ReplicaEndpoint.Command>create().getRef();
    assertTrue(topology.isAvailable("node1"));
    assertFalse(topology.isAvailable("node2"), "no endpoint yet");
    topology.setEndpoint("node2", endpoint);
    assertTrue(topology.isAvailable("node2"));
    assertEquals(Optional.of(endpoint), topology.reachableEndpoint("node2"));

    topology.setReachable("node2", false);
    assertFalse(topology.isAvailable("node2"));
    assertEquals(Optional.empty(), topology.reachableEndpoint("node2"), "the failure detector distrusts it");
    assertEquals(Optional.of(endpoint), topology.endpoint("node2"), "still known, for diagnostics");

    topology.retainMembers(Set.of("node1"));
    assertFalse(topology.isUnreachable("node2"), "forgotten once it left");
    topology.retainEndpoints(Set.of("node1"));
    assertFalse(topology.isAvailable("node2"));
  }

  @Test
  void membersAreMappedBetweenAddressAndNodeIdUntilTheyLeave() {
    Address address = new Address("akka", "kvstore", "10.0.0.2", 2552);
    topology.setMember(address, "node2");
    assertEquals(Optional.of("node2"), topology.nodeIdOf(address));
    assertEquals(Optional.of(address), topology.addressOf("node2"));
    topology.retainMembers(Set.of("node1"));
    assertEquals(Optional.empty(), topology.nodeIdOf(address));
    assertEquals(Optional.empty(), topology.addressOf("node2"));
  }
}
