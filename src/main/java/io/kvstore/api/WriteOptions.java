package io.kvstore.api;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Options of a put or delete. Immutable; start from {@link #defaults()}.
 *
 * @param ttl time to live; {@link Duration#ZERO} means no expiry
 * @param ifMatch write only if the current version is one of these ({@code *}: if any value
 *     is live); null for no condition
 * @param ifAbsent write only if the key has no live value
 */
public record WriteOptions(Consistency consistency, Duration ttl, List<String> ifMatch, boolean ifAbsent) {
  private static final WriteOptions DEFAULTS = new WriteOptions(Consistency.QUORUM, Duration.ZERO, null, false);

  public WriteOptions {
    Objects.requireNonNull(consistency, "consistency");
    Objects.requireNonNull(ttl, "ttl");
    if (ttl.isNegative()) {
      throw new InvalidRequestException(ErrorCode.INVALID_TTL, "TTL must not be negative");
    }
    if (ifMatch != null) {
      if (ifMatch.isEmpty()) {
        throw new InvalidRequestException(ErrorCode.INVALID_HEADER, "a version condition must name at least one version");
      }
      ifMatch = List.copyOf(ifMatch);
    }
  }

  public static WriteOptions defaults() {
    return DEFAULTS;
  }

  public WriteOptions withConsistency(Consistency level) {
    return new WriteOptions(level, ttl, ifMatch, ifAbsent);
  }

  public WriteOptions withTtl(Duration timeToLive) {
    return new WriteOptions(consistency, timeToLive, ifMatch, ifAbsent);
  }

  public WriteOptions onlyIfVersion(String version) {
    return onlyIfVersionIn(List.of(version));
  }

  /** Writes only if the current version is any of these (HTTP's {@code If-Match} with several tags). */
  public WriteOptions onlyIfVersionIn(List<String> versions) {
    return new WriteOptions(consistency, ttl, versions, ifAbsent);
  }

  public WriteOptions onlyIfAbsent() {
    return new WriteOptions(consistency, ttl, ifMatch, true);
  }
}
