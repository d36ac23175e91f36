package io.kvstore.ring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class RingTest {
  private static final int PARTITIONS = 1024;

  private static Ring.Placement placement(int nodes, int replicationFactor) {
    List<String> names = IntStream.rangeClosed(1, nodes).mapToObj(i -> "node" + i).toList();
    return new Ring(1, names, PARTITIONS, replicationFactor).placement();
  }

  @Test
  void everyPartitionHasNDistinctReplicasAndTheSameMembersGiveTheSameRing() {
    Ring.Placement ring = placement(5, 3);
    for (int p = 0; p < PARTITIONS; p++) {
      List<String> replicas = ring.replicas(p);
      assertEquals(3, new HashSet<>(replicas).size());
      assertEquals(replicas, placement(5, 3).replicas(p));
    }
    // Member order does not matter, and N = cluster size is full replication.
    Ring shuffled = new Ring(1, List.of("node3", "node1", "node2"), PARTITIONS, 3);
    assertEquals(placement(3, 3).replicas(7), shuffled.placement().replicas(7));
    assertEquals(PARTITIONS, placement(3, 3).partitionsOf("node2").size());
    assertEquals(2, placement(2, 3).replicas(0).size());
  }

  @Test
  void loadsStayWithinTenPercentOfTheMean() {
    for (int nodes = 2; nodes <= 12; nodes++) {
      for (int n = 1; n <= 3; n++) {
        Ring.Placement ring = placement(nodes, n);
        double meanReplicas = (double) PARTITIONS * Math.min(n, nodes) / nodes;
        double meanPrimaries = (double) PARTITIONS / nodes;
        for (String node : ring.ring().nodes()) {
          double replicas = ring.partitionsOf(node).size();
          double primaries = ring.primaryCount(node);
          assertTrue(Math.abs(replicas - meanReplicas) <= 0.1 * meanReplicas, node + " holds " + replicas);
          assertTrue(Math.abs(primaries - meanPrimaries) <= 0.1 * meanPrimaries, node + " leads " + primaries);
        }
      }
    }
  }

  @Test
  void theLeaveOfAnyOneNodeMovesAboutItsShare() {
    Ring six = new Ring(1, IntStream.rangeClosed(1, 6).mapToObj(i -> "node" + i).toList(), PARTITIONS, 3);
    Ring.Placement before = six.placement();
    for (String leaving : six.nodes()) {
      List<String> rest = six.nodes().stream().filter(n -> !n.equals(leaving)).toList();
      Ring.Placement after = six.withMembers(2, rest).placement();
      int moved = 0;
      for (int p = 0; p < PARTITIONS; p++) {
        List<String> old = before.replicas(p);
        moved += (int) after.replicas(p).stream().filter(r -> !old.contains(r)).count();
      }
      double share = moved / (3.0 * PARTITIONS);
      assertTrue(share <= 1.3 / 6, leaving + " leaving moved " + share);
    }
  }

  @Test
  void aJoinMovesAboutOneNthOfThePartitions() {
    List<String> report = new ArrayList<>();
    for (int nodes = 3; nodes <= 11; nodes++) {
      Ring.Placement before = placement(nodes, 3);
      Ring.Placement after = placement(nodes + 1, 3);
      int movedReplicas = 0;
      int movedPrimaries = 0;
      for (int p = 0; p < PARTITIONS; p++) {
        List<String> old = before.replicas(p);
        movedReplicas += (int) after.replicas(p).stream().filter(r -> !old.contains(r)).count();
        movedPrimaries += before.primary(p).equals(after.primary(p)) ? 0 : 1;
      }
      double replicaShare = movedReplicas / (3.0 * PARTITIONS);
      double primaryShare = movedPrimaries / (double) PARTITIONS;
      double ideal = 1.0 / (nodes + 1);
      report.add(nodes + "->" + (nodes + 1) + ": replicas " + replicaShare + " primaries " + primaryShare + " ideal " + ideal);
      assertTrue(replicaShare <= 1.3 * ideal, report.toString());
      assertTrue(primaryShare <= 1.3 * ideal, report.toString());
    }
  }

  private static final List<String> FIVE = List.of("node1", "node2", "node3", "node4", "node5");

  @Test
  void aRingKeepsTheEarlierRingsUntilEveryMemberCaughtUpUnderIt() {
    Ring three = new Ring(3, FIVE, PARTITIONS, 3).withMembers(4, List.of("node1", "node2", "node4"));
    assertEquals(List.of(new Ring.Earlier(3, FIVE)), three.unsettled());
    Ring four = three.withMembers(5, FIVE);
    assertEquals(List.of(new Ring.Earlier(3, FIVE), new Ring.Earlier(4, List.of("node1", "node2", "node4"))), four.unsettled());

    // Reports under another version, or a member missing, do not settle it.
    Map<String, Long> allButOne = Map.of("node1", 5L, "node2", 5L, "node3", 5L, "node4", 5L, "node5", 4L);
    assertFalse(four.settledBy(allButOne));
    assertFalse(four.settledBy(Map.of("node1", 5L, "node2", 5L, "node3", 5L, "node4", 5L)));
    Map<String, Long> all = Map.of("node1", 5L, "node2", 5L, "node3", 5L, "node4", 5L, "node5", 5L);
    assertTrue(four.settledBy(all));
    Ring settled = four.settled();
    assertEquals(new Ring(6, FIVE, PARTITIONS, 3), settled);
    assertEquals(four.placement().replicas(17), settled.placement().replicas(17));
    assertFalse(settled.settledBy(Map.of("node1", 6L, "node2", 6L, "node3", 6L, "node4", 6L, "node5", 6L)), "nothing to drop");
  }

  /**
   * Robustness seed 107: node3 and node5 held two of the three replicas of a partition, took a
   * QUORUM write on the minority side of a network partition and were downed. The new replicas
   * must not count as caught up from node2 alone, which never had the write.
   */
  @Test
  void aReplicaGainedAfterTheOldMajorityWasDownedIsNotCaughtUpWithoutOneOfIt() {
    Ring before = new Ring(3, FIVE, PARTITIONS, 3);
    Ring after = before.withMembers(4, List.of("node1", "node2", "node4"));
    int partition = partitionReplicatedBy(before.placement(), Set.of("node3", "node5"));
    Ring.Placement placement = after.placement();
    List<String> earlier = before.placement().replicas(partition);
    String survivor = earlier.stream().filter(n -> !n.equals("node3") && !n.equals("node5")).findFirst().orElseThrow();
    String gainer = placement.replicas(partition).stream().filter(n -> !earlier.contains(n)).findFirst().orElseThrow();
    Set<String> everyReplica = new HashSet<>(placement.replicas(partition));
    everyReplica.remove(gainer);

    assertEquals(List.of(placement.replicas(partition), earlier), placement.catchUpSources(partition));
    Ring.Placement withoutEarlier = new Ring(4, List.of("node1", "node2", "node4"), PARTITIONS, 3).placement();
    assertTrue(withoutEarlier.caughtUp(gainer, partition, everyReplica, Set.of()), "the rule that missed the write");
    assertFalse(placement.caughtUp(gainer, partition, everyReplica, Set.of()), "only " + survivor + " of " + earlier);
    Set<String> withNode3 = new HashSet<>(everyReplica);
    withNode3.add("node3");
    assertTrue(placement.caughtUp(gainer, partition, withNode3, Set.of()));
    // An operator who retires node3 and node5 gives up on what only they held.
    assertTrue(placement.caughtUp(gainer, partition, everyReplica, Set.of("node3", "node5")));
  }

  /**
   * Robustness seeds 103 and 107, the first fix: replicas that gained partitions under a ring and
   * lost them again before catching up must not be required to be caught up themselves. With
   * every node back, the unsettled rings' replicas are reachable, and that is enough.
   */
  @Test
  void aReplicaNeedsTheEarlierRingsReplicasReachableNotCaughtUp() {
    Ring five = new Ring(2, FIVE, PARTITIONS, 3);
    Ring afterTwoDowned = five.withMembers(3, List.of("node3", "node4", "node5"));
    Ring.Placement back = afterTwoDowned.withMembers(4, FIVE).placement();
    for (int p = 0; p < PARTITIONS; p++) {
      for (String self : FIVE) {
        Set<String> others = new HashSet<>(FIVE);
        others.remove(self);
        assertTrue(back.caughtUp(self, p, others, Set.of()), self + " partition " + p);
      }
    }
  }

  private static int partitionReplicatedBy(Ring.Placement placement, Set<String> nodes) {
    for (int p = 0; p < PARTITIONS; p++) {
      if (placement.replicas(p).containsAll(nodes)) {
        return p;
      }
    }
    throw new AssertionError("no partition on " + nodes);
  }
}
