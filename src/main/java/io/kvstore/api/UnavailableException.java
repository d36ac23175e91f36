package io.kvstore.api;

/**
 * kvstore could not complete the request now (storage unavailable, timeout). For a write,
 * {@link #mayHaveBeenApplied()} says whether it may still take effect: a client that needs to
 * know reads the key back.
 */
public final class UnavailableException extends KvStoreException {
  private final boolean mayHaveBeenApplied;

  public UnavailableException(ErrorCode code, String message, boolean mayHaveBeenApplied, Throwable cause) {
    super(code, message, cause);
    this.mayHaveBeenApplied = mayHaveBeenApplied;
  }

  public boolean mayHaveBeenApplied() {
    return mayHaveBeenApplied;
  }
}
