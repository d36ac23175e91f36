package io.kvstore.http;

import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.model.StatusCodes;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kvstore.api.ErrorCode;
import io.kvstore.api.InvalidRequestException;
import io.kvstore.api.KvCluster;
import java.io.IOException;
import java.util.Locale;
import java.util.Optional;

/** JSON shapes of {@code /api/v1/cluster} (seed design 003). */
final class ClusterJson {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private ClusterJson() {}

  static HttpResponse status(KvCluster.Status status) {
    ObjectNode body = JsonResponses.object();
    ArrayNode nodes = body.putArray("nodes");
    for (KvCluster.NodeStatus node : status.nodes()) {
      ObjectNode item =
          nodes
              .addObject()
              .put("id", node.id())
              .put("address", node.address())
              .put("status", node.status())
              .put("load", node.load())
              .put("partitions", node.partitions())
              .put("primaries", node.primaries());
      if (node.stats() != null) {
        item.put("keys", node.stats().keys())
            .put("partitions_ready", node.stats().partitionsReady())
            .put("hints_pending", node.stats().hintsPending())
            .put("hints_dropped", node.stats().hintsDropped())
            .put("conflicts_resolved", node.stats().conflictsResolved());
      }
    }
    body.put("ring_version", status.ringVersion())
        .put("partitions", status.partitions())
        .put("replication_factor", status.replicationFactor())
        .put("total_keys", status.totalKeys());
    status.retiredNodes().forEach(body.putArray("retired_nodes")::add);
    ArrayNode unsettled = body.putArray("unsettled_rings");
    for (KvCluster.EarlierRing earlier : status.unsettledRings()) {
      ObjectNode item = unsettled.addObject().put("version", earlier.version());
      earlier.nodes().forEach(item.putArray("nodes")::add);
    }
    return JsonResponses.json(StatusCodes.OK, body);
  }

  static HttpResponse merkle(KvCluster.MerkleRoots merkle) {
    ObjectNode body =
        JsonResponses.object().put("node_id", merkle.nodeId()).put("ring_version", merkle.ringVersion());
    ObjectNode roots = body.putObject("roots");
    merkle.roots().forEach((partition, root) -> roots.put(Integer.toString(partition), Long.toHexString(root)));
    return JsonResponses.json(StatusCodes.OK, body);
  }

  /** The {@code address} of a join request body: {@code {"address": "host:port"}}. */
  static String addressOf(byte[] body) {
    JsonNode json;
    try {
      json = MAPPER.readTree(body);
    } catch (IOException e) {
      throw new InvalidRequestException(ErrorCode.MALFORMED_JSON, "the body is not valid JSON");
    }
    if (json == null || !json.path("address").isTextual()) {
      throw new InvalidRequestException(
          ErrorCode.INVALID_BODY, "expected {\"address\": \"host:port\"}, the Akka remoting address of a cluster member");
    }
    return json.get("address").asText();
  }

  static HttpResponse joining(String address) {
    return JsonResponses.json(
        StatusCodes.ACCEPTED, JsonResponses.object().put("status", "joining").put("address", address));
  }

  /** The answer to {@code DELETE /nodes/{id}}: the member leaves or is downed, and is retired. */
  static HttpResponse removal(String nodeId, Optional<KvCluster.Removal> action) {
    return action.map(removal -> removed(nodeId, removal, true)).orElseGet(() -> unknownNode(nodeId));
  }

  /** The answer to {@code POST /nodes/{id}/leave}: the member leaves, and may come back under its id. */
  static HttpResponse leaving(String nodeId, boolean member) {
    return member ? removed(nodeId, KvCluster.Removal.LEAVE, false) : unknownNode(nodeId);
  }

  private static HttpResponse removed(String nodeId, KvCluster.Removal action, boolean retired) {
    return JsonResponses.json(
        StatusCodes.ACCEPTED,
        JsonResponses.object()
            .put("node_id", nodeId)
            .put("status", action == KvCluster.Removal.LEAVE ? "leaving" : "down")
            .put("action", lowerCase(action))
            .put("retired", retired));
  }

  private static HttpResponse unknownNode(String nodeId) {
    return JsonResponses.error(
        ErrorCode.UNKNOWN_NODE,
        JsonResponses.errorBody(ErrorCode.UNKNOWN_NODE, "no cluster member has node id '" + nodeId + "'").put("node_id", nodeId));
  }

  static HttpResponse partitions(KvCluster.Partitions map) {
    ObjectNode body = JsonResponses.object().put("ring_version", map.ringVersion());
    ArrayNode partitions = body.putArray("partitions");
    for (KvCluster.PartitionStatus partition : map.partitions()) {
      ObjectNode item = partitions.addObject().put("id", partition.partition());
      partition.replicas().forEach(item.putArray("replicas")::add);
      item.put("entity_owner", partition.entityOwner());
      ObjectNode readiness = item.putObject("readiness");
      for (int i = 0; i < partition.replicas().size(); i++) {
        readiness.put(partition.replicas().get(i), lowerCase(partition.readiness().get(i)));
      }
    }
    map.unanswered().forEach(body.putArray("unanswered_nodes")::add);
    return JsonResponses.json(StatusCodes.OK, body);
  }

  static HttpResponse repair(KvCluster.Repair repair) {
    ObjectNode body = JsonResponses.object();
    ArrayNode started = body.putArray("started");
    repair.started().forEach(pass -> started.addObject().put("node_id", pass.nodeId()).put("partitions", pass.partitions()));
    repair.unanswered().forEach(body.putArray("unanswered_nodes")::add);
    return JsonResponses.json(StatusCodes.ACCEPTED, body);
  }

  private static String lowerCase(Enum<?> value) {
    return value.name().toLowerCase(Locale.ROOT);
  }
}
