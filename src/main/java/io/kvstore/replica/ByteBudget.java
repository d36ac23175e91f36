package io.kvstore.replica;

/**
 * Fills one remote message up to a byte budget, so that bulk transfers (anti-entropy pages, hint
 * replay, batched replication) stay within Artery's frame size however much data is behind them.
 * The first item is always admitted: a single register of the largest allowed value still travels,
 * which is what the frame size is sized for (see KvNode).
 */
public final class ByteBudget {
  private final long maxBytes;
  private long used;

  public ByteBudget(long maxBytes) {
    this.maxBytes = maxBytes;
  }

  /** @return whether an item of {@code bytes} joins the message (and is counted) */
  public boolean admits(long bytes) {
    if (used > 0 && used + bytes > maxBytes) {
      return false;
    }
    used += bytes;
    return true;
  }
}
