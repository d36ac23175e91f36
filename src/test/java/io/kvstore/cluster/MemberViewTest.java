package io.kvstore.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.cluster.MemberStatus;
import io.kvstore.ring.RetiredNodes;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class MemberViewTest {
  private final RetiredNodes noneRetired = new RetiredNodes();

  private static MemberView reachable(String nodeId, MemberStatus status) {
    return new MemberView(nodeId, status, true);
  }

  private static MemberView unreachable(String nodeId, MemberStatus status) {
    return new MemberView(nodeId, status, false);
  }

  /**
   * The membership the leader node3 saw in robustness seed 108 (partition-one-way): the resolver
   * decided to down node1 and node2, and node3 applied node1's downing first. Counting node2 as
   * present let it publish [node2, node3] in between, and once node2 was gone too, the restarted
   * node1 and node3 were one of that ring's two members: no majority, no ring, for 79 s.
   */
  @Test
  void aLeaderBetweenTheTwoDowningsOfOneResolverDecisionHoldsTheRingBack() {
    List<String> lastRing = List.of("node1", "node2", "node3");
    List<MemberView> betweenDownings =
        List.of(
            unreachable("node1", MemberStatus.down()),
            unreachable("node2", MemberStatus.up()),
            reachable("node3", MemberStatus.up()));

    assertEquals(List.of("node2", "node3"), MemberView.ringMembers(betweenDownings, noneRetired));
    assertEquals(Set.of("node3"), MemberView.presentMembers(betweenDownings));
    assertFalse(RingMemory.mayPublish(lastRing, MemberView.presentMembers(betweenDownings)));

    List<MemberView> node1Restarted =
        List.of(reachable("node1", MemberStatus.up()), reachable("node3", MemberStatus.up()));
    assertTrue(
        RingMemory.mayPublish(lastRing, MemberView.presentMembers(node1Restarted)),
        "the restarted node1 and node3 are two of the last ring's three");
    assertEquals(List.of("node1", "node3"), MemberView.ringMembers(node1Restarted, noneRetired));
  }

  @Test
  void anUnreachableMemberStaysInTheRingSoAPauseMovesNoPartitions() {
    List<MemberView> members =
        List.of(
            reachable("node1", MemberStatus.up()),
            unreachable("node2", MemberStatus.up()),
            reachable("node3", MemberStatus.up()));
    assertEquals(List.of("node1", "node2", "node3"), MemberView.ringMembers(members, noneRetired));
  }

  @Test
  void membersLeavingGracefullyAgreeToTheNewRingButDoNotFormIt() {
    List<MemberView> members =
        List.of(
            reachable("node1", MemberStatus.up()),
            reachable("node2", MemberStatus.leaving()),
            reachable("node3", MemberStatus.exiting()),
            reachable("node4", MemberStatus.joining()));
    assertEquals(List.of("node1"), MemberView.ringMembers(members, noneRetired));
    assertEquals(Set.of("node1", "node2", "node3"), MemberView.presentMembers(members));
  }

  @Test
  void aRetiredIdNeverFormsTheRing() {
    RetiredNodes retired = new RetiredNodes();
    retired.update(Set.of("node2"));
    List<MemberView> members = List.of(reachable("node1", MemberStatus.up()), reachable("node2", MemberStatus.up()));
    assertEquals(List.of("node1"), MemberView.ringMembers(members, retired));
  }

  @Test
  void aRestartedNodeSeenTwiceFormsTheRingOnce() {
    List<MemberView> members =
        List.of(
            unreachable("node1", MemberStatus.down()),
            reachable("node1", MemberStatus.up()),
            reachable("node2", MemberStatus.up()));
    assertEquals(List.of("node1", "node2"), MemberView.ringMembers(members, noneRetired));
  }
}
