package io.kvstore.ring;

import io.kvstore.crdt.Register;
import java.util.Set;

/**
 * Node ids an operator removed from the cluster for good ({@code DELETE /api/v1/cluster/nodes/{id}}).
 * Their entries are pruned from the version vectors this node stores, so vectors do not grow
 * with every node that ever owned a key. The set only grows (a grow-only set in Distributed
 * Data), and a retired id never rejoins the ring, so no version is ever written under it again.
 * Pruning removes a fixed set from both sides of a merge alike, so it keeps the merge laws:
 * replicas that know the same set converge on the same registers.
 */
public final class RetiredNodes {
  private volatile Set<String> ids = Set.of();

  public Set<String> ids() {
    return ids;
  }

  /** Replaces the set with a newer one from Distributed Data (always a superset). */
  public void update(Set<String> retired) {
    ids = Set.copyOf(retired);
  }

  public boolean contains(String nodeId) {
    return ids.contains(nodeId);
  }

  public Register prune(Register register) {
    return register == null ? null : register.without(ids);
  }
}
