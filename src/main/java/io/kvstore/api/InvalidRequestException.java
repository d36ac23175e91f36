package io.kvstore.api;

/** The request itself is wrong (bad key, header, TTL, consistency level). */
public final class InvalidRequestException extends KvStoreException {
  public InvalidRequestException(ErrorCode code, String message) {
    super(code, message, null);
  }
}
