package io.kvstore.coordinator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.kvstore.api.ErrorCode;
import io.kvstore.api.InvalidRequestException;
import io.kvstore.replica.ScanOrder;
import org.junit.jupiter.api.Test;

class ScanCursorTest {
  private static final int PARTITIONS = 1024;

  @Test
  void aCursorRoundTripsThroughTheNumberClientsSendBack() {
    ScanCursor cursor = new ScanCursor(517, 0xfedcba98L);
    assertEquals(cursor, ScanCursor.parse(cursor.encode(), PARTITIONS));
    assertEquals("0", ScanCursor.START.encode());
    assertEquals(ScanCursor.START, ScanCursor.parse("0", PARTITIONS));
    ScanCursor last = new ScanCursor(PARTITIONS - 1, ScanOrder.END);
    assertEquals(last, ScanCursor.parse(last.encode(), PARTITIONS));
  }

  @Test
  void aScanMovesToTheNextPartitionAndEndsAtZero() {
    assertEquals(new ScanCursor(3, 77), new ScanCursor(3, 10).after(77, PARTITIONS));
    assertEquals(new ScanCursor(4, 0), new ScanCursor(3, 10).after(ScanOrder.END, PARTITIONS));
    assertEquals(ScanCursor.START, new ScanCursor(PARTITIONS - 1, 10).after(ScanOrder.END, PARTITIONS));
  }

  @Test
  void anythingElseIsAnInvalidCursor() {
    for (String bad : new String[] {"", "x", "-1", "1.5", "18446744073709551616", new ScanCursor(PARTITIONS, 0).encode(), Long.toString((1L << 33) - 1)}) {
      InvalidRequestException e = assertThrows(InvalidRequestException.class, () -> ScanCursor.parse(bad, PARTITIONS), bad);
      assertEquals(ErrorCode.INVALID_CURSOR, e.code());
    }
  }
}
