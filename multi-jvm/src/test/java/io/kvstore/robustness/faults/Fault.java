package io.kvstore.robustness.faults;

import io.kvstore.robustness.Cluster;
import io.kvstore.robustness.history.History;
import java.time.Duration;
import java.util.List;
import java.util.Random;

/**
 * One kind of fault. A run injects its faults at a seeded time, waits {@link #duration}, and
 * heals them; then the cluster must recover on its own, except that nodes which stopped (killed,
 * or downed by the others and so shut down) are started again.
 */
public interface Fault {
  /** What a fault may need to reach: the run, its cluster, the seeded randomness. */
  record Context(Cluster cluster, Random random, History history, List<String> keys) {}

  /** What the cluster must offer for this fault. */
  record Needs(int nodes, int capacity, boolean fakeClocks, boolean smallDisks) {
    public static final Needs THREE_NODES = new Needs(3, 3, false, false);

    public Needs and(Needs other) {
      return new Needs(
          Math.max(nodes, other.nodes),
          Math.max(capacity, other.capacity),
          fakeClocks || other.fakeClocks,
          smallDisks || other.smallDisks);
    }
  }

  String name();

  default Needs needs() {
    return Needs.THREE_NODES;
  }

  /** How long the fault lasts before it is healed. */
  default Duration duration(Random random) {
    return Duration.ofMillis(5000 + random.nextInt(7000));
  }

  /** @return what was done, for the report */
  String inject(Context context) throws Exception;

  void heal(Context context) throws Exception;
}
