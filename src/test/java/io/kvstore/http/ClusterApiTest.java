package io.kvstore.http;

import static io.kvstore.http.HttpClientFixture.assertError;
import static io.kvstore.http.HttpClientFixture.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.ConfigFactory;
import io.kvstore.node.KvStoreNode;
import io.kvstore.testing.Eventually;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code /api/v1/cluster} on a one-node cluster: status shape, diagnostics and every error. */
class ClusterApiTest {
  @TempDir static Path directory;
  private static KvStoreNode node;
  private static HttpClientFixture http;

  @BeforeAll
  static void start() {
    node =
        KvStoreNode.builder()
            .dataDirectory(directory)
            .httpPort(0)
            .config(ConfigFactory.parseString("kvstore.partitions = 64"))
            .start();
    http = new HttpClientFixture(node.httpPort().orElseThrow());
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  private static java.net.http.HttpResponse<byte[]> post(String path, String body) {
    return http.send(
        http.request(path).POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build());
  }

  @Test
  void statusListsTheNodeWithItsPartitionsAndTheRing() {
    http.put("/api/v1/keys/counted", "x".getBytes(StandardCharsets.UTF_8));
    JsonNode status = json(http.get("/api/v1/cluster/status"));
    assertTrue(status.get("ring_version").asLong() >= 1);
    assertEquals(0, status.get("unsettled_rings").size(), "a one-node ring has nothing to catch up from");
    assertEquals(64, status.get("partitions").asInt());
    assertEquals(3, status.get("replication_factor").asInt());
    assertEquals(1, status.get("nodes").size());
    JsonNode self = status.get("nodes").get(0);
    assertEquals("node1", self.get("id").asText());
    assertEquals("up", self.get("status").asText());
    assertEquals(64, self.get("partitions").asInt());
    assertEquals(64, self.get("primaries").asInt());
    assertEquals(64, self.get("partitions_ready").asInt());
    assertEquals(1.0, self.get("load").asDouble());
    assertTrue(status.get("total_keys").asLong() >= 1);
    assertEquals(0, status.get("retired_nodes").size());
  }

  @Test
  void merkleRootsCoverEveryPartitionThisNodeReplicates() {
    JsonNode merkle = json(http.get("/api/v1/cluster/merkle"));
    assertEquals("node1", merkle.get("node_id").asText());
    assertEquals(64, merkle.get("roots").size());
  }

  @Test
  void joinRequestsAreValidatedAndRefusedOnAMember() {
    assertError(post("/api/v1/cluster/nodes", "{not json"), 400, "malformed_json");
    assertError(post("/api/v1/cluster/nodes", "{\"node\": \"x\"}"), 400, "invalid_body");
    assertError(post("/api/v1/cluster/nodes", "{\"address\": \"127.0.0.1:25521\"}"), 400, "already_member");
  }

  @Test
  void aMalformedAddressIsInvalidEvenOnAMember() {
    for (String address : List.of("nonsense", "host:", "127.0.0.1:99999", ":2552")) {
      assertError(post("/api/v1/cluster/nodes", "{\"address\": \"" + address + "\"}"), 400, "invalid_address");
    }
  }

  @Test
  void aNodeAwaitingItsJoinSaysSoRefusesKeysAtOnceAndValidatesEveryAddress() {
    try (KvStoreNode waiting =
        KvStoreNode.builder()
            .dataDirectory(directory.resolve("waiting"))
            .httpPort(0)
            .config(
                ConfigFactory.parseString(
                    "kvstore.node-id = node2\nkvstore.cluster.await-join = on\nkvstore.request-timeout = 10s\n"
                        + "akka.remote.artery.canonical.port = 0"))
            .start()) {
      HttpClientFixture client = new HttpClientFixture(waiting.httpPort().orElseThrow());
      JsonNode notReady = assertError(client.get("/health/ready"), 503, "not_ready");
      assertTrue(notReady.get("message").asText().contains("waiting to be joined"), notReady.toString());

      long asked = System.nanoTime();
      assertError(client.get("/api/v1/keys/k"), 503, "no_ring");
      assertError(client.put("/api/v1/keys/k", new byte[] {1}), 503, "no_ring");
      assertTrue(System.nanoTime() - asked < 5_000_000_000L, "refused at once, not at the 10 s request timeout");

      java.util.function.Function<String, java.net.http.HttpResponse<byte[]>> join =
          address ->
              client.send(
                  client
                      .request("/api/v1/cluster/nodes")
                      .POST(HttpRequest.BodyPublishers.ofString("{\"address\": \"" + address + "\"}"))
                      .build());
      for (String address : List.of("nonsense", "host:", "127.0.0.1:99999", "127.0.0.1:0", "akka://other@127.0.0.1:2552")) {
        assertError(join.apply(address), 400, "invalid_address");
      }
      // Nothing listens there: the node keeps trying, and says so when asked again.
      assertEquals(202, join.apply("127.0.0.1:1").statusCode());
      assertError(join.apply("127.0.0.1:1"), 400, "already_joining");
      assertEquals(202, join.apply("akka://kvstore@127.0.0.1:2").statusCode(), "a mistyped address can be corrected");
    }
  }

  @Test
  void removingAnUnknownNodeIsNotFoundAndOtherMethodsAreRefused() {
    JsonNode body = assertError(http.delete("/api/v1/cluster/nodes/nobody"), 404, "unknown_node");
    assertEquals("nobody", body.get("node_id").asText());
    // Not a member, so not retired either.
    assertEquals(0, json(http.get("/api/v1/cluster/status")).get("retired_nodes").size());
    assertError(http.put("/api/v1/cluster/status", new byte[0]), 405, "method_not_allowed");
  }

  @Test
  void thePartitionMapListsEveryPartitionWithItsReplicasOwnerAndReadiness() {
    // The shard warm-up brings every shard onto its primary within moments of the start.
    Eventually.within(
        Duration.ofSeconds(20),
        () -> {
          JsonNode map = json(http.get("/api/v1/cluster/partitions"));
          assertTrue(map.get("ring_version").asLong() >= 1);
          assertEquals(64, map.get("partitions").size());
          for (int i = 0; i < 64; i++) {
            JsonNode partition = map.get("partitions").get(i);
            assertEquals(i, partition.get("id").asInt());
            assertEquals(List.of("node1"), texts(partition.get("replicas")));
            assertEquals("node1", partition.get("entity_owner").asText(), partition.toString());
            assertEquals("ready", partition.get("readiness").get("node1").asText());
          }
          assertEquals(0, map.get("unanswered_nodes").size());
        });
  }

  private static List<String> texts(JsonNode array) {
    return java.util.stream.StreamSupport.stream(array.spliterator(), false).map(JsonNode::asText).toList();
  }

  @Test
  void aRepairPassStartsHereOrOnEveryNodeAndItsFlagIsChecked() {
    for (String path : List.of("/api/v1/cluster/repair", "/api/v1/cluster/repair?all=true", "/api/v1/cluster/repair?all=false")) {
      java.net.http.HttpResponse<byte[]> started = post(path, "");
      assertEquals(202, started.statusCode(), path);
      JsonNode body = json(started);
      assertEquals("node1", body.get("started").get(0).get("node_id").asText());
      assertEquals(64, body.get("started").get(0).get("partitions").asInt());
      assertEquals(0, body.get("unanswered_nodes").size());
    }
    assertError(post("/api/v1/cluster/repair?all=yes", ""), 400, "invalid_parameter");
    assertError(http.get("/api/v1/cluster/repair"), 405, "method_not_allowed");
  }

  @Test
  void leavingAnUnknownNodeIsNotFound() {
    JsonNode body = assertError(post("/api/v1/cluster/nodes/nobody/leave", ""), 404, "unknown_node");
    assertEquals("nobody", body.get("node_id").asText());
    assertError(http.get("/api/v1/cluster/nodes/node1/leave"), 405, "method_not_allowed");
  }
}
