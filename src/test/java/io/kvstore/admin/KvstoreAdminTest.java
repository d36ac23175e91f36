package io.kvstore.admin;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.ConfigFactory;
import io.kvstore.node.KvStoreNode;
import io.kvstore.testing.Eventually;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI against one real node: every command's output, --json, and the node's errors. */
class KvstoreAdminTest {
  @TempDir static Path directory;
  private static KvStoreNode node;
  private static String endpoint;

  @BeforeAll
  static void start() {
    node =
        KvStoreNode.builder()
            .dataDirectory(directory.resolve("node"))
            .httpPort(0)
            .config(ConfigFactory.parseString("kvstore.partitions = 64"))
            .start();
    endpoint = "http://127.0.0.1:" + node.httpPort().orElseThrow();
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  private static AdminRun admin(String... args) {
    return AdminRun.run(withEndpoint(args));
  }

  private static String[] withEndpoint(String... args) {
    String[] all = new String[args.length + 2];
    all[0] = "--endpoint";
    all[1] = endpoint;
    System.arraycopy(args, 0, all, 2, args.length);
    return all;
  }

  private static AdminRun succeeded(AdminRun run) {
    assertEquals(0, run.exit(), run.toString());
    assertEquals("", run.stderr());
    return run;
  }

  @Test
  void statusShowsTheNodeAndTheRingAndJsonIsTheNodesOwn() {
    String table = succeeded(admin("status")).out();
    assertTrue(table.startsWith("ring v"), table);
    assertTrue(table.contains("64 partitions, replication factor 3"), table);
    assertTrue(table.lines().anyMatch(line -> line.matches("node1 +up +64 +64 +64 .*")), table);

    JsonNode status = succeeded(admin("status", "--json")).json();
    assertEquals("node1", status.path("nodes").get(0).path("id").asText());
  }

  @Test
  void partitionsShowEveryPartitionOnItsOnlyReplicaWhichRunsItsEntities() {
    // The shard warm-up brings every shard onto its primary within moments of the start.
    Eventually.within(
        Duration.ofSeconds(20),
        () -> {
          JsonNode map = succeeded(admin("partitions", "--json")).json();
          assertEquals(64, map.path("partitions").size());
          for (JsonNode partition : map.path("partitions")) {
            assertEquals("[\"node1\"]", partition.path("replicas").toString());
            assertEquals("node1", partition.path("entity_owner").asText(), partition.toString());
            assertEquals("{\"node1\":\"ready\"}", partition.path("readiness").toString());
          }
          assertEquals(0, map.path("unanswered_nodes").size());
        });
    String table = succeeded(admin("partitions")).out();
    assertTrue(table.startsWith("PARTITION  REPLICAS  OWNER  READINESS\n0          node1     node1  ready\n"), table);
    assertTrue(table.endsWith(" 64 partitions, 64 with every replica ready\n"), table);
    String notReady = succeeded(admin("partitions", "--not-ready")).out();
    assertTrue(notReady.startsWith("ring v") && notReady.lines().count() == 1, "no table when all are ready: " + notReady);
  }

  @Test
  void aValueGoesInAsAnArgumentAFileOrStdinAndComesOutByteForByte() throws Exception {
    String key = "users/7 ü?#%";
    String written = succeeded(admin("put", key, "Ada")).out();
    assertTrue(written.startsWith(key + ": ok, version v"), written);
    assertArrayEquals("Ada".getBytes(StandardCharsets.UTF_8), succeeded(admin("get", key)).stdout());

    byte[] binary = new byte[256];
    for (int i = 0; i < binary.length; i++) {
      binary[i] = (byte) i;
    }
    Path file = Files.write(directory.resolve("value.bin"), binary);
    succeeded(admin("put", key, "--file", file.toString(), "--consistency", "ALL"));
    assertArrayEquals(binary, succeeded(admin("get", key, "--consistency", "ONE")).stdout());

    succeeded(AdminRun.run(new ByteArrayInputStream("from stdin".getBytes(StandardCharsets.UTF_8)), withEndpoint("put", key)));
    JsonNode entry = succeeded(admin("get", key, "--json")).json();
    assertEquals(key, entry.path("key").asText());
    assertEquals("from stdin", new String(Base64.getDecoder().decode(entry.path("value").asText()), StandardCharsets.UTF_8));

    assertTrue(succeeded(admin("put", "session", "x", "--ttl", "60")).out().contains(", expires at 20"));

    String deleted = succeeded(admin("delete", key)).out();
    assertTrue(deleted.startsWith(key + ": deleted, version v"), deleted);
    AdminRun gone = admin("get", key);
    assertEquals(1, gone.exit(), gone.toString());
    assertEquals("kvstore-admin: not_found: no value for the key\n", gone.stderr());
    assertEquals(0, gone.stdout().length);
  }

  @Test
  void theNodesErrorsArePrintedAsCodeAndMessageWithExitCodeOne() {
    AdminRun level = admin("get", "k", "--consistency", "SOMETIMES");
    assertEquals(1, level.exit(), level.toString());
    assertTrue(level.stderr().startsWith("kvstore-admin: invalid_consistency_level: "), level.stderr());

    for (String command : new String[] {"leave", "retire"}) {
      AdminRun unknown = admin(command, "nobody");
      assertEquals(1, unknown.exit(), unknown.toString());
      assertEquals("kvstore-admin: unknown_node: no cluster member has node id 'nobody'\n", unknown.stderr());
    }
  }

  @Test
  void aRepairStartsHereOrOnEveryNode() {
    assertEquals("node1: anti-entropy pass started over 64 partitions\n", succeeded(admin("repair")).out());
    JsonNode everywhere = succeeded(admin("repair", "--all", "--json")).json();
    assertEquals(64, everywhere.path("started").get(0).path("partitions").asInt());
    assertEquals(0, everywhere.path("unanswered_nodes").size());
  }

  @Test
  void anEndpointThatDoesNotAnswerIsPassedOverForTheNext() throws Exception {
    int unused = KvstoreAdminArgumentsTest.unusedPort();
    AdminRun run = AdminRun.run("--endpoint", "127.0.0.1:" + unused + "," + endpoint, "status", "--json");
    assertEquals(0, run.exit(), run.toString());
    assertEquals(1, run.json().path("nodes").size());
  }
}
