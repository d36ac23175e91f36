package io.kvstore.cluster;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kvstore.cluster.ClusterFormation.Answer;
import java.util.List;
import org.junit.jupiter.api.Test;

class FormationRuleTest {
  private static final List<String> RING = List.of("node1", "node2", "node3");

  @Test
  void aRestartedNodeThatHearsFromNoOneFoundsNothing() {
    // Seed 104 (pause-long): the members did not answer within the seed-node timeout.
    assertFalse(FormationRule.mayFound("node1", RING, List.of()));
  }

  @Test
  void noNodeFoundsWhileAnyAnswerComesFromAMember() {
    assertFalse(FormationRule.mayFound("node1", RING, List.of(new Answer("node2", true), new Answer("node3", false))));
  }

  @Test
  void theLowestIdOfAWaitingMajorityFoundsAndOnlyIt() {
    List<Answer> allWaiting = List.of(new Answer("node1", false), new Answer("node2", false), new Answer("node3", false));
    assertTrue(FormationRule.mayFound("node1", RING, allWaiting.subList(1, 3)));
    assertFalse(FormationRule.mayFound("node2", RING, List.of(allWaiting.get(0), allWaiting.get(2))));
    assertFalse(FormationRule.mayFound("node3", RING, allWaiting.subList(0, 2)));
  }

  @Test
  void withTheLowestIdGoneTheNextOfTheMajorityFounds() {
    assertTrue(FormationRule.mayFound("node2", RING, List.of(new Answer("node3", false))));
  }

  @Test
  void aMinorityOfTheRememberedRingFoundsNothing() {
    List<String> five = List.of("node1", "node2", "node3", "node4", "node5");
    assertFalse(FormationRule.mayFound("node1", five, List.of(new Answer("node2", false))));
    assertTrue(FormationRule.mayFound("node1", five, List.of(new Answer("node2", false), new Answer("node4", false))));
  }

  @Test
  void nodesOutsideTheRememberedRingDoNotMakeAMajority() {
    assertFalse(FormationRule.mayFound("node1", RING, List.of(new Answer("node7", false), new Answer("node8", false))));
  }

  @Test
  void aNodeOutsideItsOwnRememberedRingNeverFounds() {
    assertFalse(FormationRule.mayFound("node4", RING, List.of(new Answer("node1", false), new Answer("node2", false))));
  }

  @Test
  void aFreshFirstSeedFoundsOnlyWithAMajorityOfTheSeedsWaitingAndNoMember() {
    // A wiped first seed restarted into a cluster whose members answer late hears nothing: Akka's
    // own first seed would found a second cluster at its seed-node timeout.
    assertFalse(FormationRule.mayFoundFresh(3, List.of()));
    assertTrue(FormationRule.mayFoundFresh(3, List.of(new Answer("node2", false))));
    assertFalse(FormationRule.mayFoundFresh(3, List.of(new Answer("node2", false), new Answer("node3", true))));
    assertFalse(FormationRule.mayFoundFresh(5, List.of(new Answer("node2", false))));
    assertTrue(FormationRule.mayFoundFresh(5, List.of(new Answer("node2", false), new Answer("node5", false))));
  }

  @Test
  void onlyARingWithOtherMembersCountsAsRemembered() {
    assertFalse(FormationRule.remembersOthers("node1", List.of()));
    assertFalse(FormationRule.remembersOthers("node1", List.of("node1")));
    assertTrue(FormationRule.remembersOthers("node1", RING));
  }
}
