package io.kvstore.repair;

import io.kvstore.ring.Ring;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.IntPredicate;

/**
 * The decisions of catch-up and hand-off, apart from the actor that carries them out ({@link
 * AntiEntropy}): what a ring change leaves to sync, with which peers, whether a sync proved
 * enough, and what follows it. A replica that stops counting toward read quorums too late, or
 * counts again too early, can return a value older than a completed QUORUM write; a hand-off
 * judged complete too early drops the only copy of a write.
 */
final class SyncRule {
  private SyncRule() {}

  /** What a ring change gives this node: partitions to catch up on, and partitions to hand off. */
  record RingDelta(List<Integer> acquired, List<Integer> released) {}

  static RingDelta delta(Ring.Placement previous, Ring.Placement current, String self) {
    List<Integer> acquired = new ArrayList<>();
    List<Integer> released = new ArrayList<>();
    for (int p = 0; p < current.ring().partitions(); p++) {
      boolean now = current.isReplica(self, p);
      if (now && !previous.isReplica(self, p)) {
        acquired.add(p);
      } else if (!now && previous.isReplica(self, p)) {
        released.add(p);
      }
    }
    return new RingDelta(acquired, released);
  }

  /**
   * What a pass an operator asked for (a repair) or a stop needs (a hand-off) queues: the
   * partitions asked for, but not one already waiting for or in a comparison (which covers it
   * anyway), so that none is compared twice over.
   */
  static List<Integer> repairPass(List<Integer> replicated, Set<Integer> pending) {
    return replicated.stream().filter(partition -> !pending.contains(partition)).toList();
  }

  /**
   * Whether a ring is one to act on. One that does not place this node is either stale (a
   * restarted node first sees the ring published while it was away, and is added a moment later)
   * or final (it is leaving, and every quorum write is on the other replicas too): handing
   * everything off under it would only drop data the node is about to need.
   */
  static boolean placesSelf(Ring.Placement placement, String self) {
    return placement.ring().nodes().contains(self);
  }

  /** Partitions held here, from an earlier life of this node, that the placement puts elsewhere. */
  static List<Integer> heldElsewhere(Ring.Placement placement, String self, IntPredicate holds) {
    List<Integer> elsewhere = new ArrayList<>();
    for (int p = 0; p < placement.ring().partitions(); p++) {
      if (!placement.isReplica(self, p) && holds.test(p)) {
        elsewhere.add(p);
      }
    }
    return elsewhere;
  }

  /**
   * As a ring is installed, before anyone reads with it: whether a partition of this node may
   * serve reads at once. Only when it has no other replica and no earlier ring to catch up from.
   */
  static boolean readyAtOnce(Ring.Placement placement, int partition) {
    return placement.replicas(partition).size() == 1 && placement.ring().unsettled().isEmpty();
  }

  /** The peers a sync exchanges with: a replica also pulls from earlier rings' replicas; a hand-off goes to the replicas only. */
  static Set<String> peers(Ring.Placement placement, String self, int partition) {
    return placement.isReplica(self, partition) ? placement.catchUpPeers(self, partition) : Set.copyOf(otherReplicas(placement, self, partition));
  }

  static List<String> otherReplicas(Ring.Placement placement, String self, int partition) {
    return placement.replicas(partition).stream().filter(node -> !node.equals(self)).toList();
  }

  /**
   * Whether a sync is complete: every peer tried answered, and a replica compared with enough
   * peers that every quorum write reached one of them or this node, while a hand-off reached
   * every replica.
   */
  static boolean syncComplete(
      Ring.Placement placement, String self, int partition, Set<String> tried, Set<String> synced, Set<String> retired) {
    boolean enough =
        placement.isReplica(self, partition)
            ? placement.caughtUp(self, partition, synced, retired)
            : synced.containsAll(otherReplicas(placement, self, partition));
    return synced.containsAll(tried) && enough;
  }

  /**
   * Whether a leaving node has handed a partition off: every other replica it could reach holds
   * what it holds (equal roots, or a completed exchange), so that writes it acknowledged outlive
   * it even when another replica leaves at the same time. A replica it cannot reach is not waited
   * for: nothing can be handed to it now, and it catches up from the others once it is back.
   */
  static boolean handedOff(Ring.Placement placement, String self, int partition, Set<String> reached, Set<String> holdingAll) {
    return otherReplicas(placement, self, partition).stream().filter(reached::contains).allMatch(holdingAll::contains);
  }

  /**
   * Whether equal Merkle roots prove a replica caught up, without a tree exchange: every replica
   * that answered agrees, and so do enough replicas of each earlier ring.
   */
  static boolean rootsProveCaughtUp(
      Ring.Placement placement, String self, int partition, Set<String> answered, Set<String> agreeing, Set<String> retired) {
    return handedOff(placement, self, partition, answered, agreeing) && placement.caughtUp(self, partition, agreeing, retired);
  }

  /**
   * Whether a sync or comparison started under an earlier placement still proves what it would
   * under the current one: the same role, and no replica list to catch up from that it did not
   * cover (settling only removes some).
   */
  static boolean stillApplies(Ring.Placement startedUnder, Ring.Placement current, String self, int partition) {
    return startedUnder == current
        || (startedUnder.isReplica(self, partition) == current.isReplica(self, partition)
            && startedUnder.catchUpSources(partition).containsAll(current.catchUpSources(partition)));
  }

  /** What follows a partition's sync. */
  enum AfterSync {
    /** Its reads count toward quorums again. */
    READY,
    /** Handed off: drop it here. */
    DROP,
    /** Try again from the next tick. */
    RETRY,
    /** Nothing left to do. */
    NONE
  }

  /**
   * @param complete {@link #syncComplete} and {@link #stillApplies} held
   * @param ready the partition's reads count already
   * @param held this node still holds data of the partition
   */
  static AfterSync afterSync(Ring.Placement current, String self, int partition, boolean complete, boolean ready, boolean held) {
    boolean replica = current.isReplica(self, partition);
    if (!complete) {
      return (replica ? !ready : held) ? AfterSync.RETRY : AfterSync.NONE;
    }
    if (replica) {
      return AfterSync.READY;
    }
    // Dropped only under a ring that places this node: see placesSelf.
    return placesSelf(current, self) ? AfterSync.DROP : AfterSync.NONE;
  }

  /**
   * The ring version to report as caught up under, once every partition this node replicates is
   * ready under a ring that places it, and only once per version.
   */
  static OptionalLong caughtUpUnder(Ring.Placement placement, String self, IntPredicate ready, long reported) {
    long version = placement.ring().version();
    return version > reported && placesSelf(placement, self) && placement.partitionsOf(self).stream().allMatch(ready::test)
        ? OptionalLong.of(version)
        : OptionalLong.empty();
  }
}
