package io.kvstore.crdt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The CRDT laws of {@link Register#merge}, on registers made the way the system makes them: nodes
 * write (possibly from stale copies, as owners on two sides of a split do), copies are merged
 * between nodes, and every node's wall clock wanders independently.
 */
class RegisterPropertiesTest {

  /** One step of a history: {@code node} writes (or deletes) on top of what it holds, or pulls a copy. */
  record Step(int node, int kind, int from, long wallStep) {}

  @Provide
  Arbitrary<List<Step>> histories() {
    Arbitrary<Step> step =
        Combinators.combine(
                Arbitraries.integers().between(0, 2),
                Arbitraries.integers().between(0, 2),
                Arbitraries.integers().between(0, 2),
                Arbitraries.longs().between(-50, 50))
            .as(Step::new);
    return step.list().ofMinSize(1).ofMaxSize(12);
  }

  /** Every version a history wrote anywhere, in write order; it always starts with a write on n1. */
  static List<Register> run(List<Step> steps) {
    String[] names = {"n1", "n2", "n3"};
    long[] walls = {1_000, 1_000, 1_000};
    List<HybridLogicalClock> clocks = new ArrayList<>();
    for (int i = 0; i < names.length; i++) {
      int node = i;
      clocks.add(new HybridLogicalClock(names[i], () -> walls[node]));
    }
    Map<Integer, Register> held = new HashMap<>();
    List<Register> written = new ArrayList<>();
    List<Step> all = new ArrayList<>(List.of(new Step(0, 0, 0, 0)));
    all.addAll(steps);
    for (Step step : all) {
      walls[step.node()] += step.wallStep();
      Register current = held.get(step.node());
      if (step.kind() == 2) {
        Register pulled = held.get(step.from());
        if (pulled != null) {
          clocks.get(step.node()).observe(pulled.stamp());
          held.put(step.node(), pulled.merge(current));
        }
        continue;
      }
      HlcTimestamp stamp = clocks.get(step.node()).nowAfter(current == null ? null : current.stamp());
      Register next =
          step.kind() == 0
              ? Register.write(current, ("w" + written.size()).getBytes(StandardCharsets.UTF_8), stamp, 0)
              : Register.tombstone(current, stamp);
      held.put(step.node(), next);
      written.add(next);
    }
    return written;
  }

  @Property(seed = "20261123")
  void mergeIsCommutativeAssociativeAndIdempotent(
      @ForAll("histories") List<Step> history, @ForAll("picks") List<Integer> picks) {
    List<Register> registers = run(history);
    Register a = pick(registers, picks.get(0));
    Register b = pick(registers, picks.get(1));
    Register c = pick(registers, picks.get(2));
    assertEquals(a.merge(b), b.merge(a));
    assertEquals(a.merge(b).merge(c), a.merge(b.merge(c)));
    assertEquals(a, a.merge(a));
    assertEquals(a.merge(b), a.merge(b).merge(b));
  }

  @Property(seed = "20261123")
  void aDominatingVersionAlwaysWins(@ForAll("histories") List<Step> history) {
    List<Register> registers = run(history);
    for (Register a : registers) {
      for (Register b : registers) {
        if (a.version().compareTo(b.version()) == VersionVector.Order.AFTER) {
          assertEquals(a, a.merge(b));
          assertEquals(a, b.merge(a));
        }
      }
    }
  }

  @Property(seed = "20261123")
  void mergingEverythingInAnyOrderGivesTheNewestStampAndAVectorThatHasSeenAll(
      @ForAll("histories") List<Step> history, @ForAll("picks") List<Integer> rotation) {
    List<Register> registers = run(history);
    Register forward = registers.stream().reduce(Register::merge).orElseThrow();
    List<Register> rotated = new ArrayList<>(registers);
    java.util.Collections.rotate(rotated, rotation.get(0));
    java.util.Collections.reverse(rotated);
    Register other = rotated.stream().reduce(Register::merge).orElseThrow();
    assertEquals(forward, other);
    for (Register r : registers) {
      assertTrue(forward.covers(r));
      assertTrue(!r.stamp().isAfter(forward.stamp()));
    }
  }

  @Provide
  Arbitrary<List<Integer>> picks() {
    return Arbitraries.integers().between(0, 1_000).list().ofSize(3);
  }

  private static Register pick(List<Register> registers, int index) {
    return registers.get(index % registers.size());
  }
}
