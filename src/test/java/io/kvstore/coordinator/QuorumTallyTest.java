package io.kvstore.coordinator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class QuorumTallyTest {
  @Test
  void aQuorumSucceedsOnceOnTheAnswerThatReachesIt() {
    QuorumTally quorum = new QuorumTally(2, 3);
    assertFalse(quorum.succeed());
    assertTrue(quorum.succeed());
    assertFalse(quorum.succeed(), "said once");
    assertFalse(quorum.fail("n3: late"), "too late to fail");
  }

  @Test
  void allFailsOnTheFirstFailureAndNamesIt() {
    // The audit: ALL of 3 with one replica paused, the other two up. The refusal was reported as
    // "1 did" while two were answering; the failure alone decides, and is what is named.
    QuorumTally all = new QuorumTally(3, 3);
    assertFalse(all.succeed());
    assertTrue(all.fail("node3: no answer within 2000 ms"));
    assertEquals(List.of("node3: no answer within 2000 ms"), all.shortfalls());
    assertFalse(all.succeed());
    assertFalse(all.fail("node2: x"), "said once");
  }

  @Test
  void aQuorumFailsOnlyWhenTooFewAnswersAreLeft() {
    QuorumTally quorum = new QuorumTally(2, 3);
    assertFalse(quorum.fail("n1: not available"));
    assertTrue(quorum.fail("n2: still catching up"));
    assertEquals(List.of("n1: not available", "n2: still catching up"), quorum.shortfalls());
  }
}
