package io.kvstore.node;

import static io.kvstore.http.HttpClientFixture.assertError;
import static io.kvstore.http.HttpClientFixture.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.kvstore.http.HttpClientFixture;
import io.kvstore.testing.Eventually;
import java.io.IOException;
import java.io.OutputStream;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A data directory that fills up or turns read-only: writes get a clear 503, reads keep working,
 * nothing acknowledged is lost; writes resume once space is freed, or (read-only: RocksDB cannot
 * leave its error state in-process) after a restart, which /health/alive asks for. Runs on a
 * small tmpfs, so it needs root (as CI has); elsewhere it is skipped, not passed.
 */
class StorageFullTest {
  @TempDir Path mountPoint;
  private boolean mounted;

  @BeforeEach
  void mountSmallFilesystem() throws Exception {
    mounted = run("mount", "-t", "tmpfs", "-o", "size=40m", "tmpfs", mountPoint.toString()) == 0;
    assumeTrue(mounted, "needs permission to mount a tmpfs (root)");
  }

  @AfterEach
  void unmount() throws Exception {
    if (mounted) {
      assertEquals(0, run("umount", mountPoint.toString()));
    }
  }

  private static int run(String... command) throws IOException, InterruptedException {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    process.getInputStream().readAllBytes();
    assertTrue(process.waitFor(30, TimeUnit.SECONDS));
    return process.exitValue();
  }

  private static KvStoreNode startNode(Path dataDir) {
    // A request timeout longer than the HTTP client's (15 s): a write caught in flight when
    // storage starts refusing must be answered by the refusal, not by the timeout.
    return startNode(
        dataDir,
        ConfigFactory.parseString("kvstore.storage.min-free-space = 4MiB\nkvstore.request-timeout = 60s"));
  }

  private static KvStoreNode startNode(Path dataDir, Config config) {
    return KvStoreNode.builder().dataDirectory(dataDir).httpPort(0).config(config).start();
  }

  /** Fills the filesystem to the last byte. */
  private static void fill(Path filler) throws IOException {
    byte[] block = new byte[64 * 1024];
    try (OutputStream out = Files.newOutputStream(filler)) {
      while (true) {
        out.write(block);
      }
    } catch (IOException noSpaceLeft) {
      // expected: the disk is full
    }
  }

  @Test
  void aFullDiskRefusesWritesClearlyLosesNothingAndRecovers() throws Exception {
    Path dataDir = mountPoint.resolve("data");
    Path filler = mountPoint.resolve("filler");
    Map<String, String> acknowledged = new LinkedHashMap<>();
    byte[] payload = new byte[4096];
    try (KvStoreNode node = startNode(dataDir)) {
      HttpClientFixture http = new HttpClientFixture(node.httpPort().orElseThrow());
      for (int i = 0; i < 50; i++) {
        String value = "before-" + i;
        assertEquals(200, http.put("/api/v1/keys/k" + i, value.getBytes()).statusCode());
        acknowledged.put("k" + i, value);
      }

      fill(filler);
      HttpResponse<byte[]> refused = null;
      for (int i = 0; i < 5_000 && refused == null; i++) {
        HttpResponse<byte[]> response = http.put("/api/v1/keys/full-" + i, payload);
        if (response.statusCode() == 200) {
          acknowledged.put("full-" + i, null);
        } else {
          refused = response;
        }
      }
      assertTrue(refused != null, "the disk filled up without any write being refused");
      JsonNode error = assertError(refused, 503, "storage_unavailable");
      assertTrue(error.has("may_have_been_applied"));
      assertError(http.put("/api/v1/keys/another", payload), 503, "storage_unavailable");
      assertError(http.get("/health/ready"), 503, "not_ready");
      assertEquals("before-0", value(http, "k0"), "reads keep working");
      assertEquals(200, http.get("/health/alive").statusCode(), "a full disk is not a reason to restart");

      Files.delete(filler);
      Eventually.await(
          Duration.ofSeconds(30), "storage writable after freeing space", () -> http.get("/health/ready").statusCode() == 200);
      assertEquals(200, http.put("/api/v1/keys/after", "after".getBytes()).statusCode());
      acknowledged.put("after", "after");
      assertEquals(200, http.get("/health/ready").statusCode());
      assertAllPresent(http, acknowledged);
    }
    try (KvStoreNode restarted = startNode(dataDir)) {
      assertAllPresent(new HttpClientFixture(restarted.httpPort().orElseThrow()), acknowledged);
    }
  }

