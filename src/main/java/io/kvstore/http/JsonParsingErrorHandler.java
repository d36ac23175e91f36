package io.kvstore.http;

import akka.event.LoggingAdapter;
import akka.http.ParsingErrorHandler;
import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.model.StatusCodes;
import akka.http.scaladsl.model.ErrorInfo;
import akka.http.scaladsl.model.StatusCode;
import akka.http.scaladsl.settings.ServerSettings;
import io.kvstore.api.ErrorCode;

/**
 * Answers requests Akka HTTP cannot even parse (malformed URI or percent-encoding, oversized
 * headers or URI) with the same JSON error body as everything else. Named in {@code
 * akka.http.server.parsing.error-handler}.
 */
public final class JsonParsingErrorHandler extends ParsingErrorHandler {
  @Override
  public HttpResponse handle(
      StatusCode status, ErrorInfo error, LoggingAdapter log, ServerSettings settings) {
    log.debug("unparseable request ({}): {}", status.intValue(), error.formatPretty());
    // The status Akka's parser chose (400, 413, 414, 431, 501, 505…), not the code's usual one.
    return JsonResponses.json(
        StatusCodes.get(status.intValue()), JsonResponses.errorBody(errorCode(status.intValue()), error.summary()));
  }

  private static ErrorCode errorCode(int status) {
    return switch (status) {
      case 413 -> ErrorCode.PAYLOAD_TOO_LARGE;
      case 414 -> ErrorCode.URI_TOO_LONG;
      case 431 -> ErrorCode.HEADERS_TOO_LARGE;
      default -> ErrorCode.BAD_REQUEST;
    };
  }
}
