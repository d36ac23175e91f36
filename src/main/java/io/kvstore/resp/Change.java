package io.kvstore.resp;

import io.kvstore.api.KvEntry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
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
}
