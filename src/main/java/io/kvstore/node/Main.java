package io.kvstore.node;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import java.io.File;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code kvstore}: starts one node and serves until stopped (SIGTERM leaves gracefully). */
@Command(
    name = "kvstore",
    mixinStandardHelpOptions = true,
    description = "Runs a kvstore node. Options override application.conf; see docs/operations.md.")
public final class Main implements Callable<Integer> {

  @Option(names = "--data-dir", description = "RocksDB data directory (kvstore.storage.directory)")
  private String dataDir;

  @Option(names = "--http-port", description = "HTTP port (kvstore.http.port), 0 = any free port")
  private Integer httpPort;

  @Option(names = "--http-host", description = "HTTP bind address (kvstore.http.host)")
  private String httpHost;

  @Option(names = "--health-port", description = "health-only HTTP port (kvstore.http.health-port), 0 = any free port, -1 = none")
  private Integer healthPort;

  @Option(names = "--resp-port", description = "Redis-protocol port (kvstore.resp.port), 0 = any free port")
  private Integer respPort;

  @Option(names = "--node-id", description = "stable node name (kvstore.node-id)")
  private String nodeId;

  @Option(names = "--remote-port", description = "Akka remoting port, 0 = any free port")
  private Integer remotePort;

  @Option(names = "--seed-nodes", split = ",", description = "cluster seed nodes, akka://kvstore@host:port")
  private List<String> seedNodes;

  @Option(
      names = "--await-join",
      description = "do not form or join a cluster at start; wait for POST /api/v1/cluster/nodes")
  private boolean awaitJoin;

  @Option(
      names = "--force-new-cluster",
      description = "forget the last ring and form a new cluster even without a majority of it (disaster recovery)")
  private boolean forceNewCluster;

  @Option(names = "--replication-factor", description = "replicas per partition (kvstore.replication.factor)")
  private Integer replicationFactor;

  @Option(
      names = "--config",
      defaultValue = "${env:KVSTORE_CONFIG_FILE}",
      description = "a HOCON file layered over application.conf (default: $KVSTORE_CONFIG_FILE, if set)")
  private File configFile;

  /**
   * The distribution's logging setup, in the jar under a name logback does not pick up by itself,
   * so an application that embeds a node keeps its own. {@code -Dlogback.configurationFile}
   * still overrides it.
   */
  static final String LOGBACK_CONFIGURATION = "kvstore-logback.xml";

  public static void main(String[] args) {
    if (System.getProperty("logback.configurationFile") == null) {
      System.setProperty("logback.configurationFile", LOGBACK_CONFIGURATION);
    }
    int exit =
        new CommandLine(new Main())
            .setExecutionExceptionHandler(
                (failure, commandLine, parsed) -> {
                  // Configuration mistakes are the operator's to fix: one line, not a stack trace.
                  if (!(failure instanceof ConfigException || failure instanceof IllegalArgumentException)) {
                    throw failure;
                  }
                  commandLine.getErr().println("kvstore: " + failure.getMessage());
                  return 2;
                })
            .execute(args);
    if (exit != 0) {
      System.exit(exit);
    }
  }

  @Override
  public Integer call() throws Exception {
    KvNode node = KvNode.start(overrides());
    // Serving: in a ring, listening. Ready: what /health/ready says, once every partition here
    // has caught up, which takes a few seconds more (and for ever for a node awaiting its join).
    announce(node, "serving");
    node.whenReady().thenRun(() -> announce(node, "ready"));
    node.system().getWhenTerminated().toCompletableFuture().join();
    return 0;
  }

  private static void announce(KvNode node, String state) {
    System.out.printf(
        "kvstore node %s %s: HTTP on %s:%s, RESP on %s:%s, health on %s:%s, data in %s%n",
        node.settings().nodeId(),
        state,
        node.settings().http().host(),
        node.httpPort().map(String::valueOf).orElse("-"),
        node.settings().resp().host(),
        node.respPort().map(String::valueOf).orElse("-"),
        node.settings().http().host(),
        node.healthPort().map(String::valueOf).orElse("-"),
        node.settings().storage().directory().toAbsolutePath());
  }

  private Config overrides() {
    Map<String, Object> values = new HashMap<>();
    if (dataDir != null) {
      values.put("kvstore.storage.directory", dataDir);
    }
    if (httpPort != null) {
      values.put("kvstore.http.port", httpPort);
    }
    if (healthPort != null) {
      values.put("kvstore.http.health-port", healthPort);
    }
    if (respPort != null) {
      values.put("kvstore.resp.port", respPort);
    }
    if (httpHost != null) {
      values.put("kvstore.http.host", httpHost);
    }
    if (nodeId != null) {
      values.put("kvstore.node-id", nodeId);
    }
    if (remotePort != null) {
      values.put("akka.remote.artery.canonical.port", remotePort);
    }
    if (awaitJoin) {
      values.put("kvstore.cluster.await-join", true);
    }
    if (forceNewCluster) {
      values.put("kvstore.cluster.force-new-cluster", true);
    }
    if (replicationFactor != null) {
      values.put("kvstore.replication.factor", replicationFactor);
    }
    if (seedNodes != null) {
      values.put("akka.cluster.seed-nodes", seedNodes);
    }
    Config config = ConfigFactory.parseMap(values);
    return configFile == null ? config : config.withFallback(ConfigFactory.parseFile(configFile, ConfigParseOptions.defaults().setAllowMissing(false)));
  }
}
