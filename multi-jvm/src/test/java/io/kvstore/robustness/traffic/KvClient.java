package io.kvstore.robustness.traffic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

/** One client's HTTP connection to the cluster: requests in, status, body and ETag out. */
public final class KvClient {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient client;
  private final Duration requestTimeout;

  /**
   * An answer, or why there is none. {@code sent} is false only when the request cannot have
   * reached the server (the connection was refused or never made).
   */
  public record Answer(int status, String body, Optional<String> etag, String failure, boolean sent) {
    public boolean answered() {
      return failure == null;
    }

    public JsonNode json() {
      try {
        return JSON.readTree(body);
      } catch (IOException e) {
        return JSON.createObjectNode();
      }
    }

    /** For a 503: whether the server says the write may still take effect. */
    public boolean mayHaveBeenApplied() {
      return json().path("may_have_been_applied").asBoolean(true);
    }
  }

  public KvClient(Duration requestTimeout) {
    this.requestTimeout = requestTimeout;
    this.client =
        HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build();
  }

  public Answer get(String base, String key, String level) {
    return send(keyRequest(base, key).header("X-Consistency-Level", level).header("Accept", "application/octet-stream").GET());
  }

  /**
   * @param ifMatch the version the key must have; "" for "must be absent"; null for unconditional
   */
  public Answer put(String base, String key, String value, String ifMatch) {
    HttpRequest.Builder request =
        keyRequest(base, key).header("X-Consistency-Level", "QUORUM").PUT(HttpRequest.BodyPublishers.ofString(value));
    if (ifMatch != null && ifMatch.isEmpty()) {
      request.header("If-None-Match", "*");
    } else if (ifMatch != null) {
      request.header("If-Match", ifMatch);
    }
    return send(request);
  }

  public Answer get(String base, String path) {
    return send(HttpRequest.newBuilder(URI.create(base + path)).timeout(requestTimeout).GET());
  }

  public Answer delete(String base, String path) {
    return send(HttpRequest.newBuilder(URI.create(base + path)).timeout(requestTimeout).DELETE());
  }

  private HttpRequest.Builder keyRequest(String base, String key) {
    return HttpRequest.newBuilder(URI.create(base + "/api/v1/keys/" + URLEncoder.encode(key, StandardCharsets.UTF_8)))
        .timeout(requestTimeout);
  }

  private Answer send(HttpRequest.Builder request) {
    try {
      HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
      return new Answer(response.statusCode(), response.body(), response.headers().firstValue("ETag"), null, true);
    } catch (ConnectException | HttpConnectTimeoutException e) {
      return new Answer(-1, "", Optional.empty(), String.valueOf(e), false);
    } catch (IOException e) {
      return new Answer(-1, "", Optional.empty(), String.valueOf(e), true);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Answer(-1, "", Optional.empty(), "interrupted", true);
    }
  }
}
