package io.kvstore.api;

import java.util.Optional;

/** A conditional write's precondition did not hold; nothing was written. */
public final class VersionConflictException extends KvStoreException {
  private final String currentVersion;

  public VersionConflictException(String currentVersion) {
    super(
        ErrorCode.CONFLICT,
        currentVersion == null
            ? "the key has no current value"
            : "the key's current version is " + currentVersion,
        null);
    this.currentVersion = currentVersion;
  }

  /** The version the key has now; empty when it has no live value. */
  public Optional<String> currentVersion() {
    return Optional.ofNullable(currentVersion);
  }
}
