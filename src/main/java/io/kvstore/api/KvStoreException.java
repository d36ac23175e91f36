package io.kvstore.api;

/** A request kvstore refused or could not complete; {@link #code()} is a stable error code. */
public abstract class KvStoreException extends RuntimeException {
  private final String code;

  protected KvStoreException(String code, String message, Throwable cause) {
    super(message, cause);
    this.code = code;
  }

  public String code() {
    return code;
  }
}
