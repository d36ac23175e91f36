package io.kvstore.crdt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RegisterTest {
  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void eachWriteAdvancesTheWritersVersionVectorEntry() {
    Register first = Register.write(null, bytes("a"), new HlcTimestamp(100, 0, "n1"), 0);
    Register second = Register.write(first, bytes("b"), new HlcTimestamp(101, 0, "n1"), 0);
    assertEquals(Map.of("n1", 1L), first.version().entries());
    assertEquals(Map.of("n1", 2L), second.version().entries());
    assertEquals(VersionVector.Order.BEFORE, first.version().compareTo(second.version()));
    assertNotEquals(first.versionToken(), second.versionToken());
  }

  @Test
  void aDominatingVersionWinsTheMergeWhicheverSideItIsOn() {
    Register older = Register.write(null, bytes("old"), new HlcTimestamp(500, 0, "n1"), 0);
    // Another node's wall clock lags, but its clock observed the version it replaced.
    HybridLogicalClock lagging = new HybridLogicalClock("n2", () -> 400L);
    Register newer = Register.write(older, bytes("new"), lagging.nowAfter(older.stamp()), 0);
    assertEquals(newer, older.merge(newer));
    assertEquals(newer, newer.merge(older));
  }

  @Test
  void aVersionCannotBeStampedBeforeTheVersionItReplaces() {
    Register older = Register.write(null, bytes("old"), new HlcTimestamp(500, 0, "n1"), 0);
    assertThrows(
        IllegalArgumentException.class,
        () -> Register.write(older, bytes("new"), new HlcTimestamp(400, 0, "n2"), 0));
  }

  @Test
  void concurrentVersionsResolveLastWriterWinsWithAVectorThatDominatesBoth() {
    Register base = Register.write(null, bytes("base"), new HlcTimestamp(100, 0, "n1"), 0);
    Register left = Register.write(base, bytes("left"), new HlcTimestamp(200, 0, "n1"), 0);
    Register right = Register.write(base, bytes("right"), new HlcTimestamp(200, 1, "n2"), 0);
    assertEquals(VersionVector.Order.CONCURRENT, left.version().compareTo(right.version()));

    Register merged = left.merge(right);
    assertEquals(merged, right.merge(left));
    assertArrayEquals(bytes("right"), merged.value());
    assertEquals(VersionVector.Order.AFTER, merged.version().compareTo(left.version()));
    assertEquals(VersionVector.Order.AFTER, merged.version().compareTo(right.version()));
  }

  @Test
  void tombstonesAndExpiredValuesAreNotLive() {
    Register value = Register.write(null, bytes("v"), new HlcTimestamp(1_000, 0, "n1"), 2_000);
    assertTrue(value.isLiveAt(1_999));
    assertFalse(value.isLiveAt(2_000));
    Register deleted = Register.tombstone(value, new HlcTimestamp(1_500, 0, "n1"));
    assertFalse(deleted.isLiveAt(1_600));
    assertEquals(0, deleted.value().length);
  }
}