  @Test
  void aReadOnlyDataDirectoryStopsStartUpWithTheReasonAndChangesNothing() throws Exception {
    Path dataDir = mountPoint.resolve("data");
    try (KvStoreNode node = startNode(dataDir)) {
      assertEquals(200, new HttpClientFixture(node.httpPort().orElseThrow()).put("/api/v1/keys/kept", "kept".getBytes()).statusCode());
    }
    assertEquals(0, run("mount", "-o", "remount,ro", mountPoint.toString()));
    try {
      IllegalStateException refused = assertThrows(IllegalStateException.class, () -> startNode(dataDir));
      assertTrue(refused.getMessage().contains("cannot open RocksDB at " + dataDir), refused.getMessage());
    } finally {
      assertEquals(0, run("mount", "-o", "remount,rw", mountPoint.toString()));
    }
    try (KvStoreNode node = startNode(dataDir)) {
      assertEquals("kept", value(new HttpClientFixture(node.httpPort().orElseThrow()), "kept"));
    }
  }

  @Test
  void aWriteErrorInsideRocksDbIsFatalAndARestartLosesNothing() throws Exception {
    Path dataDir = mountPoint.resolve("data");
    Path filler = mountPoint.resolve("filler");
    Map<String, String> acknowledged = new LinkedHashMap<>();
    // No free-space floor: RocksDB itself runs into ENOSPC, the failure the floor normally avoids.
    Config noFloor = ConfigFactory.parseString("kvstore.storage.min-free-space = 0\nkvstore.request-timeout = 60s");
    try (KvStoreNode node = startNode(dataDir, noFloor)) {
      HttpClientFixture http = new HttpClientFixture(node.httpPort().orElseThrow());
      for (int i = 0; i < 20; i++) {
        assertEquals(200, http.put("/api/v1/keys/r" + i, ("v" + i).getBytes()).statusCode());
        acknowledged.put("r" + i, "v" + i);
      }
      fill(filler);
      HttpResponse<byte[]> refused = null;
      for (int i = 0; i < 5_000 && refused == null; i++) {
        HttpResponse<byte[]> response = http.put("/api/v1/keys/late-" + i, new byte[4096]);
        if (response.statusCode() == 200) {
          acknowledged.put("late-" + i, null);
        } else {
          refused = response;
        }
      }
      assertTrue(refused != null, "no write was refused on a full disk");
      assertError(refused, 503, "storage_unavailable");
      assertError(http.get("/health/alive"), 503, "failed");
      assertEquals("v3", value(http, "r3"), "reads keep working");
      Files.delete(filler);
      assertError(http.put("/api/v1/keys/still-refused", "x".getBytes()), 503, "storage_unavailable");
    }
    try (KvStoreNode restarted = startNode(dataDir, noFloor)) {
      HttpClientFixture http = new HttpClientFixture(restarted.httpPort().orElseThrow());
      assertAllPresent(http, acknowledged);
      assertEquals(200, http.put("/api/v1/keys/after-restart", "ok".getBytes()).statusCode());
      assertEquals(200, http.get("/health/alive").statusCode());
    }
  }

  private static String value(HttpClientFixture http, String key) {
    HttpResponse<byte[]> response = http.get("/api/v1/keys/" + key);
    assertEquals(200, response.statusCode(), key);
    return new String(Base64.getDecoder().decode(json(response).get("value").asText()));
  }

  private static void assertAllPresent(HttpClientFixture http, Map<String, String> acknowledged) {
    acknowledged.forEach(
        (key, expected) -> {
          String actual = value(http, key);
          if (expected != null) {
            assertEquals(expected, actual, key);
          }
        });
  }
}
