package io.kvstore.multijvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node in its own JVM is SIGKILLed in the middle of a write load; restarted on the same data
 * directory, it must return every acknowledged write with its acknowledged value.
 */
class DurabilityIT {
  private static final int KEYS = 2_000;
  private static final int WRITERS = 16;
  private static final int KILL_AFTER_ACKS = 1_000;
  private static final long SEED = 20261123L;

  @TempDir Path dataDir;

  private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private HttpResponse<String> put(int port, String key, String value) throws IOException, InterruptedException {
    return client.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/keys/" + key))
            .timeout(Duration.ofSeconds(10))
            .header("Accept", "application/json")
            .PUT(HttpRequest.BodyPublishers.ofString(value))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<byte[]> getRaw(int port, String key) throws IOException, InterruptedException {
    return client.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/keys/" + key))
            .timeout(Duration.ofSeconds(10))
            .header("Accept", "application/octet-stream")
            .GET()
            .build(),
        HttpResponse.BodyHandlers.ofByteArray());
  }

  @Test
  void everyAcknowledgedWriteSurvivesASigkill() throws Exception {
    Path logs = Path.of(System.getProperty("kvstore.build.dir", "target"), "multi-jvm-logs");
    Map<String, String> acknowledged = new ConcurrentHashMap<>();
    AtomicInteger attempted = new AtomicInteger();
    CountDownLatch killPoint = new CountDownLatch(KILL_AFTER_ACKS);
    Random random = new Random(SEED);
    List<String> values = new ArrayList<>();
    for (int i = 0; i < KEYS; i++) {
      values.add("value-" + i + "-" + Long.toHexString(random.nextLong()));
    }

    try (NodeProcess node = NodeProcess.start(dataDir, "durable-1", logs)) {
      ExecutorService writers = Executors.newFixedThreadPool(WRITERS);
      List<Future<?>> running = new ArrayList<>();
      for (int w = 0; w < WRITERS; w++) {
        int writer = w;
        running.add(
            writers.submit(
                () -> {
                  for (int i = writer; i < KEYS; i += WRITERS) {
                    String key = "durable-" + i;
                    attempted.incrementAndGet();
                    try {
                      HttpResponse<String> response = put(node.httpPort(), key, values.get(i));
                      if (response.statusCode() == 200) {
                        acknowledged.put(key, values.get(i));
                        killPoint.countDown();
                      }
                    } catch (IOException | InterruptedException connectionLost) {
                      return null; // the node is gone: this writer stops
                    }
                  }
                  return null;
                }));
      }
      assertTrue(killPoint.await(120, TimeUnit.SECONDS), "the load never reached the kill point");
      node.kill();
      for (Future<?> writer : running) {
        writer.get(60, TimeUnit.SECONDS);
      }
      writers.shutdown();
    }
    int acked = acknowledged.size();
    assertTrue(acked >= KILL_AFTER_ACKS && acked < KEYS, "killed mid-load: " + acked + " of " + KEYS + " acknowledged");

    try (NodeProcess restarted = NodeProcess.start(dataDir, "durable-1", logs)) {
      for (Map.Entry<String, String> write : acknowledged.entrySet()) {
        HttpResponse<byte[]> read = getRaw(restarted.httpPort(), write.getKey());
        assertEquals(200, read.statusCode(), write.getKey() + " was acknowledged but is gone");
        assertEquals(write.getValue(), new String(read.body(), StandardCharsets.UTF_8), write.getKey());
      }
    }
    System.out.printf("durability: %d acknowledged of %d attempted before SIGKILL, all read back%n", acked, attempted.get());
  }
}
