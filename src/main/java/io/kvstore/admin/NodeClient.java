package io.kvstore.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A node's HTTP API, reached at the first of several endpoints that answers. Any answer counts,
 * errors included: only an endpoint that cannot be reached (refused, unresolvable, silent past the
 * timeout) passes the request on to the next, so a write may reach a second node after the first
 * timed out, which is harmless for the requests this CLI sends (a put of the same value, a repair,
 * a leave).
 */
final class NodeClient {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final List<URI> endpoints;
  private final Duration timeout;
  private final HttpClient client;

  /** An answer that is not an error. */
  record Reply(byte[] body) {
    JsonNode json() {
      try {
        return JSON.readTree(body);
      } catch (IOException e) {
        throw new AdminFailure("the node's answer is not JSON: " + preview(body), AdminFailure.FAILED);
      }
    }
  }

  NodeClient(List<URI> endpoints, Duration timeout) {
    this.endpoints = endpoints;
    this.timeout = timeout;
    this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(timeout).build();
  }

  Reply get(String path, Map<String, String> headers) {
    return send("GET", path, headers, HttpRequest.BodyPublishers.noBody());
  }

  Reply post(String path) {
    return send("POST", path, Map.of(), HttpRequest.BodyPublishers.noBody());
  }

  Reply put(String path, Map<String, String> headers, byte[] body) {
    return send("PUT", path, headers, HttpRequest.BodyPublishers.ofByteArray(body));
  }

  Reply delete(String path, Map<String, String> headers) {
    return send("DELETE", path, headers, HttpRequest.BodyPublishers.noBody());
  }

  /**
   * @param path the raw path and query, already percent-encoded, appended to the endpoint (which
   *     may carry a path prefix of its own, as behind a proxy)
   * @throws AdminFailure with {@link AdminFailure#NO_NODE} when no endpoint answered, {@link
   *     AdminFailure#FAILED} with the node's error code and message when it answered with one
   */
  private Reply send(String method, String path, Map<String, String> headers, HttpRequest.BodyPublisher body) {
    List<String> unanswered = new ArrayList<>();
    for (URI endpoint : endpoints) {
      HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(endpoint + path)).timeout(timeout).method(method, body);
      headers.forEach(request::header);
      HttpResponse<byte[]> response;
      try {
        response = client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
      } catch (IOException e) {
        unanswered.add(endpoint + ": " + reason(e));
        continue;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AdminFailure("interrupted", AdminFailure.FAILED);
      }
      if (response.statusCode() >= 400) {
        throw new AdminFailure(errorOf(response), AdminFailure.FAILED);
      }
      return new Reply(response.body());
    }
    throw new AdminFailure("no node answered at " + String.join("; ", unanswered), AdminFailure.NO_NODE);
  }

  /**
   * The JDK's HTTP client says why it could not connect by the type of its exceptions, often with
   * no message at all: a refused connection is a bare {@link ConnectException} over a closed
   * channel, an unknown host one over an {@link UnresolvedAddressException}.
   */
  private String reason(IOException failure) {
    if (failure instanceof HttpConnectTimeoutException) {
      return "no connection within " + timeout.toMillis() + " ms";
    }
    if (failure instanceof HttpTimeoutException) {
      return "no answer within " + timeout.toMillis() + " ms";
    }
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (cause instanceof UnresolvedAddressException) {
        return "unknown host";
      }
      if (cause.getMessage() != null) {
        return cause.getMessage();
      }
    }
    return failure instanceof ConnectException ? "Connection refused" : failure.getClass().getSimpleName();
  }

  /** {@code code: message} from kvstore's error body {@code {"error": code, "message": ...}}. */
  private static String errorOf(HttpResponse<byte[]> response) {
    try {
      JsonNode body = JSON.readTree(response.body());
      if (body != null && body.path("error").isTextual()) {
        return body.get("error").asText() + ": " + body.path("message").asText();
      }
    } catch (IOException notJson) {
      // A proxy's page, say: shown as it is below.
    }
    return "HTTP " + response.statusCode() + ": " + preview(response.body());
  }

  private static String preview(byte[] body) {
    String text = new String(body, StandardCharsets.UTF_8).strip();
    return text.length() > 200 ? text.substring(0, 200) + "..." : text;
  }
}
