package io.kvstore.api;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;

/**
 * A change computed from a key's current value by the key's entity, its single writer, and
 * journaled as one write: atomic however many clients change the key at once, with no
 * compare-and-set to retry. The key's expiry is kept but by {@link Replace}. The rules are
 * Redis's (APPEND, SETRANGE, INCRBY, INCRBYFLOAT, GETSET), with its texts in the errors.
 */
public sealed interface Mutation {

  /**
   * The new value from the current one ({@code null}: the key has no value); {@code null} when
   * the mutation changes nothing.
   *
   * @throws InvalidRequestException when the current value does not fit the mutation
   */
  byte[] apply(byte[] current);

  /** Whether the key's expiry stays; a replacement drops it, as Redis's GETSET does. */
  default boolean keepsExpiry() {
    return true;
  }

  /** The value replaced, and its expiry dropped: GETSET, with the value it replaced in the answer. */
  record Replace(byte[] value) implements Mutation {
    @Override
    public byte[] apply(byte[] current) {
      return value;
    }

    @Override
    public boolean keepsExpiry() {
      return false;
    }
  }

  /** The value extended; an absent key counts as empty. */
  record Append(byte[] suffix) implements Mutation {
    @Override
    public byte[] apply(byte[] current) {
      byte[] before = current == null ? new byte[0] : current;
      byte[] after = Arrays.copyOf(before, before.length + suffix.length);
      System.arraycopy(suffix, 0, after, before.length, suffix.length);
      return after;
    }
  }

  /**
   * {@code value} written over the current one from {@code offset}, zero bytes filling any gap.
   * An empty {@code value} changes nothing (and creates no key). Whoever builds one checks
   * {@code offset + value.length} against the value limit first: it sizes what is allocated.
   */
  record SetRange(long offset, byte[] value) implements Mutation {
    public SetRange {
      if (offset < 0) {
        throw new InvalidRequestException(ErrorCode.OFFSET_OUT_OF_RANGE, "offset is out of range");
      }
    }

    public long length() {
      return offset + value.length;
    }

    @Override
    public byte[] apply(byte[] current) {
      if (value.length == 0) {
        return null;
      }
      byte[] before = current == null ? new byte[0] : current;
      byte[] after = Arrays.copyOf(before, (int) Math.max(before.length, length()));
      System.arraycopy(value, 0, after, (int) offset, value.length);
      return after;
    }
  }

  /** The value read as a signed 64-bit decimal (absent: 0), plus {@code delta}. */
  record AddInteger(long delta) implements Mutation {
    @Override
    public byte[] apply(byte[] current) {
      long before = current == null ? 0 : Numbers.integer(current);
      try {
        return Long.toString(Math.addExact(before, delta)).getBytes(StandardCharsets.US_ASCII);
      } catch (ArithmeticException e) {
        throw new InvalidRequestException(ErrorCode.INTEGER_OVERFLOW, "increment or decrement would overflow");
      }
    }
  }

  /**
   * The value read as a float (absent: 0), plus {@code increment}, as Redis on x86-64 computes it:
   * both operands and the sum rounded to an 80-bit long double, then shown with 17 digits after
   * the point and trailing zeros dropped ({@code %.17Lf}), so the stored text is Redis's.
   */
  record AddFloat(String increment) implements Mutation {
    @Override
    public byte[] apply(byte[] current) {
      BigDecimal before = current == null ? BigDecimal.ZERO : Numbers.decimal(new String(current, StandardCharsets.US_ASCII));
      BigDecimal sum = LongDouble.round(LongDouble.round(before).add(LongDouble.round(Numbers.decimal(increment))));
      Numbers.requireFinite(sum);
      BigDecimal shown = sum.setScale(17, RoundingMode.HALF_EVEN).stripTrailingZeros();
      return (shown.signum() == 0 ? "0" : shown.toPlainString()).getBytes(StandardCharsets.US_ASCII);
    }
  }

  /** Numbers in values, read as strictly as Redis reads them. */
  final class Numbers {
    /** Beyond a long double's range a sum is infinite in Redis; kvstore refuses it alike. */
    private static final int MAX_INTEGER_DIGITS = 4933;
    /** Digits after the point kept of an operand: below them a long double's would not count either. */
    private static final int OPERAND_SCALE = 40;

    private Numbers() {}

    /**
     * A signed 64-bit decimal: an optional minus sign and digits, no plus sign, no spaces, no
     * leading zeros, no "-0".
     */
    public static long integer(byte[] bytes) {
      int length = bytes.length;
      if (length == 0 || length > 20) {
        throw notAnInteger();
      }
      boolean negative = bytes[0] == '-';
      int first = negative ? 1 : 0;
      if (first == length || bytes[first] < '0' || bytes[first] > '9' || (bytes[first] == '0' && (length > first + 1 || negative))) {
        throw notAnInteger();
      }
      long value = 0;
      for (int i = first; i < length; i++) {
        int digit = bytes[i] - '0';
        if (digit < 0 || digit > 9) {
          throw notAnInteger();
        }
        // Accumulate negatively: Long.MIN_VALUE has no positive counterpart.
        if (value < (Long.MIN_VALUE + digit) / 10) {
          throw notAnInteger();
        }
        value = value * 10 - digit;
      }
      if (!negative) {
        if (value == Long.MIN_VALUE) {
          throw notAnInteger();
        }
        value = -value;
      }
      return value;
    }

    private static InvalidRequestException notAnInteger() {
      return new InvalidRequestException(ErrorCode.NOT_AN_INTEGER, "value is not an integer or out of range");
    }

    /**
     * A float: no spaces; infinities make no sum. Bounded, so that an exponent like {@code
     * 1e99999999} cannot make a sum millions of digits long.
     */
    static BigDecimal decimal(String text) {
      String word = text.toLowerCase(Locale.ROOT).replaceFirst("^[+-]", "");
      if (word.equals("inf") || word.equals("infinity")) {
        throw notFinite();
      }
      try {
        if (text.isEmpty() || Character.isWhitespace(text.charAt(0)) || Character.isWhitespace(text.charAt(text.length() - 1))) {
          throw new NumberFormatException(text);
        }
        BigDecimal value = new BigDecimal(text);
        requireFinite(value);
        return value.scale() > OPERAND_SCALE ? value.setScale(OPERAND_SCALE, RoundingMode.HALF_EVEN) : value;
      } catch (NumberFormatException | ArithmeticException e) {
        throw new InvalidRequestException(ErrorCode.NOT_A_FLOAT, "value is not a valid float");
      }
    }

    static void requireFinite(BigDecimal value) {
      if (value.precision() - value.scale() > MAX_INTEGER_DIGITS) {
        throw notFinite();
      }
    }

    private static InvalidRequestException notFinite() {
      return new InvalidRequestException(ErrorCode.FLOAT_OVERFLOW, "increment would produce NaN or Infinity");
    }
  }
}
