package io.kvstore.crdt;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Stamps strictly increase whatever the wall clock does, and pass every stamp observed. */
class HybridLogicalClockPropertiesTest {

  /** A step of the scenario: move the wall clock by {@code wallStep} ms, then stamp or observe. */
  record Step(long wallStep, boolean observe, long remotePhysical, int remoteLogical) {}

  @Provide
  Arbitrary<List<Step>> scenarios() {
    Arbitrary<Step> step =
        net.jqwik.api.Combinators.combine(
                Arbitraries.longs().between(-5_000, 5_000),
                Arbitraries.of(true, false),
                Arbitraries.longs().between(90_000, 110_000),
                Arbitraries.integers().between(0, 50))
            .as(Step::new);
    return step.list().ofMinSize(1).ofMaxSize(40);
  }

  @Property(seed = "20261123")
  void stampsStrictlyIncreaseAndPassObservedStamps(@ForAll("scenarios") List<Step> steps) {
    AtomicLong wall = new AtomicLong(100_000);
    HybridLogicalClock clock = new HybridLogicalClock("n1", wall::get);
    HlcTimestamp last = clock.now();
    HlcTimestamp lastObserved = null;
    for (Step step : steps) {
      wall.addAndGet(step.wallStep());
      if (step.observe()) {
        lastObserved = new HlcTimestamp(step.remotePhysical(), step.remoteLogical(), "n2");
        clock.observe(lastObserved);
        continue;
      }
      HlcTimestamp next = clock.now();
      assertTrue(next.isAfter(last), next + " after " + last);
      if (lastObserved != null) {
        assertTrue(next.isAfter(lastObserved), next + " after observed " + lastObserved);
      }
      last = next;
    }
  }
}
