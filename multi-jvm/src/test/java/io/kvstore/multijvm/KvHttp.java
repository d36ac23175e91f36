package io.kvstore.multijvm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** The HTTP API as a test client sees it: status codes and bodies, no interpretation. */
final class KvHttp {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

  record Answer(int status, String body) {
    JsonNode json() {
      try {
        return JSON.readTree(body);
      } catch (IOException e) {
        throw new IllegalStateException("not JSON: " + body, e);
      }
    }
  }

  Answer put(int port, String key, String value, String consistency) {
    return send(
        request(port, "/api/v1/keys/" + URLEncoder.encode(key, StandardCharsets.UTF_8))
            .header("X-Consistency-Level", consistency)
            .PUT(HttpRequest.BodyPublishers.ofString(value))
            .build());
  }

  /** The value as stored (raw bytes as text), or null when absent; fails on other answers. */
  Answer get(int port, String key, String consistency) {
    return send(
        request(port, "/api/v1/keys/" + URLEncoder.encode(key, StandardCharsets.UTF_8))
            .header("X-Consistency-Level", consistency)
            .header("Accept", "application/octet-stream")
            .GET()
            .build());
  }

  /** A page of {@code GET /api/v1/keys?query}. */
  Answer scan(int port, String query, String consistency) {
    return send(request(port, "/api/v1/keys?" + query).header("X-Consistency-Level", consistency).GET().build());
  }

  Answer get(int port, String path) {
    return send(request(port, path).GET().build());
  }

  private static HttpRequest.Builder request(int port, String path) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(15));
  }

  private Answer send(HttpRequest request) {
    try {
      HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
      return new Answer(response.statusCode(), response.body());
    } catch (IOException e) {
      return new Answer(-1, String.valueOf(e));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Answer(-1, "interrupted");
    }
  }
}
