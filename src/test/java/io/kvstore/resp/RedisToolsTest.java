package io.kvstore.resp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kvstore.node.KvStoreNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/**
 * Redis's own tools against a kvstore node: redis-cli (one-shot commands and --pipe mass insertion)
 * and redis-benchmark, as installed by bin/install-test-tools (Debian redis-tools).
 */
class RedisToolsTest {
  @TempDir static Path directory;
  private static KvStoreNode node;
  private static int port;

  @BeforeAll
  static void start() {
    node = KvStoreNode.builder().dataDirectory(directory.resolve("data")).withoutHttp().respPort(0).start();
    port = node.respPort().orElseThrow();
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  /** Runs a tool to completion (bounded) with {@code input} on stdin; its exit code and output. */
  private record Run(int exitCode, String output) {}

  private static Run run(byte[] input, String... command) throws IOException, InterruptedException {
    Path in = Files.createTempFile(directory, "stdin", ".bin");
    Files.write(in, input);
    Path out = Files.createTempFile(directory, "output", ".txt");
    Process process =
        new ProcessBuilder(command).redirectErrorStream(true).redirectInput(in.toFile()).redirectOutput(out.toFile()).start();
    try {
      assertTrue(process.waitFor(120, TimeUnit.SECONDS), String.join(" ", command) + " finished within 120 s");
      return new Run(process.exitValue(), Files.readString(out));
    } finally {
      process.destroyForcibly();
    }
  }

  private static String cli(String... arguments) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("redis-cli", "-h", "127.0.0.1", "-p", Integer.toString(port)));
    command.addAll(List.of(arguments));
    Run run = run(new byte[0], command.toArray(String[]::new));
    assertEquals(0, run.exitCode(), run.output());
    return run.output().strip();
  }

  @Test
  void redisCliRunsCommandsAndShowsErrors() throws Exception {
    assertEquals("PONG", cli("PING"));
    assertEquals("OK", cli("SET", "cli-key", "hello world"));
    assertEquals("hello world", cli("GET", "cli-key"));
    assertEquals("1", cli("INCR", "cli-counter"));
    assertEquals("OK", cli("SET", "cli-expiring", "v", "EX", "100"));
    assertEquals("100", cli("TTL", "cli-expiring"));
    assertEquals("ERR unknown command 'NOSUCH', with args beginning with: 'x'", cli("NOSUCH", "x"));
    assertTrue(cli("INFO", "server").contains("tcp_port:" + port));
  }

  /** redis-cli reads SCAN's cursor as a number: kvstore's cursors are numbers so that it works. */
  @Test
  void redisCliScanListsEveryKeyOfAPattern() throws Exception {
    Set<String> written = new TreeSet<>();
    for (int i = 0; i < 60; i++) {
      assertEquals("OK", cli("SET", "cli-scan:" + i, "v"));
      written.add("cli-scan:" + i);
    }
    List<String> listed = cli("--scan", "--pattern", "cli-scan:*").lines().toList();
    assertEquals(written.size(), listed.size(), "each once: " + listed);
    assertEquals(written, new TreeSet<>(listed));
  }

  @Test
  void redisCliPipeModeInsertsEveryKeyWithoutErrors() throws Exception {
    int keys = 5000;
    ByteArrayOutputStream commands = new ByteArrayOutputStream();
    for (int i = 0; i < keys; i++) {
      String key = "piped-" + i;
      String value = "value-" + i;
      commands.writeBytes(
          ("*3\r\n$3\r\nSET\r\n$" + key.length() + "\r\n" + key + "\r\n$" + value.length() + "\r\n" + value + "\r\n")
              .getBytes(StandardCharsets.US_ASCII));
    }
    Run run = run(commands.toByteArray(), "redis-cli", "-h", "127.0.0.1", "-p", Integer.toString(port), "--pipe");
    assertEquals(0, run.exitCode(), run.output());
    assertTrue(run.output().contains("errors: 0, replies: " + keys), run.output());
    try (Jedis redis = new Jedis("127.0.0.1", port)) {
      List<String> sample = IntStream.range(0, keys).filter(i -> i % 97 == 0).mapToObj(i -> "piped-" + i).toList();
      List<String> expected = IntStream.range(0, keys).filter(i -> i % 97 == 0).mapToObj(i -> "value-" + i).toList();
      assertEquals(expected, redis.mget(sample.toArray(String[]::new)));
    }
  }

  @Test
  void redisBenchmarkCompletesItsSetsAndGetsPipelinedAndNot() throws Exception {
    for (String pipeline : List.of("1", "16")) {
      Run run =
          run(
              new byte[0],
              "redis-benchmark", "-h", "127.0.0.1", "-p", Integer.toString(port),
              "-t", "set,get", "-n", "2000", "-c", "10", "-r", "100", "-d", "16", "-P", pipeline, "--csv");
      assertEquals(0, run.exitCode(), run.output());
      for (String test : List.of("\"SET\"", "\"GET\"")) {
        String line = run.output().lines().filter(l -> l.startsWith(test)).findFirst().orElse("");
        double requestsPerSecond = Double.parseDouble(line.split(",")[1].replace("\"", ""));
        assertTrue(requestsPerSecond > 0, run.output());
      }
    }
    try (Jedis redis = new Jedis("127.0.0.1", port)) {
      String[] keys = IntStream.range(0, 100).mapToObj(i -> String.format("key:%012d", i)).toArray(String[]::new);
      assertTrue(redis.exists(keys) > 50, "redis-benchmark's random keys were written");
      String written = java.util.Arrays.stream(keys).map(redis::get).filter(java.util.Objects::nonNull).findFirst().orElseThrow();
      assertEquals(16, written.length(), "its values are 16 bytes");
    }
  }
}
