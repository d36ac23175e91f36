package io.kvstore.robustness.checker;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/** Replicas converged: every node on one ring version, and every partition's Merkle roots equal. */
public final class Convergence {
  private Convergence() {}

  /**
   * @param views each node's {@code GET /api/v1/cluster/merkle}
   * @return empty when they agree, else what differs
   */
  public static String disagreement(List<JsonNode> views) {
    Map<String, String> roots = new HashMap<>();
    long version = -1;
    for (JsonNode view : views) {
      long v = view.path("ring_version").asLong(-1);
      if (v < 0 || (version >= 0 && v != version)) {
        return "ring versions differ";
      }
      version = v;
      for (Iterator<Map.Entry<String, JsonNode>> it = view.path("roots").fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> root = it.next();
        String seen = roots.putIfAbsent(root.getKey(), root.getValue().asText());
        if (seen != null && !seen.equals(root.getValue().asText())) {
          return "partition " + root.getKey() + " differs";
        }
      }
    }
    return "";
  }
}
