package io.kvstore.admin;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * {@code kvstore-admin}: a cluster's status, partition map, repair and membership, and single keys,
 * through a node's HTTP API only (so it works wherever that port is reachable, {@code kubectl
 * exec} included, and needs no Akka).
 */
@Command(
    name = "kvstore-admin",
    mixinStandardHelpOptions = true,
    subcommands = CommandLine.HelpCommand.class,
    description = "Administers a kvstore cluster through a node's HTTP API (see docs/operations.md).",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:done",
      "1:the node answered with an error (printed as 'code: message'), or not every node started a repair",
      "2:no node answered, or the command line is wrong"
    })
public final class KvstoreAdmin implements Runnable {
  private static final String CONSISTENCY_HEADER = "X-Consistency-Level";

  @Option(
      names = "--endpoint",
      split = ",",
      scope = ScopeType.INHERIT,
      paramLabel = "URL",
      converter = Arguments.EndpointConverter.class,
      defaultValue = "${env:KVSTORE_ENDPOINT:-http://127.0.0.1:8080}",
      description = "nodes' HTTP API, tried in order until one answers (env KVSTORE_ENDPOINT; default ${DEFAULT-VALUE})")
  private List<URI> endpoints;

  @Option(
      names = "--timeout",
      scope = ScopeType.INHERIT,
      paramLabel = "DURATION",
      converter = Arguments.TimeoutConverter.class,
      defaultValue = "10s",
      description = "how long to wait for each node to connect and to answer: 10s, 500ms, 2m (default ${DEFAULT-VALUE})")
  private Duration timeout;

  @Option(names = "--json", scope = ScopeType.INHERIT, description = "print the node's JSON answer as it is")
  private boolean json;

  @Spec private CommandSpec spec;

  private final InputStream in;
  private final PrintStream out;

  private KvstoreAdmin(InputStream in, PrintStream out) {
    this.in = in;
    this.out = out;
  }

  public static void main(String[] args) {
    System.exit(execute(args, System.in, System.out, System.err));
  }

  /** Runs one command line; {@code out} gets values as their bytes (binary-safe), {@code err} the failures. */
  static int execute(String[] args, InputStream in, PrintStream out, PrintStream err) {
    CommandLine command = new CommandLine(new KvstoreAdmin(in, out));
    command.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
    command.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
    command.setExecutionExceptionHandler(
        (failure, line, parsed) -> {
          if (failure instanceof AdminFailure known) {
            line.getErr().println("kvstore-admin: " + known.getMessage());
            return known.exitCode();
          }
          throw failure;
        });
    return command.execute(args);
  }

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "name a command, such as status (see --help)");
  }

  @Command(name = "status", description = "The nodes with their state and figures, and the ring.")
  int status() {
    return show(client().get(ApiPaths.CLUSTER + "/status", Map.of()), Views::status);
  }

  @Command(
      name = "partitions",
      description = "Every partition: its replicas (the primary first), the node running its entities, each replica's readiness.")
  int partitions(@Option(names = "--not-ready", description = "only partitions with a replica not known to be ready") boolean notReady) {
    return show(client().get(ApiPaths.CLUSTER + "/partitions", Map.of()), map -> Views.partitions(map, notReady));
  }

  @Command(name = "leave", description = "The member leaves the cluster and its process exits; it may join again under its id.")
  int leave(@Parameters(paramLabel = "NODE_ID") String nodeId) {
    return show(client().post(ApiPaths.node(nodeId) + "/leave"), Views::removal);
  }

  @Command(
      name = "retire",
      description = "The member leaves (or, with --force or when unreachable, is downed) and its id is retired for good.")
  int retire(
      @Parameters(paramLabel = "NODE_ID") String nodeId,
      @Option(names = "--force", description = "mark it down at once instead of letting it leave") boolean force) {
    return show(client().delete(ApiPaths.node(nodeId) + (force ? "?force=true" : ""), Map.of()), Views::removal);
  }

  @Command(name = "repair", description = "Starts an anti-entropy pass now: every partition compared with its other replicas.")
  int repair(@Option(names = "--all", description = "on every node of the ring, not only the one answering") boolean all) {
    NodeClient.Reply reply = client().post(ApiPaths.CLUSTER + "/repair" + (all ? "?all=true" : ""));
    show(reply, Views::repair);
    return reply.json().path("unanswered_nodes").isEmpty() ? 0 : AdminFailure.FAILED;
  }

  @Command(
      name = "get",
      description = "Writes the key's value to stdout, its bytes exactly (with --json: the node's JSON, value in base64).")
  int get(@Parameters(paramLabel = "KEY") String key, @Mixin ConsistencyOption consistency) {
    Map<String, String> headers = consistency.headers();
    if (json) {
      printJson(client().get(ApiPaths.key(key), headers));
      return 0;
    }
    headers.put("Accept", "application/octet-stream");
    out.writeBytes(client().get(ApiPaths.key(key), headers).body());
    out.flush();
    return 0;
  }

  @Command(name = "put", description = "Writes VALUE (or the file's bytes, or stdin's when neither is given) under KEY.")
  int put(
      @Parameters(index = "0", paramLabel = "KEY") String key,
      @Parameters(index = "1", arity = "0..1", paramLabel = "VALUE") String value,
      @Option(names = "--file", paramLabel = "FILE", description = "the value is this file's bytes") Path file,
      @Option(names = "--ttl", paramLabel = "SECONDS", description = "expire the key after this many seconds (X-TTL)") Long ttl,
      @Mixin ConsistencyOption consistency) {
    Map<String, String> headers = consistency.headers();
    if (ttl != null) {
      headers.put("X-TTL", Long.toString(ttl));
    }
    return show(client().put(ApiPaths.key(key), headers, value(value, file)), Views::write);
  }

  @Command(name = "delete", description = "Deletes the key (writes a tombstone).")
  int delete(@Parameters(paramLabel = "KEY") String key, @Mixin ConsistencyOption consistency) {
    return show(client().delete(ApiPaths.key(key), consistency.headers()), Views::write);
  }

  /** {@code --consistency}, as the key commands share it. */
  static final class ConsistencyOption {
    @Option(
        names = "--consistency",
        paramLabel = "LEVEL",
        description = "ONE, QUORUM, ALL or LINEARIZABLE (X-Consistency-Level); the node's default when not given")
    private String level;

    Map<String, String> headers() {
      Map<String, String> headers = new HashMap<>();
      if (level != null) {
        headers.put(CONSISTENCY_HEADER, level);
      }
      return headers;
    }
  }

  private byte[] value(String value, Path file) {
    if (value != null && file != null) {
      throw new ParameterException(spec.commandLine(), "give a VALUE or --file, not both");
    }
    try {
      if (value != null) {
        return value.getBytes(StandardCharsets.UTF_8);
      }
      return file != null ? Files.readAllBytes(file) : in.readAllBytes();
    } catch (IOException e) {
      throw new AdminFailure("cannot read the value from " + (file != null ? file : "stdin") + ": " + e.getMessage(), AdminFailure.FAILED);
    }
  }

  private NodeClient client() {
    return new NodeClient(endpoints, timeout);
  }

  /** The answer as it came with --json, else through {@code view}. */
  private int show(NodeClient.Reply reply, Function<JsonNode, String> view) {
    if (json) {
      printJson(reply);
    } else {
      out.print(view.apply(reply.json()));
      out.flush();
    }
    return 0;
  }

  private void printJson(NodeClient.Reply reply) {
    byte[] body = reply.body();
    out.writeBytes(body);
    if (body.length == 0 || body[body.length - 1] != '\n') {
      out.println();
    }
    out.flush();
  }
}
