package io.kvstore.http;

import akka.http.javadsl.model.StatusCode;
import akka.http.javadsl.model.StatusCodes;
import io.kvstore.api.ErrorCode;

/** The one mapping from kvstore's error codes to HTTP statuses. */
final class HttpErrors {
  private HttpErrors() {}

  static StatusCode status(ErrorCode code) {
    return switch (code) {
      case INVALID_KEY,
          INVALID_CONSISTENCY_LEVEL,
          INVALID_TTL,
          INVALID_HEADER,
          INVALID_PARAMETER,
          INVALID_CURSOR,
          NOT_AN_INTEGER,
          INTEGER_OVERFLOW,
          NOT_A_FLOAT,
          FLOAT_OVERFLOW,
          OFFSET_OUT_OF_RANGE,
          INVALID_ADDRESS,
          ALREADY_MEMBER,
          ALREADY_JOINING,
          MALFORMED_JSON,
          INVALID_BODY,
          BAD_REQUEST -> StatusCodes.BAD_REQUEST;
      case NOT_FOUND, UNKNOWN_NODE -> StatusCodes.NOT_FOUND;
      case METHOD_NOT_ALLOWED -> StatusCodes.METHOD_NOT_ALLOWED;
      case REQUEST_TIMEOUT -> StatusCodes.REQUEST_TIMEOUT;
      case CONFLICT -> StatusCodes.CONFLICT;
      case KEY_TOO_LARGE, VALUE_TOO_LARGE, PAYLOAD_TOO_LARGE, BATCH_TOO_LARGE -> StatusCodes.CONTENT_TOO_LARGE;
      case URI_TOO_LONG -> StatusCodes.URI_TOO_LONG;
      case HEADERS_TOO_LARGE -> StatusCodes.REQUEST_HEADER_FIELDS_TOO_LARGE;
      case STORAGE_UNAVAILABLE,
          TIMEOUT,
          NO_RING,
          SHUTTING_DOWN,
          INSUFFICIENT_REPLICAS,
          REPLICATION_FAILED,
          NOT_READY,
          FAILED -> StatusCodes.SERVICE_UNAVAILABLE;
      case INTERNAL_ERROR -> StatusCodes.INTERNAL_SERVER_ERROR;
    };
  }
}
