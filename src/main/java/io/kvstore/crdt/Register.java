package io.kvstore.crdt;

import io.kvstore.CborSerializable;
import java.util.Arrays;
import java.util.Objects;
import java.util.Set;

/**
 * The replicated state of one key, a CRDT: a last-writer-wins register whose causality is tracked
 * by a version vector. A delete or an expiry is a tombstone register, so it replicates and wins like a
 * write.
 *
 * @param value the bytes; empty for a tombstone
 * @param expiresAtMillis epoch millis after which the value reads as absent; 0 = never
 */
public record Register(
    byte[] value, VersionVector version, HlcTimestamp stamp, boolean tombstone, long expiresAtMillis)
    implements CborSerializable {

  public static Register write(
      Register previous, byte[] value, HlcTimestamp stamp, long expiresAtMillis) {
    return new Register(value, nextVersion(previous, stamp), stamp, false, expiresAtMillis);
  }

  public static Register tombstone(Register previous, HlcTimestamp stamp) {
    return new Register(new byte[0], nextVersion(previous, stamp), stamp, true, 0L);
  }

  /**
   * The next version after {@code previous}. Its stamp must come after the previous one (the
   * writer's clock has observed it, see {@link HybridLogicalClock#nowAfter}): that is what lets
   * {@link #merge} pick by stamp and still never let an older version beat a newer one.
   */
  private static VersionVector nextVersion(Register previous, HlcTimestamp stamp) {
    if (previous != null && !stamp.isAfter(previous.stamp)) {
      throw new IllegalArgumentException(
          "stamp " + stamp + " does not come after the version it replaces, " + previous.stamp);
    }
    VersionVector base = previous == null ? VersionVector.EMPTY : previous.version();
    return base.increment(stamp.node());
  }

  /** Present to readers at {@code nowMillis}: not deleted and not expired. */
  public boolean isLiveAt(long nowMillis) {
    return !tombstone && !isExpiredAt(nowMillis);
  }

  public boolean isExpiredAt(long nowMillis) {
    return expiresAtMillis != 0 && nowMillis >= expiresAtMillis;
  }

  /**
   * The opaque version token clients see and send back in {@code If-Match}: unique per write,
   * since a node's HLC stamps never repeat and the writer's name is part of it.
   */
  public String versionToken() {
    return "v"
        + version.counter(stamp.node())
        + "-"
        + Long.toString(stamp.physicalMillis(), 36)
        + "."
        + stamp.logical()
        + "-"
        + stamp.node();
  }

  /**
   * CRDT merge: the register with the newest HLC stamp, carrying the join of both version
   * vectors. Max and join are both semilattice operations, so the merge is commutative,
   * associative and idempotent; and because a writer's clock observes what it overwrote, a
   * causally newer register always has the newer stamp, so a dominating version always wins.
   * Concurrent versions (two owners during a split brain) resolve last-writer-wins on the stamp.
   */
  public Register merge(Register other) {
    if (other == null || other == this) {
      return this;
    }
    Register winner = other.stamp.isAfter(stamp) ? other : this;
    VersionVector joined = version.merge(other.version);
    return joined.equals(winner.version)
        ? winner
        : new Register(winner.value, joined, winner.stamp, winner.tombstone, winner.expiresAtMillis);
  }

  /** This register with the version-vector entries of {@code nodes} pruned; itself when it has none. */
  public Register without(Set<String> nodes) {
    VersionVector pruned = version.without(nodes);
    return pruned == version ? this : new Register(value, pruned, stamp, tombstone, expiresAtMillis);
  }

  /** Neither register has seen the other: merging them resolves a conflict last-writer-wins. */
  public boolean isConcurrentWith(Register other) {
    return other != null && version.compareTo(other.version) == VersionVector.Order.CONCURRENT;
  }

  /** Whether {@code other} adds nothing this register has not seen (merging it changes nothing). */
  public boolean covers(Register other) {
    return other == null || equals(merge(other));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Register r
        && Arrays.equals(value, r.value)
        && version.equals(r.version)
        && stamp.equals(r.stamp)
        && tombstone == r.tombstone
        && expiresAtMillis == r.expiresAtMillis;
  }

  @Override
  public int hashCode() {
    return Objects.hash(Arrays.hashCode(value), version, stamp, tombstone, expiresAtMillis);
  }

  @Override
  public String toString() {
    return "Register[" + versionToken() + ", " + value.length + " bytes"
        + (tombstone ? ", tombstone" : "") + (expiresAtMillis != 0 ? ", expires " + expiresAtMillis : "") + "]";
  }
}
