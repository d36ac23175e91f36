package io.kvstore.resp;

import io.kvstore.Stages;
import io.kvstore.api.KvCluster;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.IntSupplier;

/** INFO's sections and DBSIZE, from kvstore's own figures. */
final class ServerInfo {
  /** The Redis version whose commands and replies this front-end follows; clients check it. */
  static final String REDIS_COMPATIBILITY = "7.0.0";

  private static final List<String> SECTIONS = List.of("server", "clients", "keyspace", "replication");

  private final String nodeId;
  private final KvCluster cluster;
  private final IntSupplier connectedClients;
  private final IntSupplier port;
  private final int maxClients;
  private final long startedMillis = System.currentTimeMillis();

  ServerInfo(String nodeId, KvCluster cluster, IntSupplier connectedClients, IntSupplier port, int maxClients) {
    this.nodeId = nodeId;
    this.cluster = cluster;
    this.connectedClients = connectedClients;
    this.port = port;
    this.maxClients = maxClients;
  }

  /**
   * Distinct keys in the cluster: RocksDB's estimate of the registers every node holds, divided
   * by the replication factor. Deleted keys count until their tombstones are collected.
   */

  /** INFO's text for the named sections; none, "default", "all" or "everything" for all of them. */
  CompletionStage<String> info(Set<String> requested) {
    Set<String> wanted =
        requested.isEmpty() || requested.contains("default") || requested.contains("all") || requested.contains("everything")
            ? Set.copyOf(SECTIONS)
            : requested;
    CompletableFuture<KvCluster.Status> status =
        wanted.contains("keyspace") || wanted.contains("replication")
            ? Stages.direct(cluster.status())
            : CompletableFuture.completedFuture(null);
    return status.thenApply(
        s -> {
          StringBuilder text = new StringBuilder();
          for (String section : SECTIONS) {
            if (wanted.contains(section)) {
              appendSection(text, section, fields(section, s));
            }
          }
          return text.toString();
        });
  }

  private Map<String, Object> fields(String section, KvCluster.Status status) {
    Map<String, Object> fields = new LinkedHashMap<>();
    switch (section) {
      case "server" -> {
        long uptimeSeconds = (System.currentTimeMillis() - startedMillis) / 1000;
        fields.put("redis_version", REDIS_COMPATIBILITY);
        fields.put("kvstore_version", version());
        fields.put("kvstore_node_id", nodeId);
        fields.put("redis_mode", "standalone");
        fields.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"));
        fields.put("process_id", ProcessHandle.current().pid());
        fields.put("tcp_port", port.getAsInt());
        fields.put("uptime_in_seconds", uptimeSeconds);
        fields.put("uptime_in_days", uptimeSeconds / 86400);
        fields.put("java_version", System.getProperty("java.version"));
        fields.put("jvm_uptime_in_seconds", ManagementFactory.getRuntimeMXBean().getUptime() / 1000);
      }
      case "clients" -> {
        fields.put("connected_clients", connectedClients.getAsInt());
        fields.put("maxclients", maxClients);
      }
      case "keyspace" -> {
        // Only counts are known cheaply; Redis's expires and avg_ttl would need a scan.
        if (status.totalKeys() > 0) {
          fields.put("db0", "keys=" + status.totalKeys());
        }
      }
      default -> {
        // Every node takes writes for every key, so each reports itself a master to Redis tools.
        fields.put("role", "master");
        fields.put("connected_slaves", 0);
        fields.put("kvstore_replication_factor", status.replicationFactor());
        fields.put("kvstore_partitions", status.partitions());
        fields.put("kvstore_ring_version", status.ringVersion());
        fields.put("kvstore_nodes", status.nodes().size());
        List<String> up = new ArrayList<>();
        status.nodes().forEach(node -> up.add(node.id() + "=" + node.status()));
        fields.put("kvstore_node_status", String.join(",", up));
      }
    }
    return fields;
  }

  private static void appendSection(StringBuilder text, String section, Map<String, Object> fields) {
    if (!text.isEmpty()) {
      text.append("\r\n");
    }
    text.append("# ").append(Character.toUpperCase(section.charAt(0))).append(section.substring(1)).append("\r\n");
    fields.forEach((name, value) -> text.append(name).append(':').append(value).append("\r\n"));
  }

  static String version() {
    String version = ServerInfo.class.getPackage().getImplementationVersion();
    return version == null ? "dev" : version;
  }

  static String section(byte[] argument) {
    return Arguments.text(argument).toLowerCase(Locale.ROOT);
  }
}
