package io.kvstore.api;

/**
 * A page request of a key scan: from {@code cursor} ({@link #START}, or the cursor of the page
 * before), at most {@code limit} keys that start with {@code prefix} and match the Redis glob
 * {@code match} (null: any), with their values when {@code values} is set.
 *
 * <p>A scan that goes on until a page's cursor is {@link #START} again returns exactly once every
 * key that was present, and not deleted, for the whole scan, whatever nodes fail or join in
 * between: at QUORUM and ALL (that many caught-up replicas read and merged) every key written at
 * QUORUM or above; at ONE (one caught-up replica per partition) every key that replica holds,
 * which may miss a write still on its way to it. Keys written or deleted meanwhile may or may
 * not be returned. LINEARIZABLE is not offered: a scan is no snapshot.
 *
 * @param limitIsHint whether a {@code limit} above the node's maximum is lowered to it (SCAN's
 *     COUNT) rather than refused (HTTP's {@code limit})
 */
public record ScanOptions(
    String cursor, String prefix, String match, Integer limit, boolean limitIsHint, boolean values, Consistency consistency) {
  /** Where a scan starts, and the cursor of its last page. */
  public static final String START = "0";

  public static ScanOptions from(String cursor) {
    return new ScanOptions(cursor, null, null, null, false, false, Consistency.ONE);
  }

  /** The next page's request: the same scan from the cursor its last page returned. */
  public ScanOptions withCursor(String next) {
    return new ScanOptions(next, prefix, match, limit, limitIsHint, values, consistency);
  }

  public ScanOptions withPrefix(String keyPrefix) {
    return new ScanOptions(cursor, keyPrefix, match, limit, limitIsHint, values, consistency);
  }

  public ScanOptions withMatch(String glob) {
    return new ScanOptions(cursor, prefix, glob, limit, limitIsHint, values, consistency);
  }

  /** Null: the node's default page size. Beyond the node's maximum, the request is refused. */
  public ScanOptions withLimit(Integer keys) {
    return new ScanOptions(cursor, prefix, match, keys, false, values, consistency);
  }

  /** A page size the node may lower to its maximum, as Redis takes SCAN's COUNT as a hint. */
  public ScanOptions withLimitHint(int keys) {
    return new ScanOptions(cursor, prefix, match, keys, true, values, consistency);
  }

  public ScanOptions withValues(boolean withValues) {
    return new ScanOptions(cursor, prefix, match, limit, limitIsHint, withValues, consistency);
  }

  public ScanOptions withConsistency(Consistency level) {
    return new ScanOptions(cursor, prefix, match, limit, limitIsHint, values, level);
  }
}
