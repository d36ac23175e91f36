package io.kvstore.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kvstore.node.KvStoreNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A stopping node's answers are JSON errors too (a non-JSON 503 was seen while nodes were SIGTERMed). */
class HttpShutdownTest {
  @TempDir Path directory;

  @Test
  void aRequestStillPendingWhenTheNodeStopsIsAnsweredWithAJsonError() throws Exception {
    KvStoreNode node = HttpClientFixture.startNode(directory, "kvstore.request-timeout = 2s\nkvstore.http.body-read-timeout = 30s");
    HttpClientFixture http = new HttpClientFixture(node.httpPort().orElseThrow());
    try (var exchange = http.raw()) {
      // Its body never completes: the request is in the routes when the termination deadline passes.
      exchange.write("PUT /api/v1/keys/pending HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nhalf".getBytes(StandardCharsets.US_ASCII));
      assertEquals(200, http.get("/health/alive").statusCode());
      CompletableFuture<Void> stopped = CompletableFuture.runAsync(node::close);
      exchange.read().assertError(503, "shutting_down");
      stopped.join();
    }
  }
}
