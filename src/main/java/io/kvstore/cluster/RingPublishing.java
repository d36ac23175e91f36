package io.kvstore.cluster;

import io.kvstore.ring.Ring;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * When the cluster leader publishes a new ring, and which, apart from the actor that publishes
 * it ({@link RingKeeper}). A ring published by a minority would let that minority acknowledge
 * writes the majority never sees; one never published leaves new nodes without partitions.
 */
final class RingPublishing {
  private RingPublishing() {}

  enum Decision {
    /** Only the leader publishes. */
    NOT_LEADER,
    /** No member may be in a ring yet (none is Up, or all are retired). */
    NO_MEMBERS,
    /** Too few of the last ring's members are present: a ring now could split the cluster. */
    HOLD_BACK,
    PUBLISH
  }

  /**
   * @param remembered the members of the last ring this node installed (kept across restarts)
   * @param present reachable Up members and members leaving gracefully
   */
  static Decision decide(boolean leader, List<String> ringMembers, List<String> remembered, Set<String> present) {
    if (!leader) {
      return Decision.NOT_LEADER;
    }
    if (ringMembers.isEmpty()) {
      return Decision.NO_MEMBERS;
    }
    return RingMemory.mayPublish(remembered, present) ? Decision.PUBLISH : Decision.HOLD_BACK;
  }

  /**
   * Whether there is a newer ring to publish over {@code ring}: other members, or a settlement
   * once every member caught up under it ({@code caughtUpUnder}: each node's last report).
   * Every publication is a write to all nodes, so the periodic check publishes only then.
   */
  static boolean needed(Ring ring, List<String> ringMembers, Map<String, Long> caughtUpUnder) {
    return !ring.nodes().equals(ringMembers) || ring.settledBy(caughtUpUnder);
  }

  /**
   * What the leader writes over the ring Distributed Data holds now (which may be newer than the
   * one this node installed): the next version for other members, else the settled ring, else
   * the same ring (nothing to write).
   */
  static Ring next(Ring current, List<String> ringMembers, Map<String, Long> caughtUpUnder) {
    if (!current.nodes().equals(ringMembers)) {
      return current.withMembers(current.version() + 1, ringMembers);
    }
    return current.settledBy(caughtUpUnder) ? current.settled() : current;
  }
}
