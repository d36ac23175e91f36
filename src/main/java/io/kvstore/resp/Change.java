package io.kvstore.resp;

import io.kvstore.api.KvEntry;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;

/**
 * What a read-modify-write command does to a key, decided from the key's current value. The rules
 * are pure, so Redis's semantics are tested without a node; {@link KeyCommands} applies the
 * decision with a compare-and-set against the value it was decided from. Changes the key's entity
 * can compute itself (APPEND, SETRANGE, the INCR family, INCRBYFLOAT) are {@code api.Mutation}s
 * instead, with no compare-and-set to retry.
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
