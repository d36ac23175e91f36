package io.kvstore.admin;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.StreamSupport;

/** The node's JSON answers as text for people: tables and one-line summaries. */
final class Views {
  private static final String UNKNOWN = "?";

  private Views() {}

  /** {@code GET /api/v1/cluster/status}. */
  static String status(JsonNode status) {
    JsonNode nodes = status.path("nodes");
    StringBuilder text =
        new StringBuilder(
            String.format(
                "ring v%d: %d node%s, %d partitions, replication factor %d, about %d keys%n",
                status.path("ring_version").asLong(),
                nodes.size(),
                nodes.size() == 1 ? "" : "s",
                status.path("partitions").asInt(),
                status.path("replication_factor").asInt(),
                status.path("total_keys").asLong()));
    List<List<String>> rows = new ArrayList<>();
    boolean silent = false;
    for (JsonNode node : nodes) {
      silent |= !node.has("keys");
      rows.add(
          List.of(
              node.path("id").asText(),
              node.path("status").asText(),
              node.path("partitions").asText(),
              node.path("primaries").asText(),
              figure(node, "partitions_ready"),
              figure(node, "keys"),
              figure(node, "hints_pending"),
              node.path("load").asText(),
              node.path("address").asText()));
    }
    text.append(Tables.render(List.of("NODE", "STATUS", "PARTITIONS", "PRIMARIES", "READY", "KEYS", "HINTS", "LOAD", "ADDRESS"), rows));
    if (silent) {
      text.append(UNKNOWN).append(": the node did not answer in time\n");
    }
    if (!status.path("retired_nodes").isEmpty()) {
      text.append("retired nodes: ").append(String.join(", ", texts(status.path("retired_nodes")))).append('\n');
    }
    for (JsonNode earlier : status.path("unsettled_rings")) {
      text.append("unsettled ring v")
          .append(earlier.path("version").asLong())
          .append(": ")
          .append(String.join(", ", texts(earlier.path("nodes"))))
          .append('\n');
    }
    return text.toString();
  }

  private static String figure(JsonNode node, String field) {
    return node.has(field) ? node.get(field).asText() : UNKNOWN;
  }

  /**
   * {@code GET /api/v1/cluster/partitions}.
   *
   * @param notReadyOnly only the partitions with a replica not known to be ready
   */
  static String partitions(JsonNode map, boolean notReadyOnly) {
    List<List<String>> rows = new ArrayList<>();
    int allReady = 0;
    int withoutOwner = 0;
    JsonNode partitions = map.path("partitions");
    for (JsonNode partition : partitions) {
      List<String> readiness = texts(partition.path("readiness"));
      boolean ready = readiness.stream().allMatch("ready"::equals);
      allReady += ready ? 1 : 0;
      withoutOwner += partition.path("entity_owner").isTextual() ? 0 : 1;
      if (!notReadyOnly || !ready) {
        rows.add(
            List.of(
                partition.path("id").asText(),
                String.join(",", texts(partition.path("replicas"))),
                partition.path("entity_owner").isTextual() ? partition.get("entity_owner").asText() : "-",
                String.join(",", readiness)));
      }
    }
    StringBuilder text = new StringBuilder();
    if (!rows.isEmpty()) {
      text.append(Tables.render(List.of("PARTITION", "REPLICAS", "OWNER", "READINESS"), rows));
    }
    text.append(
        String.format(
            "ring v%d: %d partitions, %d with every replica ready", map.path("ring_version").asLong(), partitions.size(), allReady));
    if (withoutOwner > 0) {
      text.append(", ").append(withoutOwner).append(" whose entities run nowhere yet (-: started on first use)");
    }
    text.append('\n');
    List<String> unanswered = texts(map.path("unanswered_nodes"));
    if (!unanswered.isEmpty()) {
      text.append("no answer from ")
          .append(String.join(", ", unanswered))
          .append(": their readiness is unknown, and they may run entities shown with none\n");
    }
    return text.toString();
  }

  /** {@code POST /api/v1/cluster/repair}. */
  static String repair(JsonNode repair) {
    StringBuilder text = new StringBuilder();
    for (JsonNode started : repair.path("started")) {
      text.append(started.path("node_id").asText())
          .append(": anti-entropy pass started over ")
          .append(started.path("partitions").asInt())
          .append(" partitions\n");
    }
    for (String silent : texts(repair.path("unanswered_nodes"))) {
      text.append(silent).append(": no answer in time (the pass may have started)\n");
    }
    return text.toString();
  }

  /** {@code POST /nodes/{id}/leave} and {@code DELETE /nodes/{id}}. */
  static String removal(JsonNode removal) {
    return removal.path("node_id").asText()
        + ": "
        + removal.path("status").asText()
        + (removal.path("retired").asBoolean()
            ? "; retired: its id never joins the ring again\n"
            : "; not retired: it may join again under its id, with its data\n");
  }

  /** A put's or a delete's answer. */
  static String write(JsonNode result) {
    String text = result.path("key").asText() + ": " + result.path("status").asText() + ", version " + result.path("version").asText();
    if (result.has("expires_at")) {
      text += ", expires at " + Instant.ofEpochMilli(result.get("expires_at").asLong());
    }
    return text + "\n";
  }

  /** The texts of a JSON array, or the values of a JSON object, in order. */
  private static List<String> texts(JsonNode node) {
    return StreamSupport.stream(node.spliterator(), false).map(JsonNode::asText).toList();
  }
}
