package io.kvstore.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PartitionReadinessTest {
  private static final int PARTITION = 125;
  private final PartitionReadiness readiness = new PartitionReadiness(1024);

  /**
   * Robustness seed 107 (partition-majority): the partition's replicas were [node3, node2, node5];
   * the minority side node3 + node5 acknowledged a QUORUM write, then the resolver downed both and
   * the new ring gave the partition to [node2, node1, node4]. node2 alone does not hold every
   * write the old ring acknowledged, so node1 may not become ready from it.
   */
  @Test
  void aReplicaGainedAtARingChangeOwesAMajorityOfThePreviousReplicas() {
    readiness.markNotReady(List.of(PARTITION));
    readiness.owePreviousReplicas(PARTITION, List.of("node3", "node2", "node5"), "node1", true);

    assertEquals(Set.of("node3", "node2", "node5"), readiness.formerReplicas(PARTITION));
    assertFalse(readiness.formerReplicasMetBy(PARTITION, Set.of("node2"), none()));
    assertTrue(readiness.formerReplicasMetBy(PARTITION, Set.of("node2", "node3"), none()));
    assertTrue(readiness.formerReplicasMetBy(PARTITION, Set.of("node3", "node5"), none()));
  }

  @Test
  void aFormerReplicaThatIsItselfStillCatchingUpDoesNotCountSoAChainOfRingChangesPassesNothingOn() {
    readiness.markNotReady(List.of(PARTITION));
    // node4 gains the partition from ring [node3, node2, node1], in which node1 had only just
    // gained it and is not ready: only ready peers are passed to formerReplicasMetBy.
    readiness.owePreviousReplicas(PARTITION, List.of("node3", "node2", "node1"), "node4", true);
    Set<String> readyPeersSynced = Set.of("node2");
    assertFalse(readiness.formerReplicasMetBy(PARTITION, readyPeersSynced, none()));
  }

  @Test
  void aPartitionStillOwingWhenTheRingChangesAgainCountsItselfTowardTheNewDebtsMajority() {
    readiness.markNotReady(List.of(PARTITION));
    readiness.owePreviousReplicas(PARTITION, List.of("node2", "node3", "node5"), "node1", true);
    readiness.owePreviousReplicas(PARTITION, List.of("node1", "node2", "node4"), "node1", false);
    assertTrue(readiness.formerReplicasMetBy(PARTITION, Set.of("node2", "node3"), none()), "node2 is one of the second ring's other two");
    assertFalse(readiness.formerReplicasMetBy(PARTITION, Set.of("node3", "node5"), none()), "neither is in the second ring");
  }

  /** After a full-cluster restart every node is catching up: none may wait for the others to be ready. */
  @Test
  void aPartitionOnlyCatchingUpSinceStartOwesNothingWhenTheRingChanges() {
    readiness.owePreviousReplicas(PARTITION, List.of("node1", "node2"), "node1", false);
    assertEquals(Set.of(), readiness.formerReplicas(PARTITION));
    assertTrue(readiness.formerReplicasMetBy(PARTITION, Set.of(), none()));
  }

  @Test
  void everyRingChangeWhileCatchingUpAddsWhatItOwes() {
    readiness.markNotReady(List.of(PARTITION));
    readiness.owePreviousReplicas(PARTITION, List.of("node3", "node2", "node5"), "node1", true);
    readiness.owePreviousReplicas(PARTITION, List.of("node3", "node2", "node1"), "node1", false);
    assertEquals(Set.of("node2", "node3", "node5"), readiness.formerReplicas(PARTITION));
    assertFalse(readiness.formerReplicasMetBy(PARTITION, Set.of("node2"), none()), "the first ring's majority is still owed");
    assertTrue(readiness.formerReplicasMetBy(PARTITION, Set.of("node2", "node5"), none()));
  }

  @Test
  void aReadyPartitionOwesNothingAndBecomingReadySettlesTheDebt() {
    readiness.markReady(PARTITION);
    readiness.owePreviousReplicas(PARTITION, List.of("node3", "node2", "node5"), "node1", true);
    assertEquals(Set.of(), readiness.formerReplicas(PARTITION));

    readiness.markNotReady(List.of(PARTITION));
    readiness.owePreviousReplicas(PARTITION, List.of("node3", "node2", "node5"), "node1", true);
    readiness.markReady(PARTITION);
    assertEquals(Set.of(), readiness.formerReplicas(PARTITION));
  }

  @Test
  void aNodesFirstRingOwesNothing() {
    readiness.owePreviousReplicas(PARTITION, List.of(), "node1", true);
    assertEquals(Set.of(), readiness.formerReplicas(PARTITION));
    assertTrue(readiness.formerReplicasMetBy(PARTITION, Set.of(), none()));
  }

  @Test
  void retiredFormerReplicasCountAsSyncedSinceTheOperatorGaveUpWhatOnlyTheyHeld() {
    readiness.markNotReady(List.of(PARTITION));
    readiness.owePreviousReplicas(PARTITION, List.of("node3", "node2", "node5"), "node1", true);
    assertTrue(readiness.formerReplicasMetBy(PARTITION, Set.of("node2"), Set.of("node3", "node5")::contains));
  }

  private static java.util.function.Predicate<String> none() {
    return node -> false;
  }
}
