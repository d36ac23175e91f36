package io.kvstore.replication;

import io.kvstore.CborSerializable;
import java.util.Arrays;
import java.util.Objects;

/**
 * The replicated state of one key: a last-writer-wins register whose causality is tracked by a
 * version vector. A delete or an expiry is a tombstone register, so it replicates and wins like a
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

  private static VersionVector nextVersion(Register previous, HlcTimestamp stamp) {
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
   * CRDT merge: a causally newer register wins; concurrent ones (two owners during a split
   * brain) resolve last-writer-wins on the HLC stamp, with merged version vectors so the result
   * dominates both.
   */
  public Register merge(Register other) {
    if (other == null) {
      return this;
    }
    switch (version.compareTo(other.version)) {
      case BEFORE:
        return other;
      case AFTER:
      case SAME:
        return this;
      default:
        Register winner = stamp.isAfter(other.stamp) ? this : other;
        return new Register(
            winner.value,
            version.merge(other.version),
            winner.stamp,
            winner.tombstone,
            winner.expiresAtMillis);
    }
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
