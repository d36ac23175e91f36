package io.kvstore.crdt;

import java.util.function.LongSupplier;

/**
 * One per node. Stamps are strictly increasing on a node even if the wall clock steps back, and
 * {@link #observe} keeps them after any stamp received from elsewhere.
 */
public final class HybridLogicalClock {
  private final String node;
  private final LongSupplier wallClockMillis;
  private long lastPhysical;
  private int lastLogical;

  public HybridLogicalClock(String node, LongSupplier wallClockMillis) {
    this.node = node;
    this.wallClockMillis = wallClockMillis;
  }

  public static HybridLogicalClock system(String node) {
    return new HybridLogicalClock(node, System::currentTimeMillis);
  }

  /** The wall clock this HLC reads: the one "now" for TTL checks on this node. */
  public long wallMillis() {
    return wallClockMillis.getAsLong();
  }

  public synchronized HlcTimestamp now() {
    long wall = wallClockMillis.getAsLong();
    if (wall > lastPhysical) {
      lastPhysical = wall;
      lastLogical = 0;
    } else {
      lastLogical++;
    }
    return new HlcTimestamp(lastPhysical, lastLogical, node);
  }

  /** Moves the clock past a stamp seen from another node (replicated register, recovery). */
  public synchronized void observe(HlcTimestamp seen) {
    if (seen.physicalMillis() > lastPhysical
        || (seen.physicalMillis() == lastPhysical && seen.logical() > lastLogical)) {
      lastPhysical = seen.physicalMillis();
      lastLogical = seen.logical();
    }
  }

  /** A stamp after {@code previous} (null for none): the stamp of a version that replaces it. */
  public synchronized HlcTimestamp nowAfter(HlcTimestamp previous) {
    if (previous != null) {
      observe(previous);
    }
    return now();
  }
}
