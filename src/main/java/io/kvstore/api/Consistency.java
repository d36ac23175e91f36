package io.kvstore.api;

import java.util.Locale;

/** Per-request consistency; see docs/api.md for what each level promises. */
public enum Consistency {
  ONE,
  QUORUM,
  ALL,
  LINEARIZABLE;

  /** Parses a header value (case-insensitive). */
  public static Consistency parse(String text) {
    try {
      return valueOf(text.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new InvalidRequestException(
          ErrorCode.INVALID_CONSISTENCY_LEVEL,
          "unknown consistency level '" + text + "'; expected ONE, QUORUM, ALL or LINEARIZABLE");
    }
  }
}
