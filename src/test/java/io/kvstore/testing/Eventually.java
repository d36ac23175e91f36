package io.kvstore.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * Waits, bounded, for a condition that can only be observed by asking (an HTTP endpoint, a
 * background sweep): the one polling loop of the tests.
 */
public final class Eventually {
  private static final long POLL_MILLIS = 50;

  private Eventually() {}

  public static void await(Duration timeout, String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within " + timeout + ": " + what);
      }
      try {
        Thread.sleep(POLL_MILLIS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted while waiting for: " + what, e);
      }
    }
  }
}
