package io.kvstore.replica;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.ToLongFunction;
import org.apache.commons.codec.digest.MurmurHash3;

/**
 * The order a scan visits a partition's keys in, and the pages it takes: by the key's 32-bit
 * hash (the partitioner's murmur3, unsigned), which every replica computes alike. A scan's
 * position in a partition is a hash: every key below it has been returned, none at or above it.
 * So a position fits the numeric cursors Redis clients expect, and a scan resumed on another
 * replica, or after the ring changed, neither repeats nor skips a key that stayed present.
 */
public final class ScanOrder {
  private ScanOrder() {}

  /** The position past every key of a partition: the scan moves on to the next one. */
  public static final long END = 1L << 32;

  public static long positionOf(String key) {
    byte[] utf8 = key.getBytes(StandardCharsets.UTF_8);
    return Integer.toUnsignedLong(MurmurHash3.hash32x86(utf8, 0, utf8.length, 0));
  }

  /**
   * @param items in position order
   * @param next where the scan goes on in this partition; {@link #END} when the partition is done
   */
  public record Page<T>(List<T> items, long next) {}

  /**
   * The page starting at {@code from}: the {@code limit} items of lowest position at or after
   * it, and every further item at the last position taken (so that resuming after that
   * position skips none), within about {@code maxBytes} (the first position's items always fit).
   */
  public static <T> Page<T> page(
      List<T> candidates, ToLongFunction<T> position, ToLongFunction<T> bytes, long from, int limit, long maxBytes) {
    List<T> sorted =
        candidates.stream()
            .filter(item -> position.applyAsLong(item) >= from)
            .sorted(Comparator.comparingLong(position))
            .toList();
    List<T> taken = new ArrayList<>();
    long used = 0;
    int i = 0;
    while (i < sorted.size()) {
      long at = position.applyAsLong(sorted.get(i));
      int groupEnd = i;
      long groupBytes = 0;
      while (groupEnd < sorted.size() && position.applyAsLong(sorted.get(groupEnd)) == at) {
        groupBytes += bytes.applyAsLong(sorted.get(groupEnd));
        groupEnd++;
      }
      if (!taken.isEmpty() && (taken.size() >= limit || used + groupBytes > maxBytes)) {
        return new Page<>(taken, at);
      }
      taken.addAll(sorted.subList(i, groupEnd));
      used += groupBytes;
      i = groupEnd;
    }
    return new Page<>(taken, END);
  }
}
