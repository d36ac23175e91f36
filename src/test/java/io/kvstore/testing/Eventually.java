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

  /** Retries {@code assertion} until it passes; past the timeout, fails with its last failure. */
  public static void within(Duration timeout, Runnable assertion) {
    Throwable[] last = {null};
    try {
      await(
          timeout,
          "assertion",
          () -> {
            try {
              assertion.run();
              return true;
            } catch (AssertionError | RuntimeException e) {
              last[0] = e;
              return false;
            }
          });
    } catch (AssertionError timedOut) {
      AssertionError failure = new AssertionError("not within " + timeout + ": " + last[0], last[0]);
      throw failure;
    }
  }
}
