package io.kvstore.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.kvstore.api.KvCluster;
import io.kvstore.api.KvCluster.Readiness;
import io.kvstore.ring.Ring;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PartitionMapTest {
  private static final Ring.Placement PLACEMENT = new Ring(4, List.of("node1", "node2", "node3", "node4"), 16, 3).placement();

  private static PartitionMap.Report report(Set<Integer> ready, Set<Integer> hosted) {
    return new PartitionMap.Report(ready, hosted);
  }

  @Test
  void everyPartitionListsItsReplicasInRingOrderWithEachOnesReadinessAndItsOwner() {
    List<String> replicas = PLACEMENT.replicas(5);
    String primary = replicas.get(0);
    String second = replicas.get(1);
    String silent = replicas.get(2);
    Map<String, PartitionMap.Report> reports =
        Map.of(primary, report(Set.of(5), Set.of(5)), second, report(Set.of(), Set.of()));

    List<KvCluster.PartitionStatus> map = PartitionMap.of(PLACEMENT, reports);

    assertEquals(16, map.size());
    KvCluster.PartitionStatus five = map.get(5);
    assertEquals(5, five.partition());
    assertEquals(replicas, five.replicas());
    assertEquals(List.of(Readiness.READY, Readiness.CATCHING_UP, Readiness.UNKNOWN), five.readiness(), silent + " did not answer");
    assertEquals(primary, five.entityOwner());
  }

  @Test
  void aPartitionNoAnsweringNodeRunsHasNoOwnerAndANonReplicaThatRunsItIsNamed() {
    int partition = 3;
    String outsider =
        PLACEMENT.ring().nodes().stream().filter(node -> !PLACEMENT.isReplica(node, partition)).findFirst().orElseThrow();
    assertNull(PartitionMap.owner(PLACEMENT.replicas(partition), Map.of(outsider, report(Set.of(), Set.of())), partition));
    // A ring change made it a non-replica; the shard stays there until the rebalance moves it.
    assertEquals(
        outsider, PartitionMap.owner(PLACEMENT.replicas(partition), Map.of(outsider, report(Set.of(), Set.of(partition))), partition));
  }

  @Test
  void ofTwoClaimantsTheReplicaEarliestInRingOrderOwnsThePartition() {
    int partition = 7;
    List<String> replicas = PLACEMENT.replicas(partition);
    String outsider = PLACEMENT.ring().nodes().stream().filter(node -> !replicas.contains(node)).findFirst().orElseThrow();
    Map<String, PartitionMap.Report> reports =
        Map.of(
            replicas.get(2), report(Set.of(), Set.of(partition)),
            replicas.get(1), report(Set.of(), Set.of(partition)),
            outsider, report(Set.of(), Set.of(partition)));
    assertEquals(replicas.get(1), PartitionMap.owner(replicas, reports, partition));
  }
}
