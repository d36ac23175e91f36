package io.kvstore.api;

import java.util.Locale;

/**
 * Every error kvstore reports, by its stable code: the {@code error} field of an HTTP error body,
 * the code of a RESP {@code -TRYAGAIN} reply, {@link KvStoreException#code()} in Java. Mapped to
 * HTTP statuses in one place ({@code http.HttpErrors}) and to RESP replies in one
 * ({@code resp.RespErrors}); each is documented in docs/api.md, which a test checks.
 */
public enum ErrorCode {
  // The request is wrong: retrying it unchanged fails again.
  INVALID_KEY,
  INVALID_CONSISTENCY_LEVEL,
  INVALID_TTL,
  INVALID_HEADER,
  INVALID_PARAMETER,
  INVALID_ADDRESS,
  ALREADY_MEMBER,
  ALREADY_JOINING,
  MALFORMED_JSON,
  INVALID_BODY,
  BAD_REQUEST,
  NOT_FOUND,
  UNKNOWN_NODE,
  METHOD_NOT_ALLOWED,
  REQUEST_TIMEOUT,
  CONFLICT,
  KEY_TOO_LARGE,
  VALUE_TOO_LARGE,
  PAYLOAD_TOO_LARGE,
  URI_TOO_LONG,
  HEADERS_TOO_LARGE,
  // The node cannot serve the request now: it may succeed later.
  STORAGE_UNAVAILABLE,
  TIMEOUT,
  NO_RING,
  SHUTTING_DOWN,
  INSUFFICIENT_REPLICAS,
  REPLICATION_FAILED,
  NOT_READY,
  // The node itself is broken.
  FAILED,
  INTERNAL_ERROR;

  /** The code as clients see it: {@code insufficient_replicas}. */
  public String code() {
    return name().toLowerCase(Locale.ROOT);
  }

  @Override
  public String toString() {
    return code();
  }
}
