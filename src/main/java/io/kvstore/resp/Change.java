package io.kvstore.resp;

import io.kvstore.api.KvEntry;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * What a read-modify-write command does to a key, decided from the key's current value. The rules
 * are pure, so Redis's semantics are tested without a node; {@link KeyCommands} applies the
 * decision with a compare-and-set against the value it was decided from.
 */
sealed interface Change {

  /** Leave the key as it is. */
  record Keep() implements Change {}

  /** @param ttl zero for no expiry */
  record Put(byte[] value, Duration ttl) implements Change {}

  record Remove() implements Change {}

  Change KEEP = new Keep();
  Change REMOVE = new Remove();

  /** Until the key's current expiry, so a rewrite keeps it (INCR, KEEPTTL); zero if none. */
  static Duration remainingTtl(KvEntry current, long nowMillis) {
    if (current.expiresAtMillis() == 0) {
      return Duration.ZERO;
    }
    // At least 1 ms: zero would mean "never expires".
    return Duration.ofMillis(Math.max(1, current.expiresAtMillis() - nowMillis));
  }

  /** INCR, DECR, INCRBY, DECRBY: a missing key counts as 0; the expiry is kept. */
  static Change increment(Optional<KvEntry> current, long delta, long nowMillis) {
    long before = current.map(entry -> Arguments.integer(entry.value())).orElse(0L);
    long after;
    try {
      after = Math.addExact(before, delta);
    } catch (ArithmeticException e) {
      throw new RespException("ERR increment or decrement would overflow");
    }
    byte[] value = Long.toString(after).getBytes(StandardCharsets.US_ASCII);
    return new Put(value, current.map(entry -> remainingTtl(entry, nowMillis)).orElse(Duration.ZERO));
  }

  /** EXPIRE's NX / XX / GT / LT conditions; a key without expiry counts as expiring never. */
  enum ExpireCondition {
    ALWAYS,
    NX,
    XX,
    GT,
    LT;

    boolean allows(long currentExpiry, long newExpiry) {
      return switch (this) {
        case ALWAYS -> true;
        case NX -> currentExpiry == 0;
        case XX -> currentExpiry != 0;
        case GT -> currentExpiry != 0 && newExpiry > currentExpiry;
        case LT -> currentExpiry == 0 || newExpiry < currentExpiry;
      };
    }
  }

  /** EXPIRE, PEXPIRE: a time not in the future deletes the key, as in Redis. */
  static Change expire(Optional<KvEntry> current, long expiresAtMillis, ExpireCondition condition, long nowMillis) {
    if (current.isEmpty() || !condition.allows(current.get().expiresAtMillis(), expiresAtMillis)) {
      return KEEP;
    }
    if (expiresAtMillis <= nowMillis) {
      return REMOVE;
    }
    return new Put(current.get().value(), Duration.ofMillis(expiresAtMillis - nowMillis));
  }

  /** PERSIST: drops the expiry of a key that has one. */
  static Change persist(Optional<KvEntry> current) {
    return current
        .filter(entry -> entry.expiresAtMillis() != 0)
        .<Change>map(entry -> new Put(entry.value(), Duration.ZERO))
        .orElse(KEEP);
  }

  /** SET with any of its options, against the current value. */
  static Change set(Optional<KvEntry> current, byte[] value, SetOptions options, long nowMillis) {
    if (!options.condition().allows(current.isPresent())) {
      return KEEP;
    }
    if (options.expiry() instanceof SetOptions.Expiry.At at) {
      if (at.epochMillis() > nowMillis) {
        return new Put(value, Duration.ofMillis(at.epochMillis() - nowMillis));
      }
      return current.isPresent() ? REMOVE : KEEP; // already expired: as if set and expired at once
    }
    Duration ttl =
        options.expiry() instanceof SetOptions.Expiry.Keep
            ? current.map(entry -> remainingTtl(entry, nowMillis)).orElse(Duration.ZERO)
            : Duration.ZERO;
    return new Put(value, ttl);
  }

  /** APPEND: the value extended, an absent key counting as empty; the expiry is kept. */
  static Change append(Optional<KvEntry> current, byte[] suffix, long nowMillis) {
    byte[] before = current.map(KvEntry::value).orElse(new byte[0]);
    byte[] after = Arrays.copyOf(before, before.length + suffix.length);
    System.arraycopy(suffix, 0, after, before.length, suffix.length);
    return new Put(after, current.map(entry -> remainingTtl(entry, nowMillis)).orElse(Duration.ZERO));
  }

