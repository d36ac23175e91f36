package io.kvstore.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.ConfigFactory;
import io.kvstore.node.KvStoreNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

/** A real HTTP client against a node on localhost, with helpers for JSON and raw sockets. */
public final class HttpClientFixture {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient client =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final int port;

  public HttpClientFixture(int port) {
    this.port = port;
  }

  /** A single node with its HTTP API on an ephemeral port, {@code config} over the defaults. */
  public static KvStoreNode startNode(Path directory, String config) {
    return KvStoreNode.builder()
        .dataDirectory(directory)
        .httpPort(0)
        .config(ConfigFactory.parseString(config))
        .start();
  }

  public HttpRequest.Builder request(String rawPath) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + rawPath)).timeout(Duration.ofSeconds(15));
  }

  public HttpResponse<byte[]> send(HttpRequest request) {
    try {
      return client.send(request, HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public HttpResponse<byte[]> put(String rawPath, byte[] body) {
    return send(request(rawPath).PUT(HttpRequest.BodyPublishers.ofByteArray(body)).build());
  }

  public HttpResponse<byte[]> get(String rawPath) {
    return send(request(rawPath).GET().build());
  }

  public HttpResponse<byte[]> delete(String rawPath) {
    return send(request(rawPath).DELETE().build());
  }

  public static JsonNode json(HttpResponse<byte[]> response) {
    assertTrue(
        response.headers().firstValue("Content-Type").orElse("").startsWith("application/json"),
        "JSON content type, got " + response.headers().firstValue("Content-Type"));
    try {
      return JSON.readTree(response.body());
    } catch (IOException e) {
      throw new AssertionError("not JSON: " + new String(response.body(), StandardCharsets.UTF_8), e);
    }
  }

  /** Asserts the status and the {@code {error, message}} body every error has; returns the body. */
  public static JsonNode assertError(HttpResponse<byte[]> response, int status, String error) {
    assertEquals(status, response.statusCode(), () -> new String(response.body(), StandardCharsets.UTF_8));
    JsonNode body = json(response);
    assertEquals(error, body.path("error").asText(), body.toString());
    assertTrue(body.path("message").isTextual() && !body.path("message").asText().isEmpty(), body.toString());
    return body;
  }

  /** A raw HTTP/1.1 exchange for requests no well-behaved client would send. */
  public RawExchange raw() throws IOException {
    return new RawExchange(new Socket("127.0.0.1", port));
  }

  public static final class RawExchange implements AutoCloseable {
    private final Socket socket;

    RawExchange(Socket socket) throws IOException {
      this.socket = socket;
      socket.setSoTimeout(15_000);
    }

    public RawExchange write(String text) throws IOException {
      return write(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    public RawExchange write(byte[] bytes) throws IOException {
      OutputStream out = socket.getOutputStream();
      out.write(bytes);
      out.flush();
      return this;
    }

    /** Reads one response: status code and body (Content-Length framed). */
    public RawResponse read() throws IOException {
      InputStream in = socket.getInputStream();
      StringBuilder head = new StringBuilder();
      while (!head.toString().endsWith("\r\n\r\n")) {
        int b = in.read();
        if (b < 0) {
          throw new IOException("connection closed before a response; got: " + head);
        }
        head.append((char) b);
      }
      String[] lines = head.toString().split("\r\n");
      int status = Integer.parseInt(lines[0].split(" ")[1]);
      int length = 0;
      String contentType = "";
      for (String line : lines) {
        String lower = line.toLowerCase(java.util.Locale.ROOT);
        if (lower.startsWith("content-length:")) {
          length = Integer.parseInt(line.substring(15).trim());
        } else if (lower.startsWith("content-type:")) {
          contentType = line.substring(13).trim();
        }
      }
      byte[] body = in.readNBytes(length);
      return new RawResponse(status, contentType, JSON.readTree(body));
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }

  public record RawResponse(int status, String contentType, JsonNode body) {
    public void assertError(int expectedStatus, String error) {
      assertEquals(expectedStatus, status, body.toString());
      assertTrue(contentType.startsWith("application/json"), contentType);
      assertEquals(error, body.path("error").asText(), body.toString());
      assertTrue(body.path("message").isTextual(), body.toString());
    }
  }
}
