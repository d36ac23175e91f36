package io.kvstore.crdt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** The laws version vectors must obey for replicas to agree on causality (jqwik, seeded runs). */
class VersionVectorPropertiesTest {

  @Provide
  Arbitrary<VersionVector> vectors() {
    return Arbitraries.maps(Arbitraries.of("n1", "n2", "n3", "n4"), Arbitraries.longs().between(1, 5))
        .ofMaxSize(4)
        .map(VersionVector::new);
  }

  @Provide
  Arbitrary<List<String>> writers() {
    return Arbitraries.of("n1", "n2", "n3").list().ofMaxSize(6);
  }

  @Property(seed = "20261123")
  void mergeIsCommutativeAssociativeAndIdempotent(
      @ForAll("vectors") VersionVector a, @ForAll("vectors") VersionVector b, @ForAll("vectors") VersionVector c) {
    assertEquals(a.merge(b), b.merge(a));
    assertEquals(a.merge(b).merge(c), a.merge(b.merge(c)));
    assertEquals(a, a.merge(a));
  }

  @Property(seed = "20261123")
  void theMergeIsTheLeastVectorThatHasSeenBoth(@ForAll("vectors") VersionVector a, @ForAll("vectors") VersionVector b) {
    VersionVector merged = a.merge(b);
    assertTrue(List.of(VersionVector.Order.AFTER, VersionVector.Order.SAME).contains(merged.compareTo(a)));
    assertTrue(List.of(VersionVector.Order.AFTER, VersionVector.Order.SAME).contains(merged.compareTo(b)));
    for (Map.Entry<String, Long> entry : merged.entries().entrySet()) {
      assertEquals(Math.max(a.counter(entry.getKey()), b.counter(entry.getKey())), entry.getValue());
    }
  }

  /** Replicas prune retired nodes at different times; pruning before or after a merge must agree. */
  @Property(seed = "20261123")
  void pruningRetiredNodesCommutesWithMerge(
      @ForAll("vectors") VersionVector a, @ForAll("vectors") VersionVector b, @ForAll("retired") Set<String> retired) {
    assertEquals(a.merge(b).without(retired), a.without(retired).merge(b.without(retired)));
    assertEquals(a.merge(b).without(retired), a.without(retired).merge(b).without(retired));
    assertTrue(a.without(retired).entries().keySet().stream().noneMatch(retired::contains));
  }

  @Provide
  Arbitrary<Set<String>> retired() {
    return Arbitraries.of("n1", "n2", "n3", "n4").set().ofMaxSize(2);
  }

  @Property(seed = "20261123")
  void orderIsAntisymmetric(@ForAll("vectors") VersionVector a, @ForAll("vectors") VersionVector b) {
    VersionVector.Order forward = a.compareTo(b);
    VersionVector.Order backward = b.compareTo(a);
    switch (forward) {
      case BEFORE -> assertEquals(VersionVector.Order.AFTER, backward);
      case AFTER -> assertEquals(VersionVector.Order.BEFORE, backward);
      case SAME -> assertEquals(a, b);
      case CONCURRENT -> assertEquals(VersionVector.Order.CONCURRENT, backward);
    }
  }

  @Property(seed = "20261123")
  void everyIncrementIsStrictlyAfterWhatItSaw(@ForAll("vectors") VersionVector start, @ForAll("writers") List<String> writers) {
    VersionVector current = start;
    for (String writer : writers) {
      VersionVector next = current.increment(writer);
      assertEquals(VersionVector.Order.AFTER, next.compareTo(current));
      assertEquals(VersionVector.Order.AFTER, next.compareTo(start));
      current = next;
    }
  }

  @Property(seed = "20261123")
  void writesOnTwoSidesOfASplitAreConcurrent(@ForAll("vectors") VersionVector base) {
    VersionVector left = base.increment("n1");
    VersionVector right = base.increment("n2");
    assertEquals(VersionVector.Order.CONCURRENT, left.compareTo(right));
    assertNotEquals(left, right);
  }
}
