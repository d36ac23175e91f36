package io.kvstore.crdt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class HybridLogicalClockTest {
  @Test
  void stampsStrictlyIncreaseEvenWhenTheWallClockStandsStillOrStepsBack() {
    AtomicLong wall = new AtomicLong(1_000);
    HybridLogicalClock clock = new HybridLogicalClock("n1", wall::get);
    HlcTimestamp a = clock.now();
    HlcTimestamp b = clock.now();
    wall.set(900);
    HlcTimestamp c = clock.now();
    assertTrue(b.isAfter(a));
    assertTrue(c.isAfter(b));
    assertEquals(1_000, c.physicalMillis());
  }

  @Test
  void observingARemoteStampMovesTheClockPastIt() {
    AtomicLong wall = new AtomicLong(1_000);
    HybridLogicalClock clock = new HybridLogicalClock("n1", wall::get);
    HlcTimestamp remote = new HlcTimestamp(5_000, 7, "n2");
    clock.observe(remote);
    HlcTimestamp next = clock.now();
    assertTrue(next.isAfter(remote));
    assertEquals(5_000, next.physicalMillis());
    assertEquals(8, next.logical());
  }
}