  /**
   * SETRANGE: {@code value} written over the current one from {@code offset}, zero bytes filling
   * any gap; the expiry is kept. An empty {@code value} changes nothing and creates no key.
   *
   * @param maxBytes the longest value allowed, checked before anything is allocated
   */
  static Change setRange(Optional<KvEntry> current, long offset, byte[] value, long maxBytes, long nowMillis) {
    if (offset < 0) {
      throw new RespException("ERR offset is out of range");
    }
    if (value.length == 0) {
      return KEEP;
    }
    if (offset + value.length > maxBytes) {
      throw new RespException("ERR string exceeds maximum allowed size (proto-max-bulk-len)");
    }
    byte[] before = current.map(KvEntry::value).orElse(new byte[0]);
    byte[] after = Arrays.copyOf(before, (int) Math.max(before.length, offset + value.length));
    System.arraycopy(value, 0, after, (int) offset, value.length);
    return new Put(after, current.map(entry -> remainingTtl(entry, nowMillis)).orElse(Duration.ZERO));
  }

  /** GETRANGE's bytes of {@code value}, with Redis's reading of negative and out-of-range ends. */
  static byte[] range(byte[] value, long start, long end) {
    long length = value.length;
    if (start < 0 && end < 0 && start > end) {
      return new byte[0];
    }
    long from = start < 0 ? Math.max(0, length + start) : start;
    long to = end < 0 ? Math.max(0, length + end) : end;
    to = Math.min(to, length - 1);
    if (from > to || length == 0) {
      return new byte[0];
    }
    return Arrays.copyOfRange(value, (int) from, (int) to + 1);
  }

  /**
   * INCRBYFLOAT, as Redis on x86-64 computes it: both operands and the sum rounded to an 80-bit
   * long double (64-bit mantissa), then printed with 17 digits after the point, trailing zeros
   * dropped ({@code %.17Lf}); the expiry is kept. So the stored text matches Redis's byte for byte.
   */
  static Change incrementByFloat(Optional<KvEntry> current, byte[] increment, long nowMillis) {
    BigDecimal before = current.map(entry -> decimal(entry.value())).orElse(BigDecimal.ZERO);
    BigDecimal sum = LongDouble.round(LongDouble.round(before).add(LongDouble.round(decimal(increment))));
    if (sum.precision() - sum.scale() > MAX_INTEGER_DIGITS) {
      throw new RespException("ERR increment would produce NaN or Infinity");
    }
    BigDecimal shown = sum.setScale(17, RoundingMode.HALF_EVEN).stripTrailingZeros();
    String text = shown.signum() == 0 ? "0" : shown.toPlainString();
    return new Put(text.getBytes(StandardCharsets.US_ASCII), current.map(entry -> remainingTtl(entry, nowMillis)).orElse(Duration.ZERO));
  }

  /** Beyond a long double's range a sum is infinite in Redis; kvstore refuses it alike. */
  int MAX_INTEGER_DIGITS = 4933;
  /** Digits after the point kept of an operand: below them a long double's would not count either. */
  int OPERAND_SCALE = 40;

  /**
   * A float as Redis's INCRBYFLOAT reads one: no spaces; infinities make no sum. Bounded, so that
   * an exponent like {@code 1e99999999} cannot make the sum millions of digits long.
   */
  private static BigDecimal decimal(byte[] bytes) {
    String text = new String(bytes, StandardCharsets.US_ASCII);
    String word = text.toLowerCase(Locale.ROOT).replaceFirst("^[+-]", "");
    if (word.equals("inf") || word.equals("infinity")) {
      throw new RespException("ERR increment would produce NaN or Infinity");
    }
    try {
      if (text.isEmpty() || Character.isWhitespace(text.charAt(0)) || Character.isWhitespace(text.charAt(text.length() - 1))) {
        throw new NumberFormatException(text);
      }
      BigDecimal value = new BigDecimal(text);
      if (value.precision() - value.scale() > MAX_INTEGER_DIGITS) {
        throw new RespException("ERR increment would produce NaN or Infinity");
      }
      return value.scale() > OPERAND_SCALE ? value.setScale(OPERAND_SCALE, RoundingMode.HALF_EVEN) : value;
    } catch (NumberFormatException | ArithmeticException e) {
      throw new RespException("ERR value is not a valid float");
    }
  }

  /**
   * GETEX's new expiry: {@code expiresAtMillis} (one not in the future deletes the key, as
   * Redis), or none at all for PERSIST ({@code 0}).
   */
  static Change getExpiry(Optional<KvEntry> current, long expiresAtMillis, long nowMillis) {
    if (current.isEmpty()) {
      return KEEP;
    }
    if (expiresAtMillis == 0) {
      return current.get().expiresAtMillis() == 0 ? KEEP : new Put(current.get().value(), Duration.ZERO);
    }
    if (expiresAtMillis <= nowMillis) {
      return REMOVE;
    }
    return new Put(current.get().value(), Duration.ofMillis(expiresAtMillis - nowMillis));
  }
}
