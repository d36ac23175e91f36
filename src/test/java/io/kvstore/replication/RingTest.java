package io.kvstore.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
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
}
