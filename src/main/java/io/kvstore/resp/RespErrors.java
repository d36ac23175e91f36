package io.kvstore.resp;

import io.kvstore.api.KvStoreException;
import io.kvstore.api.UnavailableException;

/**
 * The one mapping from kvstore's error codes to Redis error replies: {@code -TRYAGAIN <code>: …}
 * when the same command may succeed later (the HTTP API's 503s), {@code -ERR …} otherwise.
 */
final class RespErrors {
  private RespErrors() {}

  static RespReply reply(KvStoreException e) {
    return switch (e.code()) {
      case STORAGE_UNAVAILABLE, TIMEOUT, NO_RING, SHUTTING_DOWN, INSUFFICIENT_REPLICAS, REPLICATION_FAILED, NOT_READY ->
          tryAgain(e);
      case INVALID_KEY,
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
          FAILED,
          INTERNAL_ERROR -> RespReply.error("ERR " + e.getMessage());
    };
  }

  private static RespReply tryAgain(KvStoreException e) {
    boolean mayHaveBeenApplied = e instanceof UnavailableException unavailable && unavailable.mayHaveBeenApplied();
    return RespReply.error(
        "TRYAGAIN " + e.code() + ": " + e.getMessage()
            + (mayHaveBeenApplied && !e.getMessage().contains("may have been applied") ? " (the write may have been applied)" : ""));
  }
}
