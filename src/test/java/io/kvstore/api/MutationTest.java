package io.kvstore.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Redis's rules of the read-modify-writes a key's entity computes (RedisParityTest compares with Redis itself). */
class MutationTest {

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static ErrorCode refusal(Mutation mutation, String current) {
    return assertThrows(InvalidRequestException.class, () -> mutation.apply(current == null ? null : bytes(current))).code();
  }

  @Test
  void integersAreReadAsStrictlyAsRedisDoesAndOverflowIsRefused() {
    assertArrayEquals(bytes("5"), new Mutation.AddInteger(5).apply(null));
    assertArrayEquals(bytes("-2"), new Mutation.AddInteger(1).apply(bytes("-3")));
    assertEquals(Long.MIN_VALUE, Mutation.Numbers.integer(bytes("-9223372036854775808")));
    for (String bad : List.of("", "-", "+1", " 1", "1 ", "01", "-0", "1.5", "9223372036854775808", "-9223372036854775809", "abc")) {
      assertEquals(ErrorCode.NOT_AN_INTEGER, refusal(new Mutation.AddInteger(1), bad), bad);
    }
    assertEquals(ErrorCode.INTEGER_OVERFLOW, refusal(new Mutation.AddInteger(1), Long.toString(Long.MAX_VALUE)));
  }

  @Test
  void appendAndSetRangeBuildTheNewValueAndAnEmptyRangeChangesNothing() {
    assertArrayEquals(bytes("abcd"), new Mutation.Append(bytes("cd")).apply(bytes("ab")));
    assertArrayEquals(bytes("x"), new Mutation.Append(bytes("x")).apply(null));
    assertArrayEquals(new byte[] {0, 0, 0, 'x'}, new Mutation.SetRange(3, bytes("x")).apply(null));
    assertArrayEquals(bytes("aXc"), new Mutation.SetRange(1, bytes("X")).apply(bytes("abc")));
    assertNull(new Mutation.SetRange(3, new byte[0]).apply(bytes("abc")));
    assertEquals(
        ErrorCode.OFFSET_OUT_OF_RANGE, assertThrows(InvalidRequestException.class, () -> new Mutation.SetRange(-1, bytes("x"))).code());
    assertEquals(Integer.MAX_VALUE + 1L, new Mutation.SetRange(Integer.MAX_VALUE, bytes("x")).length(), "checked before anything is allocated");
  }

  @Test
  void floatsAreComputedInLongDoubleAndAHugeExponentIsRefusedAtOnce() {
    assertArrayEquals(bytes("10.6"), new Mutation.AddFloat("0.1").apply(bytes("10.5")));
    assertArrayEquals(bytes("5200"), new Mutation.AddFloat("2.0e2").apply(bytes("5.0e3")));
    assertArrayEquals(bytes("0"), new Mutation.AddFloat("-1.5").apply(bytes("1.5")));
    assertEquals(new BigDecimal("0.5"), LongDouble.round(new BigDecimal("0.5")), "exact in binary");
    assertEquals(
        new BigDecimal("0.1000000000000000000013552527156068805425093160010874271392822265625"),
        LongDouble.round(new BigDecimal("0.1")),
        "the long double nearest 0.1");
    assertEquals(ErrorCode.FLOAT_OVERFLOW, refusal(new Mutation.AddFloat("1e99999999"), "1"));
    assertEquals(ErrorCode.FLOAT_OVERFLOW, refusal(new Mutation.AddFloat("inf"), "1"));
    assertEquals(ErrorCode.NOT_A_FLOAT, refusal(new Mutation.AddFloat("1"), "x"));
    assertEquals(ErrorCode.NOT_A_FLOAT, refusal(new Mutation.AddFloat(" 1"), "1"));
  }
}
