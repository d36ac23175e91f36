package io.kvstore.resp;

import io.kvstore.api.ErrorCode;
import io.kvstore.api.KvStoreException;
import io.kvstore.api.UnavailableException;

/**
 * The one mapping from kvstore's error codes to Redis error replies: {@code -TRYAGAIN <code>: …}
 * when the same command may succeed later ({@link ErrorCode.Kind#UNAVAILABLE}), {@code -ERR …}
 * otherwise.
 */
final class RespErrors {
  private RespErrors() {}

  static RespReply reply(KvStoreException e) {
    return switch (e.code().kind()) {
      case UNAVAILABLE -> tryAgain(e);
      case INVALID_REQUEST, FAILURE -> RespReply.error("ERR " + e.getMessage());
    };
  }

  private static RespReply tryAgain(KvStoreException e) {
    boolean mayHaveBeenApplied = e instanceof UnavailableException unavailable && unavailable.mayHaveBeenApplied();
    return RespReply.error(
        "TRYAGAIN " + e.code() + ": " + e.getMessage()
            + (mayHaveBeenApplied && !e.getMessage().contains("may have been applied") ? " (the write may have been applied)" : ""));
  }
}
