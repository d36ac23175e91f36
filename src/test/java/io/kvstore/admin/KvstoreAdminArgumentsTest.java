package io.kvstore.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.TypeConversionException;

/** The command line: options, their values, key encoding, and what happens when no node answers. */
class KvstoreAdminArgumentsTest {

  /** A port nothing listens on: bound by this JVM a moment ago, and closed. */
  static int unusedPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  @Test
  void endpointsAreUrlsOrHostAndPortForPlainHttp() {
    Arguments.EndpointConverter endpoint = new Arguments.EndpointConverter();
    assertEquals(URI.create("http://10.0.0.7:8080"), endpoint.convert("10.0.0.7:8080"));
    assertEquals(URI.create("https://kv.example/prefix"), endpoint.convert(" https://kv.example/prefix/ "));
    for (String wrong : List.of("ftp://host:21", "http://", "http://host:8080/?q=1", "a b:1")) {
      assertThrows(TypeConversionException.class, () -> endpoint.convert(wrong), wrong);
    }
  }

  @Test
  void timeoutsAreWrittenWithAUnitOrInSeconds() {
    Arguments.TimeoutConverter timeout = new Arguments.TimeoutConverter();
    assertEquals(Duration.ofMillis(500), timeout.convert("500ms"));
    assertEquals(Duration.ofSeconds(10), timeout.convert("10s"));
    assertEquals(Duration.ofSeconds(3), timeout.convert("3"));
    assertEquals(Duration.ofMinutes(2), timeout.convert("2m"));
    for (String wrong : List.of("0s", "-1s", "10h", "ten", "1234567890s")) {
      assertThrows(TypeConversionException.class, () -> timeout.convert(wrong), wrong);
    }
  }

  @Test
  void keysAndNodeIdsAreOnePercentEncodedPathSegment() {
    assertEquals("/api/v1/keys/users%2F7", ApiPaths.key("users/7"));
    assertEquals("/api/v1/keys/%2E%2E", ApiPaths.key(".."), "never a dot segment");
    assertEquals("/api/v1/keys/a%20b%3Fc%23d%25%C3%BC~_-Z9", ApiPaths.key("a b?c#d%ü~_-Z9"));
    assertEquals("/api/v1/cluster/nodes/node%203", ApiPaths.node("node 3"));
  }

  @Test
  void whenNoNodeAnswersEachEndpointTriedIsNamedWithWhyAndTheExitCodeIsTwo() throws IOException {
    int first = unusedPort();
    int second = unusedPort();
    AdminRun run = AdminRun.run("--endpoint", "127.0.0.1:" + first + ",http://127.0.0.1:" + second, "status");
    assertEquals(2, run.exit(), run.toString());
    assertEquals(
        "kvstore-admin: no node answered at http://127.0.0.1:" + first + ": Connection refused; http://127.0.0.1:" + second
            + ": Connection refused\n",
        run.stderr());
    assertEquals("", run.out());
  }

  @Test
  void anUnknownHostIsSaidSo() {
    AdminRun run = AdminRun.run("--endpoint", "http://no-such-host.invalid:8080", "status");
    assertEquals(2, run.exit(), run.toString());
    assertEquals("kvstore-admin: no node answered at http://no-such-host.invalid:8080: unknown host\n", run.stderr());
  }

  @Test
  void globalOptionsAlsoComeAfterTheCommand() throws IOException {
    int port = unusedPort();
    AdminRun run = AdminRun.run("partitions", "--not-ready", "--endpoint", "http://127.0.0.1:" + port, "--timeout", "2s", "--json");
    assertEquals(2, run.exit(), run.toString());
    assertTrue(run.stderr().startsWith("kvstore-admin: no node answered at http://127.0.0.1:" + port + ": "), run.stderr());
  }

  @Test
  void usageErrorsExitWithTwoAndSayWhatIsWrong() {
    AdminRun none = AdminRun.run();
    assertEquals(2, none.exit());
    assertTrue(none.stderr().contains("name a command"), none.stderr());

    AdminRun both = AdminRun.run("put", "k", "v", "--file", "/dev/null");
    assertEquals(2, both.exit());
    assertTrue(both.stderr().contains("give a VALUE or --file, not both"), both.stderr());

    AdminRun badTimeout = AdminRun.run("--timeout", "soon", "status");
    assertEquals(2, badTimeout.exit());
    assertTrue(badTimeout.stderr().contains("'soon' is not a duration"), badTimeout.stderr());

    AdminRun unknown = AdminRun.run("frobnicate");
    assertEquals(2, unknown.exit());
  }

  @Test
  void helpListsEveryCommandAndTheDefaultEndpoint() {
    AdminRun help = AdminRun.run("--help");
    assertEquals(0, help.exit());
    for (String command : List.of("status", "partitions", "leave", "retire", "repair", "get", "put", "delete")) {
      assertTrue(help.out().contains("  " + command), command + " in " + help.out());
    }
    if (System.getenv("KVSTORE_ENDPOINT") == null) {
      assertTrue(help.out().replaceAll("\\s+", "").contains("defaulthttp://127.0.0.1:8080"), help.out());
    }
  }
}
