package io.kvstore.http;

import static io.kvstore.http.HttpClientFixture.assertError;
import static io.kvstore.http.HttpClientFixture.json;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.kvstore.node.KvStoreNode;
import io.kvstore.testing.Eventually;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The REST API through a real HTTP client against an embedded node on real RocksDB. */
class HttpApiTest {
  private static final int MAX_VALUE = 1 << 20;
  @TempDir static Path directory;
  private static KvStoreNode node;
  private static HttpClientFixture http;

  @BeforeAll
  static void start() {
    node = HttpClientFixture.startNode(directory, "kvstore.http.body-read-timeout = 2s\nkvstore.ttl.sweep-interval = 100ms");
    http = new HttpClientFixture(node.httpPort().orElseThrow());
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  private static String path(String key) {
    // Percent-encode every byte that is not unreserved, and '+' and '/' too: the server must decode.
    return "/api/v1/keys/" + URLEncoder.encode(key, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void putThenGetReturnsTheValueAsBase64WithItsVersion() {
    JsonNode written = json(http.put(path("greeting"), bytes("hello")));
    assertEquals("greeting", written.get("key").asText());
    assertEquals("ok", written.get("status").asText());
    assertTrue(written.get("timestamp").asLong() > 0);

    HttpResponse<byte[]> read = http.get(path("greeting"));
    assertEquals(200, read.statusCode());
    JsonNode body = json(read);
    assertEquals("hello", new String(Base64.getDecoder().decode(body.get("value").asText()), StandardCharsets.UTF_8));
    assertEquals(written.get("version").asText(), body.get("version").asText());
    assertEquals("\"" + body.get("version").asText() + "\"", read.headers().firstValue("ETag").orElseThrow());
  }

  @Test
  void rawBytesComeBackUnchangedWithAcceptOctetStream() {
    byte[] binary = new byte[4096];
    new Random(42).nextBytes(binary);
    assertEquals(200, http.put(path("binary"), binary).statusCode());
    HttpResponse<byte[]> raw =
        http.send(http.request(path("binary")).header("Accept", "application/octet-stream").GET().build());
    assertEquals(200, raw.statusCode());
    assertEquals("application/octet-stream", raw.headers().firstValue("Content-Type").orElseThrow());
    assertArrayEquals(binary, raw.body());
  }

  @ParameterizedTest
  @ValueSource(strings = {"a/b/c", "with space", "plus+sign", "100%", "ünïcødé/键", "trailing/", "/leading", "q?x=1#frag"})
  void keysMayHoldAnyUtf8(String key) {
    assertEquals(200, http.put(path(key), bytes("value of " + key)).statusCode());
    JsonNode body = json(http.get(path(key)));
    assertEquals(key, body.get("key").asText());
    assertEquals("value of " + key, new String(Base64.getDecoder().decode(body.get("value").asText()), StandardCharsets.UTF_8));
  }

  @Test
  void aSlashInTheKeyMayBeSentEncodedOrPlain() {
    assertEquals(200, http.put("/api/v1/keys/users%2F7", bytes("seven")).statusCode());
    assertEquals("users/7", json(http.get("/api/v1/keys/users/7")).get("key").asText());
  }

  @Test
  void missingKeysAre404WithAJsonBody() {
    assertEquals("never-written", assertError(http.get(path("never-written")), 404, "not_found").get("key").asText());
    assertError(http.delete(path("never-written")), 404, "not_found");
  }

  @Test
  void deleteRemovesTheValueAndHistoryShowsWriteAndDelete() {
    String first = json(http.put(path("doomed"), bytes("one"))).get("version").asText();
    JsonNode deleted = json(http.delete(path("doomed")));
    assertEquals("deleted", deleted.get("status").asText());
    assertError(http.get(path("doomed")), 404, "not_found");

    JsonNode history = json(http.get(path("doomed") + "?versions=all"));
    JsonNode versions = history.get("versions");
    assertEquals(2, versions.size());
    assertEquals("delete", versions.get(0).get("kind").asText());
    assertEquals(deleted.get("version").asText(), versions.get(0).get("version").asText());
    assertEquals("write", versions.get(1).get("kind").asText());
    assertEquals(first, versions.get(1).get("version").asText());
  }

  @Test
  void historyKeepsTheLastKVersionsNewestFirst() {
    for (int i = 1; i <= 25; i++) {
      assertEquals(200, http.put(path("busy"), bytes("v" + i)).statusCode());
    }
    JsonNode versions = json(http.get(path("busy") + "?versions=all")).get("versions");
    assertEquals(10, versions.size(), "kvstore.entity.history-events");
    assertEquals("v25", new String(Base64.getDecoder().decode(versions.get(0).get("value").asText()), StandardCharsets.UTF_8));
    assertEquals("v16", new String(Base64.getDecoder().decode(versions.get(9).get("value").asText()), StandardCharsets.UTF_8));
    assertError(http.get(path("busy") + "?versions=some"), 400, "invalid_parameter");
  }

  @Test
  void ifMatchWritesOnlyOverTheCurrentVersion() {
    String v1 = json(http.put(path("cas"), bytes("one"))).get("version").asText();
    HttpResponse<byte[]> ok =
        http.send(http.request(path("cas")).header("If-Match", "\"" + v1 + "\"").PUT(HttpRequest.BodyPublishers.ofString("two")).build());
    assertEquals(200, ok.statusCode());
    String v2 = json(ok).get("version").asText();

    HttpResponse<byte[]> stale =
        http.send(http.request(path("cas")).header("If-Match", v1).PUT(HttpRequest.BodyPublishers.ofString("three")).build());
    assertEquals(v2, assertError(stale, 409, "conflict").get("current_version").asText());

    HttpResponse<byte[]> staleDelete = http.send(http.request(path("cas")).header("If-Match", v1).DELETE().build());
    assertEquals(v2, assertError(staleDelete, 409, "conflict").get("current_version").asText());
    assertEquals("two", new String(Base64.getDecoder().decode(json(http.get(path("cas"))).get("value").asText()), StandardCharsets.UTF_8));
  }

  @Test
  void ifMatchWithSeveralTagsWritesOverAnyOfThem() {
    String v1 = json(http.put(path("cas-list"), bytes("one"))).get("version").asText();
    HttpResponse<byte[]> ok =
        http.send(
            http.request(path("cas-list"))
                .header("If-Match", "\"v9-nope.0-node1\", \"" + v1 + "\"")
                .PUT(HttpRequest.BodyPublishers.ofString("two"))
                .build());
    assertEquals(200, ok.statusCode());
    HttpResponse<byte[]> noneMatch =
        http.send(
            http.request(path("cas-list"))
                .header("If-Match", "\"" + v1 + "\", \"v9-nope.0-node1\"")
                .PUT(HttpRequest.BodyPublishers.ofString("three"))
                .build());
    assertEquals(json(ok).get("version").asText(), assertError(noneMatch, 409, "conflict").get("current_version").asText());
  }

  @ParameterizedTest
  @ValueSource(strings = {"\"unbalanced", "\"a\" \"b\"", "\"a\"x", ",", "W/\"a\"", "a*"})
  void aMalformedIfMatchIs400NotAConflict(String ifMatch) {
    http.put(path("cas-bad"), bytes("one"));
    assertError(
        http.send(http.request(path("cas-bad")).header("If-Match", ifMatch).PUT(HttpRequest.BodyPublishers.ofString("x")).build()),
        400,
        "invalid_header");
    assertEquals("one", new String(Base64.getDecoder().decode(json(http.get(path("cas-bad"))).get("value").asText()), StandardCharsets.UTF_8));
  }

  @Test
  void xTtlIsDigitsOnlyAndOnlyOnce() throws Exception {
    assertError(
        http.send(http.request(path("ttl-strict")).header("X-TTL", "+5").PUT(HttpRequest.BodyPublishers.ofString("x")).build()),
        400,
        "invalid_ttl");
    try (var exchange = http.raw()) {
      exchange
          .write("PUT " + path("ttl-strict") + " HTTP/1.1\r\nHost: x\r\nX-TTL: 60\r\nX-TTL: 5\r\nContent-Length: 1\r\n\r\nx")
          .read()
          .assertError(400, "invalid_header");
    }
    assertError(http.get(path("ttl-strict")), 404, "not_found");
  }

  @Test
  void headOnAKeyAnswersLikeGetWithoutTheBody() throws Exception {
    String version = json(http.put(path("headed"), bytes("twelve bytes"))).get("version").asText();
    try (java.net.Socket socket = new java.net.Socket("127.0.0.1", node.httpPort().orElseThrow())) {
      socket.setSoTimeout(15_000);
      socket.getOutputStream().write(
          ("HEAD " + path("headed") + " HTTP/1.1\r\nHost: x\r\nAccept: application/octet-stream\r\nConnection: close\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1).toLowerCase(java.util.Locale.ROOT);
      assertTrue(answer.startsWith("http/1.1 200 "), answer);
      assertTrue(answer.contains("\r\netag: \"" + version.toLowerCase(java.util.Locale.ROOT) + "\"\r\n"), answer);
      // Akka HTTP 10.5 never renders Content-Length on a HEAD answer (HttpMethods.HEAD forbids it).
      assertTrue(answer.endsWith("\r\n\r\n"), "no body: " + answer);
    }
    assertEquals(404, http.send(http.request(path("never-written")).method("HEAD", HttpRequest.BodyPublishers.noBody()).build()).statusCode());
  }

  @ParameterizedTest
  @ValueSource(strings = {"..", ".", "a/../b", "%2E%2E", "%2e"})
  void dotSegmentsAreKeysLikeAnyOther(String encoded) {
    String key = KeyPath.decode(encoded);
    assertEquals(200, http.put("/api/v1/keys/" + encoded, bytes("dots " + key)).statusCode());
    JsonNode read = json(http.get("/api/v1/keys/" + encoded));
    assertEquals(key, read.get("key").asText());
    assertEquals("dots " + key, new String(Base64.getDecoder().decode(read.get("value").asText()), StandardCharsets.UTF_8));
  }

  @Test
  void ifNoneMatchStarCreatesOnlyOnce() {
    HttpRequest create =
        http.request(path("create-once")).header("If-None-Match", "*").PUT(HttpRequest.BodyPublishers.ofString("first")).build();
    assertEquals(200, http.send(create).statusCode());
    assertError(http.send(create), 409, "conflict");
  }

  @Test
  void badConditionalHeadersAre400() {
    assertError(
        http.send(http.request(path("h")).header("If-None-Match", "\"v1\"").PUT(HttpRequest.BodyPublishers.ofString("x")).build()),
        400, "invalid_header");
    assertError(
        http.send(http.request(path("h")).header("If-None-Match", "*").header("If-Match", "v1").PUT(HttpRequest.BodyPublishers.ofString("x")).build()),
        400, "invalid_header");
    assertError(http.get(path("h")), 404, "not_found");
  }

  @ParameterizedTest
  @ValueSource(strings = {"ONE", "QUORUM", "ALL", "LINEARIZABLE", "quorum"})
  void everyConsistencyLevelIsAccepted(String level) {
    HttpRequest put = http.request(path("level")).header("X-Consistency-Level", level).PUT(HttpRequest.BodyPublishers.ofString(level)).build();
    assertEquals(200, http.send(put).statusCode());
    assertEquals(200, http.send(http.request(path("level")).header("X-Consistency-Level", level).GET().build()).statusCode());
  }

  @ParameterizedTest
  @ValueSource(strings = {"TWO", "", "EVENTUAL", "1"})
  void unknownConsistencyLevelsAre400(String level) {
    assertError(
        http.send(http.request(path("level")).header("X-Consistency-Level", level).PUT(HttpRequest.BodyPublishers.ofString("x")).build()),
        400, "invalid_consistency_level");
    assertError(http.send(http.request(path("level")).header("X-Consistency-Level", level).GET().build()), 400, "invalid_consistency_level");
    assertError(http.send(http.request(path("level")).header("X-Consistency-Level", level).DELETE().build()), 400, "invalid_consistency_level");
  }

  @ParameterizedTest
  @ValueSource(strings = {"abc", "-1", "0", "1.5", "99999999999"})
  void badTtlsAre400AndWriteNothing(String ttl) {
    assertError(
        http.send(http.request(path("bad-ttl")).header("X-TTL", ttl).PUT(HttpRequest.BodyPublishers.ofString("x")).build()),
        400, "invalid_ttl");
    assertError(http.get(path("bad-ttl")), 404, "not_found");
  }

  @Test
  void aKeyWithTtlExpiresAndIsSweptIntoATombstone() {
    JsonNode written =
        json(http.send(http.request(path("ephemeral")).header("X-TTL", "1").PUT(HttpRequest.BodyPublishers.ofString("soon gone")).build()));
    long expiresAt = written.get("expires_at").asLong();
    assertEquals(written.get("timestamp").asLong() + 1000, expiresAt);
    assertEquals(200, http.get(path("ephemeral")).statusCode());

    Eventually.await(
        Duration.ofSeconds(15),
        "the sweep turns the expired value into a tombstone",
        () -> json(http.get(path("ephemeral") + "?versions=all")).get("versions").get(0).get("kind").asText().equals("expire"));
    assertError(http.get(path("ephemeral")), 404, "not_found");
  }

  @Test
  void keysOverTheLimitAre413AndAtTheLimitAreFine() {
    String atLimit = "k".repeat(254) + "é"; // 256 bytes of UTF-8
    assertEquals(200, http.put(path(atLimit), bytes("x")).statusCode());
    JsonNode body = assertError(http.put(path(atLimit + "k"), bytes("x")), 413, "key_too_large");
    assertEquals(256, body.get("limit_bytes").asInt());
    assertError(http.get(path("x".repeat(300))), 413, "key_too_large");
  }

  @Test
  void valuesOverTheLimitAre413AndNothingIsStored() {
    byte[] atLimit = new byte[MAX_VALUE];
    Arrays.fill(atLimit, (byte) 7);
    assertEquals(200, http.put(path("big"), atLimit).statusCode());
    assertError(http.put(path("too-big"), new byte[MAX_VALUE + 1]), 413, "value_too_large");
    assertError(http.get(path("too-big")), 404, "not_found");
    assertEquals(200, http.get(path("big")).statusCode());
  }

  @Test
  void emptyKeysAre400() {
    assertError(http.put("/api/v1/keys/", bytes("x")), 400, "invalid_key");
    assertError(http.put("/api/v1/keys", bytes("x")), 400, "invalid_key");
    assertError(http.delete("/api/v1/keys"), 400, "invalid_key");
  }

  /** Every page of a scan of keys starting with {@code prefix}, followed to its end. */
  private static List<JsonNode> scanAll(String query) {
    List<JsonNode> keys = new ArrayList<>();
    String cursor = "0";
    for (int pages = 0; pages < 10_000; pages++) {
      JsonNode page = json(http.get("/api/v1/keys?cursor=" + cursor + "&" + query));
      page.get("keys").forEach(keys::add);
      cursor = page.get("cursor").asText();
      if (page.get("complete").asBoolean()) {
        assertEquals("0", cursor);
        return keys;
      }
    }
    throw new AssertionError("the scan did not end");
  }

  @Test
  void aScanPagedToItsEndListsEveryLiveKeyWithThePrefixOnce() {
    Set<String> live = new TreeSet<>();
    for (int i = 0; i < 250; i++) {
      String key = "scan-all/" + i;
      assertEquals(200, http.put(path(key), bytes("v" + i)).statusCode());
      live.add(key);
    }
    for (int i = 0; i < 250; i += 10) {
      assertEquals(200, http.delete(path("scan-all/" + i)).statusCode());
      live.remove("scan-all/" + i);
    }
    assertEquals(200, http.send(http.request(path("scan-all/expiring")).header("X-TTL", "1").PUT(HttpRequest.BodyPublishers.ofString("x")).build()).statusCode());
    Eventually.await(Duration.ofSeconds(10), "the key expired", () -> http.get(path("scan-all/expiring")).statusCode() == 404);
    assertEquals(200, http.put(path("scan-allx"), bytes("not under the prefix")).statusCode());

    List<JsonNode> found = scanAll("prefix=scan-all/&limit=7");
    List<String> names = found.stream().map(k -> k.get("key").asText()).toList();
    assertEquals(live.size(), names.size(), "each key once: " + names);
    assertEquals(live, new TreeSet<>(names), "no deleted, expired or other key");
    assertTrue(found.stream().allMatch(k -> k.has("version") && !k.has("value")), "no values unless asked for");
  }

  @Test
  void aScanWithValuesCarriesThemAndAMatchPatternFilters() {
    assertEquals(200, http.put(path("scan-values/a1"), bytes("one")).statusCode());
    assertEquals(200, http.put(path("scan-values/b2"), bytes("two")).statusCode());
    List<JsonNode> found = scanAll("prefix=scan-values/&values=true&match=" + URLEncoder.encode("*/a?", StandardCharsets.UTF_8));
    assertEquals(1, found.size(), found.toString());
    assertEquals("scan-values/a1", found.get(0).get("key").asText());
    assertEquals("one", new String(Base64.getDecoder().decode(found.get(0).get("value").asText()), StandardCharsets.UTF_8));
  }

  private static HttpResponse<byte[]> post(String path, String json) {
    return http.send(http.request(path).header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build());
  }

  private static String base64(String text) {
    return Base64.getEncoder().encodeToString(bytes(text));
  }

  @Test
  void aBatchPutAndGetAnswerEachItemOnItsOwn() {
    String version = json(http.put(path("batch/existing"), bytes("old"))).get("version").asText();
    JsonNode written =
        json(
            post(
                "/api/v1/batch/put",
                "{\"items\": ["
                    + "{\"key\": \"batch/a\", \"value\": \"" + base64("one") + "\", \"ttl\": 60},"
                    + "{\"key\": \"batch/existing\", \"value\": \"" + base64("new") + "\", \"if_match\": \"" + version + "\"},"
                    + "{\"key\": \"batch/existing\", \"value\": \"" + base64("lost") + "\", \"if_none_match\": \"*\"},"
                    + "{\"key\": \"batch/bad\", \"value\": \"not base64!\"},"
                    + "{\"key\": \"\", \"value\": \"\"},"
                    + "{\"value\": \"" + base64("no key") + "\"}"
                    + "]}"));
    JsonNode items = written.get("items");
    assertEquals(6, items.size());
    assertEquals("ok", items.get(0).get("status").asText());
    assertTrue(items.get(0).has("expires_at"));
    assertEquals("ok", items.get(1).get("status").asText());
    assertEquals("conflict", items.get(2).get("error").asText());
    assertEquals(items.get(1).get("version").asText(), items.get(2).get("current_version").asText());
    assertEquals("invalid_body", items.get(3).get("error").asText());
    assertEquals("batch/bad", items.get(3).get("key").asText());
    assertEquals("invalid_key", items.get(4).get("error").asText());
    assertEquals("invalid_body", items.get(5).get("error").asText());

    JsonNode read = json(post("/api/v1/batch/get", "{\"keys\": [\"batch/a\", \"batch/existing\", \"batch/never\", \"batch/bad\"]}"));
    JsonNode found = read.get("items");
    assertEquals("one", new String(Base64.getDecoder().decode(found.get(0).get("value").asText()), StandardCharsets.UTF_8));
    assertEquals("new", new String(Base64.getDecoder().decode(found.get(1).get("value").asText()), StandardCharsets.UTF_8));
    assertEquals("not_found", found.get(2).get("error").asText());
    assertEquals("not_found", found.get(3).get("error").asText(), "the invalid item wrote nothing");
  }

  @Test
  void malformedOrOversizedBatchesAreRefusedWhole() {
    assertError(post("/api/v1/batch/get", "{\"keys\": "), 400, "malformed_json");
    assertError(post("/api/v1/batch/get", "{\"items\": []}"), 400, "invalid_body");
    assertError(post("/api/v1/batch/put", "[]"), 400, "invalid_body");
    String tooMany = "{\"keys\": [" + String.join(",", java.util.Collections.nCopies(1001, "\"k\"")) + "]}";
    assertError(post("/api/v1/batch/get", tooMany), 413, "batch_too_large");
    assertError(http.get("/api/v1/batch/get"), 405, "method_not_allowed");
    assertError(
        http.send(http.request("/api/v1/batch/get").header("X-Consistency-Level", "SOME").POST(HttpRequest.BodyPublishers.ofString("{\"keys\": []}")).build()),
        400,
        "invalid_consistency_level");
    assertEquals(0, json(post("/api/v1/batch/put", "{\"items\": []}")).get("items").size(), "an empty batch does nothing");
  }

  @Test
  void badScanRequestsAre400() {
    assertError(http.get("/api/v1/keys?cursor=abc"), 400, "invalid_cursor");
    assertError(http.get("/api/v1/keys?cursor=" + Long.MAX_VALUE), 400, "invalid_cursor");
    assertError(http.get("/api/v1/keys?limit=0"), 400, "invalid_parameter");
    assertError(http.get("/api/v1/keys?limit=many"), 400, "invalid_parameter");
    assertError(http.get("/api/v1/keys?limit=10001"), 400, "invalid_parameter");
    assertError(http.get("/api/v1/keys?values=yes"), 400, "invalid_parameter");
    assertError(
        http.send(http.request("/api/v1/keys").header("X-Consistency-Level", "LINEARIZABLE").GET().build()),
        400,
        "invalid_consistency_level");
  }

  @Test
  void percentEscapesThatAreNotUtf8Are400AndNameTheKeyAsSent() {
    assertEquals("bad%C3%28", assertError(http.get("/api/v1/keys/bad%C3%28"), 400, "invalid_key").get("key").asText());
    assertEquals("%FF", assertError(http.get("/api/v1/keys/%FF"), 400, "invalid_key").get("key").asText());
  }

  @Test
  void malformedPercentEncodingIs400Json() throws Exception {
    try (var exchange = http.raw()) {
      exchange.write("GET /api/v1/keys/a%zz HTTP/1.1\r\nHost: localhost\r\n\r\n").read().assertError(400, "bad_request");
    }
  }

  @Test
  void hugeHeadersAreRejectedWithJson() throws Exception {
    try (var exchange = http.raw()) {
      String huge = "x".repeat(64 * 1024);
      HttpClientFixture.RawResponse response =
          exchange.write("GET /api/v1/keys/a HTTP/1.1\r\nHost: localhost\r\nX-Huge: " + huge + "\r\n\r\n").read();
      assertTrue(response.status() == 431 || response.status() == 400, "status " + response.status());
      assertTrue(response.contentType().startsWith("application/json"));
      assertTrue(response.body().path("error").isTextual());
    }
  }

  @Test
  void anOversizedBodySentSlowlyIsCutOffWith413() throws Exception {
    try (var exchange = http.raw()) {
      exchange.write("PUT " + path("slow-big") + " HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n");
      byte[] chunk = new byte[64 * 1024];
      String size = Integer.toHexString(chunk.length) + "\r\n";
      HttpClientFixture.RawResponse response = null;
      // 17 chunks of 64 KiB pass the 1 MiB limit; the server must answer without the rest.
      for (int i = 0; i < 17; i++) {
        try {
          exchange.write(size).write(chunk).write("\r\n");
        } catch (java.io.IOException closedByServer) {
          break;
        }
        Thread.sleep(20); // the client is slow on purpose: this paces it, it waits for nothing
      }
      response = exchange.read();
      response.assertError(413, "value_too_large");
    }
    assertError(http.get(path("slow-big")), 404, "not_found");
  }

  @Test
  void aDeclaredOversizedBodyIsRejectedBeforeItIsSent() throws Exception {
    try (var exchange = http.raw()) {
      exchange
          .write("PUT " + path("declared-big") + " HTTP/1.1\r\nHost: localhost\r\nContent-Length: " + (MAX_VALUE + 1) + "\r\n\r\n")
          .read()
          .assertError(413, "value_too_large");
    }
  }

  @Test
  void aBodyThatStallsIs408AndStoresNothing() throws Exception {
    try (var exchange = http.raw()) {
      exchange
          .write("PUT " + path("stalled") + " HTTP/1.1\r\nHost: localhost\r\nContent-Length: 100\r\n\r\nonly part")
          .read()
          .assertError(408, "request_timeout");
    }
    assertError(http.get(path("stalled")), 404, "not_found");
  }

  @Test
  void unknownEndpointsAre404AndUnsupportedMethodsAre405() {
    assertError(http.get("/api/v2/keys/a"), 404, "not_found");
    assertError(http.get("/api/v1/keysx/a"), 404, "not_found");
    HttpResponse<byte[]> post = http.send(http.request(path("a")).POST(HttpRequest.BodyPublishers.ofString("x")).build());
    assertError(post, 405, "method_not_allowed");
    assertEquals("GET, HEAD, PUT, DELETE", post.headers().firstValue("Allow").orElseThrow());
  }

  @Test
  void healthEndpointsReportAliveAndReady() {
    assertEquals("alive", json(http.get("/health/alive")).get("status").asText());
    // A node serves before it is ready: readiness also waits for its shards to be allocated.
    Eventually.within(
        Duration.ofSeconds(20), () -> assertEquals("ready", json(http.get("/health/ready")).path("status").asText()));
  }
}
