package io.kvstore.resp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.kvstore.api.KvEntry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Redis's semantics of the read-modify-write commands, as pure rules. */
class CommandRulesTest {
  private static final long NOW = 1_000_000;

  private static Optional<KvEntry> entry(String value, long expiresAt) {
    return Optional.of(new KvEntry("k", value.getBytes(StandardCharsets.UTF_8), "v1", NOW - 10, expiresAt));
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static List<byte[]> words(String... words) {
    return Arrays.stream(words).map(CommandRulesTest::bytes).toList();
  }

  @Test
  void integersAreReadAsStrictlyAsRedisDoes() {
    assertEquals(0, Arguments.integer(bytes("0")));
    assertEquals(-42, Arguments.integer(bytes("-42")));
    assertEquals(Long.MAX_VALUE, Arguments.integer(bytes("9223372036854775807")));
    assertEquals(Long.MIN_VALUE, Arguments.integer(bytes("-9223372036854775808")));
    for (String bad : List.of("", "-", "+1", " 1", "1 ", "01", "-0", "1.5", "9223372036854775808", "-9223372036854775809", "abc")) {
      assertThrows(RespException.class, () -> Arguments.integer(bytes(bad)), bad);
    }
  }

  @Test
  void expireFollowsItsConditionsAndAPastTimeDeletes() {
    long later = NOW + 5000;
    assertEquals(Change.KEEP, Change.expire(Optional.empty(), later, Change.ExpireCondition.ALWAYS, NOW));
    assertEquals(Duration.ofMillis(5000), assertInstanceOf(Change.Put.class, Change.expire(entry("v", 0), later, Change.ExpireCondition.ALWAYS, NOW)).ttl());
    assertEquals(Change.REMOVE, Change.expire(entry("v", 0), NOW, Change.ExpireCondition.ALWAYS, NOW));

    assertInstanceOf(Change.Put.class, Change.expire(entry("v", 0), later, Change.ExpireCondition.NX, NOW));
    assertEquals(Change.KEEP, Change.expire(entry("v", NOW + 1), later, Change.ExpireCondition.NX, NOW));
    assertEquals(Change.KEEP, Change.expire(entry("v", 0), later, Change.ExpireCondition.XX, NOW));
    assertInstanceOf(Change.Put.class, Change.expire(entry("v", NOW + 1), later, Change.ExpireCondition.XX, NOW));
    // GT and LT count a key without expiry as expiring never.
    assertEquals(Change.KEEP, Change.expire(entry("v", 0), later, Change.ExpireCondition.GT, NOW));
    assertInstanceOf(Change.Put.class, Change.expire(entry("v", NOW + 1), later, Change.ExpireCondition.GT, NOW));
    assertInstanceOf(Change.Put.class, Change.expire(entry("v", 0), later, Change.ExpireCondition.LT, NOW));
    assertEquals(Change.KEEP, Change.expire(entry("v", NOW + 1), later, Change.ExpireCondition.LT, NOW));
  }

  @Test
  void persistDropsAnExpiryOnlyWhereThereIsOne() {
    assertEquals(Duration.ZERO, assertInstanceOf(Change.Put.class, Change.persist(entry("v", NOW + 1))).ttl());
    assertEquals(Change.KEEP, Change.persist(entry("v", 0)));
    assertEquals(Change.KEEP, Change.persist(Optional.empty()));
  }

  @Test
  void setOptionsParseAsRedisAndRejectWhatRedisRejects() {
    SetOptions ex = SetOptions.parse(words("ex", "10", "NX", "GET"), NOW);
    assertEquals(SetOptions.Condition.IF_ABSENT, ex.condition());
    assertEquals(new SetOptions.Expiry.At(NOW + 10_000), ex.expiry());
    assertEquals(true, ex.returnOld());
    assertEquals(new SetOptions.Expiry.At(NOW + 250), SetOptions.parse(words("PX", "250"), NOW).expiry());
    assertEquals(new SetOptions.Expiry.At(7_000), SetOptions.parse(words("EXAT", "7"), NOW).expiry());
    assertEquals(new SetOptions.Expiry.At(7), SetOptions.parse(words("PXAT", "7"), NOW).expiry());
    assertInstanceOf(SetOptions.Expiry.Keep.class, SetOptions.parse(words("KEEPTTL", "XX"), NOW).expiry());

    for (List<byte[]> bad :
        List.of(words("NX", "XX"), words("EX", "1", "PX", "1"), words("KEEPTTL", "EX", "1"), words("EX"), words("FOO"))) {
      assertEquals("ERR syntax error", assertThrows(RespException.class, () -> SetOptions.parse(bad, NOW)).getMessage());
    }
    assertEquals(
        "ERR invalid expire time in 'set' command",
        assertThrows(RespException.class, () -> SetOptions.parse(words("EX", "0"), NOW)).getMessage());
    assertEquals(
        "ERR value is not an integer or out of range",
        assertThrows(RespException.class, () -> SetOptions.parse(words("EX", "soon"), NOW)).getMessage());
  }

  @Test
  void setAppliesItsConditionAndExpiryToTheCurrentValue() {
    SetOptions keepTtl = SetOptions.parse(words("KEEPTTL"), NOW);
    assertEquals(Duration.ofMillis(900), assertInstanceOf(Change.Put.class, Change.set(entry("old", NOW + 900), bytes("new"), keepTtl, NOW)).ttl());
    assertEquals(Duration.ZERO, assertInstanceOf(Change.Put.class, Change.set(Optional.empty(), bytes("new"), keepTtl, NOW)).ttl());

    assertEquals(Change.KEEP, Change.set(entry("old", 0), bytes("new"), SetOptions.parse(words("NX", "GET"), NOW), NOW));
    assertEquals(Change.KEEP, Change.set(Optional.empty(), bytes("new"), SetOptions.parse(words("XX", "GET"), NOW), NOW));
    // An absolute expiry already past: the key ends up absent, as in Redis.
    SetOptions past = SetOptions.parse(words("PXAT", Long.toString(NOW - 1)), NOW);
    assertEquals(Change.REMOVE, Change.set(entry("old", 0), bytes("new"), past, NOW));
    assertEquals(Change.KEEP, Change.set(Optional.empty(), bytes("new"), past, NOW));
  }

  @Test
  void getRangeReadsEndsAsRedisDoes() {
    byte[] hello = bytes("hello world");
    assertArrayEquals(bytes("hello"), Change.range(hello, 0, 4));
    assertArrayEquals(bytes("world"), Change.range(hello, -5, -1));
    assertArrayEquals(new byte[0], Change.range(hello, 5, 2));
    assertArrayEquals(hello, Change.range(hello, 0, 100));
    assertArrayEquals(bytes("h"), Change.range(hello, -100, 0), "start clamped to 0");
    assertArrayEquals(new byte[0], Change.range(hello, -1, -5));
    assertArrayEquals(new byte[0], Change.range(new byte[0], 0, 1));
  }

  @Test
  void getExpiryChangesOnlyAPresentKeyAndAPastTimeDeletesIt() {
    assertEquals(Change.KEEP, Change.getExpiry(Optional.empty(), NOW + 10, NOW));
    assertEquals(Duration.ofMillis(10), ((Change.Put) Change.getExpiry(entry("v", 0), NOW + 10, NOW)).ttl());
    assertEquals(Change.REMOVE, Change.getExpiry(entry("v", 0), NOW - 1, NOW));
    assertEquals(Duration.ZERO, ((Change.Put) Change.getExpiry(entry("v", NOW + 10), 0, NOW)).ttl(), "PERSIST");
    assertEquals(Change.KEEP, Change.getExpiry(entry("v", 0), 0, NOW), "PERSIST without an expiry");
  }
}
