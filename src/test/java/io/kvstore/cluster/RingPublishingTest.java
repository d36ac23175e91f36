package io.kvstore.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kvstore.ring.Ring;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RingPublishingTest {
  private static final List<String> THREE = List.of("node1", "node2", "node3");
  private static final List<String> FOUR = List.of("node1", "node2", "node3", "node4");
  private static final Ring RING_OF_THREE = new Ring(1, THREE, 16, 3);

  @Test
  void onlyTheLeaderPublishesAndOnlyWithAMajorityOfTheLastRingPresent() {
    Set<String> all = Set.copyOf(THREE);
    assertEquals(RingPublishing.Decision.NOT_LEADER, RingPublishing.decide(false, THREE, THREE, all));
    assertEquals(RingPublishing.Decision.NO_MEMBERS, RingPublishing.decide(true, List.of(), THREE, all));
    assertEquals(RingPublishing.Decision.PUBLISH, RingPublishing.decide(true, THREE, THREE, all));
    assertEquals(RingPublishing.Decision.PUBLISH, RingPublishing.decide(true, List.of("node1", "node2"), THREE, Set.of("node1", "node2")));
    // The seed-104 case: a restarted node1 alone, remembering the ring of three.
    assertEquals(RingPublishing.Decision.HOLD_BACK, RingPublishing.decide(true, List.of("node1"), THREE, Set.of("node1")));
    assertEquals(RingPublishing.Decision.PUBLISH, RingPublishing.decide(true, List.of("node1"), List.of(), Set.of("node1")), "a fresh cluster");
  }

  @Test
  void aRingIsNeededForOtherMembersOrForASettlementAndOtherwiseNot() {
    assertFalse(RingPublishing.needed(RING_OF_THREE, THREE, Map.of()));
    assertTrue(RingPublishing.needed(RING_OF_THREE, FOUR, Map.of()));
    Ring joined = RING_OF_THREE.withMembers(2, FOUR);
    Map<String, Long> allCaughtUp = Map.of("node1", 2L, "node2", 2L, "node3", 2L, "node4", 2L);
    assertFalse(RingPublishing.needed(joined, FOUR, Map.of("node1", 2L, "node2", 2L, "node3", 2L, "node4", 1L)), "node4 has not caught up");
    assertTrue(RingPublishing.needed(joined, FOUR, allCaughtUp));
    assertFalse(RingPublishing.needed(joined.settled(), FOUR, Map.of("node1", 3L, "node2", 3L, "node3", 3L, "node4", 3L)), "nothing left to settle");
  }

  @Test
  void theNextRingBumpsTheVersionOverWhateverIsPublishedNow() {
    Ring joined = RingPublishing.next(RING_OF_THREE, FOUR, Map.of());
    assertEquals(2, joined.version());
    assertEquals(FOUR, joined.nodes());
    assertEquals(List.of(new Ring.Earlier(1, THREE)), joined.unsettled(), "the ring of three stays a catch-up source");

    Ring settled = RingPublishing.next(joined, FOUR, Map.of("node1", 2L, "node2", 2L, "node3", 2L, "node4", 2L));
    assertEquals(3, settled.version());
    assertEquals(List.of(), settled.unsettled());

    assertSame(settled, RingPublishing.next(settled, FOUR, Map.of()), "nothing to write");
  }
}
