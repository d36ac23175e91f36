package io.kvstore.api;

/** A key or value is over its configured limit. */
public final class PayloadTooLargeException extends KvStoreException {
  private final long limitBytes;

  public PayloadTooLargeException(ErrorCode code, String message, long limitBytes) {
    super(code, message, null);
    this.limitBytes = limitBytes;
  }

  public long limitBytes() {
    return limitBytes;
  }
}
