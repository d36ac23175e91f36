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
 * <p>A fresh node (nothing remembered, or a last ring of itself alone) has no ring to go by:
 * the first of the seed nodes founds the cluster once a strict majority of the seed nodes,
 * itself included, wait to join and none is a member ({@link #mayFoundFresh}). Akka's first seed
 * would also found one when no other seed answers within its seed-node timeout, and a node whose
 * data was wiped, restarted into a cluster that answers late, would found a second cluster. The
 * other seeds join as Akka has them join.
 */
public final class FormationRule {
  private FormationRule() {}

  /** Whether {@code self} must leave forming to the rule instead of Akka's seed-node process. */
  public static boolean remembersOthers(String self, Collection<String> remembered) {
    return remembered.stream().anyMatch(id -> !id.equals(self));
  }

  /**
   * @param seedNodes how many seed nodes there are, the first seed (which asks) among them
   * @param answers what the other seed nodes answered during the last probe round, one per node
   * @return whether the first seed, a fresh node, founds the cluster now
   */
  public static boolean mayFoundFresh(int seedNodes, Collection<ClusterFormation.Answer> answers) {
    return answers.stream().noneMatch(ClusterFormation.Answer::member) && (answers.size() + 1L) * 2 > seedNodes;
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
