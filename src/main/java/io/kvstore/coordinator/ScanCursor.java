package io.kvstore.coordinator;

import io.kvstore.api.ErrorCode;
import io.kvstore.api.InvalidRequestException;
import io.kvstore.api.ScanOptions;
import io.kvstore.replica.ScanOrder;

/**
 * Where a scan is, as one unsigned number (what Redis clients expect of a SCAN cursor): the
 * partition in the high bits, the position in it ({@link ScanOrder}, up to {@link ScanOrder#END})
 * in the low 33. {@code 0}, partition 0 from its start, is also the cursor of a finished scan.
 */
record ScanCursor(int partition, long position) {
  private static final int POSITION_BITS = 33;

  static final ScanCursor START = new ScanCursor(0, 0);

  static ScanCursor parse(String text, int partitions) {
    long value;
    try {
      value = Long.parseUnsignedLong(text);
    } catch (NumberFormatException e) {
      throw invalid(text);
    }
    ScanCursor cursor = new ScanCursor((int) (value >>> POSITION_BITS), value & ((1L << POSITION_BITS) - 1));
    if (value >>> POSITION_BITS >= partitions || cursor.position > ScanOrder.END) {
      throw invalid(text);
    }
    return cursor;
  }

  /** Where the scan goes on after the partition's page ended at {@code next}. */
  ScanCursor after(long next, int partitions) {
    if (next < ScanOrder.END) {
      return new ScanCursor(partition, next);
    }
    return partition + 1 < partitions ? new ScanCursor(partition + 1, 0) : START;
  }

  String encode() {
    return Long.toUnsignedString(((long) partition << POSITION_BITS) | position);
  }

  private static InvalidRequestException invalid(String text) {
    return new InvalidRequestException(
        ErrorCode.INVALID_CURSOR, "invalid cursor '" + text + "': use " + ScanOptions.START + " or a cursor a scan returned");
  }
}
