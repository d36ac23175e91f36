package io.kvstore.http;

import akka.event.LoggingAdapter;
import akka.http.ParsingErrorHandler;
import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.model.StatusCodes;
import akka.http.scaladsl.model.ErrorInfo;
import akka.http.scaladsl.model.StatusCode;
import akka.http.scaladsl.settings.ServerSettings;

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
    return JsonResponses.error(
        StatusCodes.get(status.intValue()), errorCode(status.intValue()), error.summary());
  }

  private static String errorCode(int status) {
    return switch (status) {
      case 413 -> "payload_too_large";
      case 414 -> "uri_too_long";
      case 431 -> "headers_too_large";
      default -> "bad_request";
    };
  }
}
