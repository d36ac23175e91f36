package io.kvstore.api;

/** A request kvstore refused or could not complete; {@link #code()} is a stable error code. */
public abstract class KvStoreException extends RuntimeException {
  private final ErrorCode code;

  protected KvStoreException(ErrorCode code, String message, Throwable cause) {
    super(message, cause);
    this.code = code;
  }

  public ErrorCode code() {
    return code;
  }
}
