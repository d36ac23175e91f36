package io.kvstore.coordinator;

import java.util.ArrayList;
import java.util.List;

/**
 * Counts replicas' answers toward the number a consistency level needs, and says, once each,
 * when success or failure becomes certain. Failures carry why, so a refusal names the replicas
 * that made it (not a count of successes at that moment: other answers may still be on the way).
 * Thread-safe: answers arrive on several threads.
 */
public final class QuorumTally {
  private final int needed;
  private final int total;
  private int successes;
  private final List<String> shortfalls = new ArrayList<>();

  /**
   * @param needed answers that must succeed
   * @param total answers that will arrive, successes and failures together
   */
  public QuorumTally(int needed, int total) {
    this.needed = needed;
    this.total = total;
  }

  public int needed() {
    return needed;
  }

  /** @return true for the success that reaches the needed number */
  public synchronized boolean succeed() {
    return ++successes == needed;
  }

  /**
   * @param shortfall which replica failed, and why
   * @return true for the failure that makes the needed number unreachable
   */
  public synchronized boolean fail(String shortfall) {
    shortfalls.add(shortfall);
    return total - shortfalls.size() == needed - 1;
  }

  /** The failures so far, each as given to {@link #fail}. */
  public synchronized List<String> shortfalls() {
    return List.copyOf(shortfalls);
  }
}
