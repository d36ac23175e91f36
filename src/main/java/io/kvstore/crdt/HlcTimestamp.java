package io.kvstore.crdt;

import io.kvstore.CborSerializable;
import java.util.Comparator;

/**
 * A hybrid-logical-clock stamp: wall-clock millis, a logical counter for events within the same
 * millisecond (or while the wall clock lags a seen stamp), and the writing node as tie-break, so
 * two stamps from different nodes are never equal and last-writer-wins is total.
 */
public record HlcTimestamp(long physicalMillis, int logical, String node)
    implements Comparable<HlcTimestamp>, CborSerializable {

  private static final Comparator<HlcTimestamp> ORDER =
      Comparator.comparingLong(HlcTimestamp::physicalMillis)
          .thenComparingInt(HlcTimestamp::logical)
          .thenComparing(HlcTimestamp::node);

  @Override
  public int compareTo(HlcTimestamp other) {
    return ORDER.compare(this, other);
  }

  public boolean isAfter(HlcTimestamp other) {
    return compareTo(other) > 0;
  }
}
