package io.kvstore.repair;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kvstore.ring.Ring;
import java.util.HashSet;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class SyncRuleTest {
  private static final int PARTITIONS = 64;
  private static final List<String> THREE = List.of("node1", "node2", "node3");
  private static final List<String> FOUR = List.of("node1", "node2", "node3", "node4");

  private static Ring.Placement ring(long version, List<String> nodes) {
    return new Ring(version, nodes, PARTITIONS, 3).placement();
  }

  /** node4 joined: the ring of four, with the ring of three still unsettled. */
  private static final Ring.Placement JOINED = new Ring(1, THREE, PARTITIONS, 3).withMembers(2, FOUR).placement();

  private static int partitionWhere(Ring.Placement placement, java.util.function.IntPredicate test) {
    return IntStream.range(0, PARTITIONS).filter(test).findFirst().orElseThrow();
  }

  @Test
  void aJoiningNodeCatchesUpOnWhatItGainsAndHandsOffWhatItLoses() {
    Ring.Placement before = ring(1, THREE);
    SyncRule.RingDelta node4 = SyncRule.delta(before, JOINED, "node4");
    assertEquals(JOINED.partitionsOf("node4"), node4.acquired());
    assertEquals(List.of(), node4.released());

    SyncRule.RingDelta node1 = SyncRule.delta(before, JOINED, "node1");
    assertEquals(List.of(), node1.acquired(), "with N = 3 of 3, node1 replicated everything already");
    Set<Integer> lost = new HashSet<>(before.partitionsOf("node1"));
    lost.removeAll(JOINED.partitionsOf("node1"));
    assertEquals(lost, Set.copyOf(node1.released()));
    assertFalse(lost.isEmpty());
  }

  @Test
  void aRingThatDoesNotPlaceThisNodeIsNotActedOn() {
    assertFalse(SyncRule.placesSelf(ring(3, List.of("node2", "node3")), "node1"));
    assertTrue(SyncRule.placesSelf(ring(3, THREE), "node1"));
  }

  @Test
  void dataFromAnEarlierLifeThatBelongsElsewhereIsFound() {
    Ring.Placement placement = ring(2, FOUR);
    int elsewhere = partitionWhere(placement, p -> !placement.isReplica("node1", p));
    int mine = placement.partitionsOf("node1").get(0);
    assertEquals(List.of(elsewhere), SyncRule.heldElsewhere(placement, "node1", p -> p == elsewhere || p == mine));
  }

  @Test
  void onlyASoleReplicaWithNothingUnsettledServesReadsAtOnce() {
    assertTrue(SyncRule.readyAtOnce(ring(1, List.of("node1")), 0));
    assertFalse(SyncRule.readyAtOnce(ring(1, THREE), 0));
    Ring.Placement shrunk = new Ring(1, THREE, PARTITIONS, 3).withMembers(2, List.of("node1")).placement();
    assertFalse(SyncRule.readyAtOnce(shrunk, 0), "the earlier ring's replicas may hold writes node1 missed");
  }

  @Test
  void aNewReplicaPullsFromTheEarlierRingsReplicasTooAndAHandOffGoesToTheReplicasOnly() {
    int gained = JOINED.partitionsOf("node4").get(0);
    Set<String> peers = SyncRule.peers(JOINED, "node4", gained);
    assertTrue(peers.containsAll(SyncRule.otherReplicas(JOINED, "node4", gained)));
    assertTrue(peers.size() > JOINED.replicas(gained).size() - 1, "the ring of three's replicas too: " + peers);

    int lost = partitionWhere(JOINED, p -> !JOINED.isReplica("node1", p));
    assertEquals(Set.copyOf(JOINED.replicas(lost)), SyncRule.peers(JOINED, "node1", lost));
  }

  @Test
  void aReplicaIsCaughtUpOnceItComparedWithEnoughOfEveryReplicaList() {
    Ring.Placement placement = ring(1, THREE);
    Set<String> none = Set.of();
    // Of three replicas, node1 and one other meet every majority.
    assertTrue(SyncRule.syncComplete(placement, "node1", 0, Set.of("node2"), Set.of("node2"), none));
    assertFalse(SyncRule.syncComplete(placement, "node1", 0, Set.of(), Set.of(), none), "compared with no one");
    assertFalse(
        SyncRule.syncComplete(placement, "node1", 0, Set.of("node2", "node3"), Set.of("node2"), none),
        "a peer that was tried did not answer: try again, though enough did");
    assertTrue(
        SyncRule.syncComplete(ring(1, THREE), "node1", 0, Set.of(), Set.of(), Set.of("node2", "node3")),
        "retired replicas are not waited for");
  }

  @Test
  void aHandOffIsCompleteOnlyOnceEveryCurrentReplicaHasIt() {
    int lost = partitionWhere(JOINED, p -> !JOINED.isReplica("node1", p));
    List<String> replicas = JOINED.replicas(lost);
    Set<String> allButOne = Set.copyOf(replicas.subList(1, replicas.size()));
    assertFalse(SyncRule.syncComplete(JOINED, "node1", lost, allButOne, allButOne, Set.of()));
    assertTrue(SyncRule.syncComplete(JOINED, "node1", lost, Set.copyOf(replicas), Set.copyOf(replicas), Set.of()));
  }

  @Test
  void equalRootsProveCatchUpOnlyWhenEveryAnsweringReplicaAgrees() {
    Ring.Placement placement = ring(1, THREE);
    Set<String> both = Set.of("node2", "node3");
    assertTrue(SyncRule.rootsProveCaughtUp(placement, "node1", 0, both, both, Set.of()));
    assertFalse(
        SyncRule.rootsProveCaughtUp(placement, "node1", 0, both, Set.of("node2"), Set.of()),
        "node3 differs: node1 or node3 misses something, so compare trees");
    assertTrue(SyncRule.rootsProveCaughtUp(placement, "node1", 0, Set.of("node2"), Set.of("node2"), Set.of()));
    assertFalse(SyncRule.rootsProveCaughtUp(placement, "node1", 0, Set.of(), Set.of(), Set.of()), "no one answered");
  }

  @Test
  void aSyncStartedUnderAnEarlierRingCountsOnlyIfItCoveredEveryCurrentSource() {
    Ring.Placement before = ring(1, THREE);
    int gained = JOINED.partitionsOf("node4").get(0);
    assertTrue(SyncRule.stillApplies(JOINED, JOINED, "node4", gained));
    Ring.Placement settled = new Ring(2, FOUR, PARTITIONS, 3, List.of(new Ring.Earlier(1, THREE))).settled().placement();
    assertTrue(SyncRule.stillApplies(JOINED, settled, "node4", gained), "settling only drops sources");
    assertFalse(SyncRule.stillApplies(settled, JOINED, "node4", gained), "an unsettled ring it never compared with");
    int kept = JOINED.partitionsOf("node1").get(0);
    assertTrue(SyncRule.stillApplies(before, before, "node1", kept));
    int lost = partitionWhere(JOINED, p -> before.isReplica("node1", p) && !JOINED.isReplica("node1", p));
    assertFalse(SyncRule.stillApplies(before, JOINED, "node1", lost), "it was a replica then, a hand-off now");
  }

  @Test
  void afterASyncAReplicaBecomesReadyAHandOffIsDroppedAndAnIncompleteOneIsRetried() {
    int mine = JOINED.partitionsOf("node1").get(0);
    int lost = partitionWhere(JOINED, p -> !JOINED.isReplica("node1", p));
    assertEquals(SyncRule.AfterSync.READY, SyncRule.afterSync(JOINED, "node1", mine, true, false, true));
    assertEquals(SyncRule.AfterSync.DROP, SyncRule.afterSync(JOINED, "node1", lost, true, false, true));
    assertEquals(SyncRule.AfterSync.RETRY, SyncRule.afterSync(JOINED, "node1", mine, false, false, true));
    assertEquals(SyncRule.AfterSync.NONE, SyncRule.afterSync(JOINED, "node1", mine, false, true, true), "ready by another sync");
    assertEquals(SyncRule.AfterSync.RETRY, SyncRule.afterSync(JOINED, "node1", lost, false, false, true));
    assertEquals(SyncRule.AfterSync.NONE, SyncRule.afterSync(JOINED, "node1", lost, false, false, false), "nothing left to hand off");
    Ring.Placement without = ring(3, List.of("node2", "node3", "node4"));
    assertEquals(
        SyncRule.AfterSync.NONE,
        SyncRule.afterSync(without, "node1", lost, true, false, true),
        "never dropped under a ring that does not place this node");
  }

  @Test
  void caughtUpIsReportedOncePerVersionWhenEveryPartitionHereIsReady() {
    Ring.Placement placement = ring(5, THREE);
    int one = placement.partitionsOf("node1").get(0);
    assertEquals(OptionalLong.empty(), SyncRule.caughtUpUnder(placement, "node1", p -> p != one, 0));
    assertEquals(OptionalLong.of(5), SyncRule.caughtUpUnder(placement, "node1", p -> true, 0));
    assertEquals(OptionalLong.empty(), SyncRule.caughtUpUnder(placement, "node1", p -> true, 5), "reported already");
    assertEquals(OptionalLong.empty(), SyncRule.caughtUpUnder(ring(6, List.of("node2", "node3")), "node1", p -> true, 5));
  }

  @Test
  void aRepairPassQueuesEveryPartitionReplicatedHereThatNoComparisonCoversAlready() {
    Ring.Placement placement = ring(2, FOUR);
    List<Integer> mine = placement.partitionsOf("node1");
    int pending = mine.get(1);
    List<Integer> queued = SyncRule.repairPass(mine, Set.of(pending, partitionWhere(placement, p -> !placement.isReplica("node1", p))));
    assertEquals(mine.stream().filter(p -> p != pending).toList(), queued);
    assertEquals(mine, SyncRule.repairPass(mine, Set.of()));
  }

  @Test
  void aLeavingNodeHasHandedAPartitionOffOnlyWhenEveryReplicaItReachedHoldsWhatItHolds() {
    Ring.Placement placement = ring(1, THREE);
    int partition = 0;
    Set<String> others = Set.of("node2", "node3");
    assertTrue(SyncRule.handedOff(placement, "node1", partition, others, others));
    assertFalse(
        SyncRule.handedOff(placement, "node1", partition, others, Set.of("node2")),
        "node3 answered and differs: a write only node1 and node2 hold would be lost if both left");
    assertTrue(
        SyncRule.handedOff(placement, "node1", partition, Set.of("node2"), Set.of("node2")),
        "node3 is unreachable: nothing can be handed to it now, it catches up when back");
    assertTrue(SyncRule.handedOff(placement, "node1", partition, Set.of(), Set.of()), "no other replica is reachable");
  }
}
