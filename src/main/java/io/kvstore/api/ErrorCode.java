package io.kvstore.api;

import java.util.Locale;

/**
 * Every error kvstore reports, by its stable code: the {@code error} field of an HTTP error body,
 * the code of a RESP {@code -TRYAGAIN} reply, {@link KvStoreException#code()} in Java. Mapped to
 * HTTP statuses in one place ({@code http.HttpErrors}) and to RESP replies in one
 * ({@code resp.RespErrors}); each is documented in docs/api.md, which a test checks.
 */
public enum ErrorCode {
  INVALID_KEY(Kind.INVALID_REQUEST),
  INVALID_CONSISTENCY_LEVEL(Kind.INVALID_REQUEST),
  INVALID_TTL(Kind.INVALID_REQUEST),
  INVALID_HEADER(Kind.INVALID_REQUEST),
  INVALID_PARAMETER(Kind.INVALID_REQUEST),
  INVALID_CURSOR(Kind.INVALID_REQUEST),
  NOT_AN_INTEGER(Kind.INVALID_REQUEST),
  INTEGER_OVERFLOW(Kind.INVALID_REQUEST),
  NOT_A_FLOAT(Kind.INVALID_REQUEST),
  FLOAT_OVERFLOW(Kind.INVALID_REQUEST),
  OFFSET_OUT_OF_RANGE(Kind.INVALID_REQUEST),
  INVALID_ADDRESS(Kind.INVALID_REQUEST),
  ALREADY_MEMBER(Kind.INVALID_REQUEST),
  ALREADY_JOINING(Kind.INVALID_REQUEST),
  MALFORMED_JSON(Kind.INVALID_REQUEST),
  INVALID_BODY(Kind.INVALID_REQUEST),
  BAD_REQUEST(Kind.INVALID_REQUEST),
  NOT_FOUND(Kind.INVALID_REQUEST),
  UNKNOWN_NODE(Kind.INVALID_REQUEST),
  METHOD_NOT_ALLOWED(Kind.INVALID_REQUEST),
  REQUEST_TIMEOUT(Kind.INVALID_REQUEST),
  CONFLICT(Kind.INVALID_REQUEST),
  KEY_TOO_LARGE(Kind.INVALID_REQUEST),
  VALUE_TOO_LARGE(Kind.INVALID_REQUEST),
  PAYLOAD_TOO_LARGE(Kind.INVALID_REQUEST),
  BATCH_TOO_LARGE(Kind.INVALID_REQUEST),
  URI_TOO_LONG(Kind.INVALID_REQUEST),
  HEADERS_TOO_LARGE(Kind.INVALID_REQUEST),
  STORAGE_UNAVAILABLE(Kind.UNAVAILABLE),
  TIMEOUT(Kind.UNAVAILABLE),
  NO_RING(Kind.UNAVAILABLE),
  SHUTTING_DOWN(Kind.UNAVAILABLE),
  INSUFFICIENT_REPLICAS(Kind.UNAVAILABLE),
  REPLICATION_FAILED(Kind.UNAVAILABLE),
  NOT_READY(Kind.UNAVAILABLE),
  FAILED(Kind.FAILURE),
  INTERNAL_ERROR(Kind.FAILURE);

  /** What a client can do about an error. */
  public enum Kind {
    /** The request is wrong: sent again unchanged, it fails again. */
    INVALID_REQUEST,
    /** The node cannot serve it now: the same request may succeed later. */
    UNAVAILABLE,
    /** The node itself is broken. */
    FAILURE
  }

  private final Kind kind;

  ErrorCode(Kind kind) {
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }

  /** The code as clients see it: {@code insufficient_replicas}. */
  public String code() {
    return name().toLowerCase(Locale.ROOT);
  }

  @Override
  public String toString() {
    return code();
  }
}
