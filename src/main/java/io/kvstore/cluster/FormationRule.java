package io.kvstore.cluster;

import java.util.Collection;
import java.util.List;
import java.util.TreeSet;

/**
 * When a node that remembers a ring may start a new cluster with itself as its first member,
 * instead of waiting to join an existing one.
 *
 * <p>Why a rule at all: Akka's first seed node joins itself whenever no other seed answers
 * within the seed-node timeout. A node restarted after the others downed it can miss that
 * window (they take seconds to let go of its previous incarnation) and would found a second
 * cluster beside the real one (robustness seed 104, pause-long). A node that remembers a ring
 * therefore never joins itself on a timeout: it joins an existing member, or founds a new
 * cluster only together with a strict majority of its remembered ring, all of them waiting to
 * join. Of those, the lowest node id founds it and the others join it, so concurrent restarts
 * of a whole cluster pick one founder. Two majorities of one ring always share a node, and a
 * node waits while any answer comes from a member.
 *
 * <p>A fresh node (nothing remembered) and a node whose last ring held only itself follow
 * Akka's seed-node process unchanged.
 */
public final class FormationRule {
  private FormationRule() {}

  /** Whether {@code self} must leave forming to the rule instead of Akka's seed-node process. */
  public static boolean remembersOthers(String self, Collection<String> remembered) {
    return remembered.stream().anyMatch(id -> !id.equals(self));
  }

  /**
   * @param answers what the other seed nodes answered during the last probe round
   * @return whether {@code self} founds a new cluster now
   */
  public static boolean mayFound(String self, List<String> remembered, Collection<ClusterFormation.Answer> answers) {
    if (!remembered.contains(self) || answers.stream().anyMatch(ClusterFormation.Answer::member)) {
      return false;
    }
    TreeSet<String> waiting = new TreeSet<>();
    waiting.add(self);
    answers.stream().map(ClusterFormation.Answer::nodeId).filter(remembered::contains).forEach(waiting::add);
    return waiting.size() * 2 > remembered.size() && waiting.first().equals(self);
  }
}
