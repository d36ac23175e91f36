package io.kvstore.cluster;

import akka.cluster.MemberStatus;
import io.kvstore.ring.RetiredNodes;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * One kvstore member as the ring keeper weighs it. Pure, so the keeper's rules test without a
 * cluster.
 */
record MemberView(String nodeId, MemberStatus status, boolean reachable) {

  /**
   * Up members form the ring, reachable or not: a pause must not move partitions, and the split
   * brain resolver downs a member whose unreachability lasts.
   */
  boolean formsRing(RetiredNodes retired) {
    return status.equals(MemberStatus.up()) && !retired.contains(nodeId);
  }

  /**
   * Whether the member counts toward the majority of the last ring that a new ring needs (see
   * {@link RingMemory#mayPublish}). An unreachable member does not, though it is still Up: the
   * resolver may be downing it in the same decision as another member, and a leader that applied
   * one downing before the other would otherwise publish a ring made mostly of members about to
   * go, which the survivors could then never outvote.
   */
  boolean present() {
    return reachable
        && (status.equals(MemberStatus.up())
            || status.equals(MemberStatus.leaving())
            || status.equals(MemberStatus.exiting()));
  }

  /** The ids that form the next ring, sorted so every leader derives the same list. */
  static List<String> ringMembers(Collection<MemberView> members, RetiredNodes retired) {
    return members.stream().filter(member -> member.formsRing(retired)).map(MemberView::nodeId).sorted().distinct().toList();
  }

  static Set<String> presentMembers(Collection<MemberView> members) {
    return members.stream().filter(MemberView::present).map(MemberView::nodeId).collect(Collectors.toUnmodifiableSet());
  }
}
