package io.kvstore.crdt;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import io.kvstore.CborSerializable;
import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** Per-node write counters of one key; the partial order that tells stale from concurrent. */
public record VersionVector(Map<String, Long> entries) implements CborSerializable {

  public enum Order {
    BEFORE,
    AFTER,
    SAME,
    CONCURRENT
  }

  public static final VersionVector EMPTY = new VersionVector(Map.of());

  @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
  public VersionVector {
    entries = Collections.unmodifiableSortedMap(new TreeMap<>(entries));
  }

  @JsonValue
  @Override
  public Map<String, Long> entries() {
    return entries;
  }

  public long counter(String node) {
    return entries.getOrDefault(node, 0L);
  }

  public VersionVector increment(String node) {
    Map<String, Long> next = new TreeMap<>(entries);
    next.merge(node, 1L, Long::sum);
    return new VersionVector(next);
  }

  public VersionVector merge(VersionVector other) {
    Map<String, Long> merged = new TreeMap<>(entries);
    other.entries.forEach((node, counter) -> merged.merge(node, counter, Math::max));
    return new VersionVector(merged);
  }

  /**
   * This vector without the entries of {@code nodes}. Removing a fixed set commutes with {@link
   * #merge}, so replicas that prune the same set still converge.
   */
  public VersionVector without(Set<String> nodes) {
    if (nodes.isEmpty() || nodes.stream().noneMatch(entries::containsKey)) {
      return this;
    }
    Map<String, Long> kept = new TreeMap<>(entries);
    kept.keySet().removeAll(nodes);
    return new VersionVector(kept);
  }

  /** How this vector relates to {@code other}: BEFORE means {@code other} has seen all of this. */
  public Order compareTo(VersionVector other) {
    boolean thisAhead = false;
    boolean otherAhead = false;
    for (String node : union(other)) {
      long mine = counter(node);
      long theirs = other.counter(node);
      if (mine > theirs) {
        thisAhead = true;
      } else if (theirs > mine) {
        otherAhead = true;
      }
    }
    if (thisAhead && otherAhead) {
      return Order.CONCURRENT;
    }
    return thisAhead ? Order.AFTER : otherAhead ? Order.BEFORE : Order.SAME;
  }

  private Iterable<String> union(VersionVector other) {
    TreeMap<String, Long> all = new TreeMap<>(entries);
    all.putAll(other.entries);
    return all.keySet();
  }
}
