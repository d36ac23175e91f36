package io.kvstore.robustness.checker;

import io.kvstore.robustness.history.Operation;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * No acknowledged write lost: after the faults heal, each key must show the value of its last
 * acknowledged write or of a write that was not over before that one began. A value from a write
 * that finished before an acknowledged write started means the acknowledged one was lost.
 */
public final class LostWrites {
  public record Finding(String key, String finalValue, String problem, List<Operation> lost) {
    @Override
    public String toString() {
      StringBuilder text = new StringBuilder(key + " ends as " + finalValue + ": " + problem);
      lost.stream().limit(5).forEach(o -> text.append("\n    lost: ").append(o));
      return text.toString();
    }
  }

  private LostWrites() {}

  /** @param finalValues per key, the value read after the run (null when absent) */
  public static List<Finding> check(Map<String, List<Operation>> byKey, Map<String, String> finalValues) {
    List<Finding> findings = new ArrayList<>();
    byKey.forEach(
        (key, operations) -> {
          List<Operation> acknowledged = operations.stream().filter(Operation::acknowledgedWrite).toList();
          if (acknowledged.isEmpty()) {
            return;
          }
          String value = finalValues.get(key);
          if (value == null) {
            findings.add(new Finding(key, null, "absent after " + acknowledged.size() + " acknowledged writes", acknowledged));
            return;
          }
          Optional<Operation> writer = Writers.of(operations, value);
          if (writer.isEmpty()) {
            findings.add(new Finding(key, value, "a value no client wrote", List.of()));
            return;
          }
          List<Operation> lost = acknowledged.stream().filter(a -> writer.get().happenedBefore(a)).toList();
          if (!lost.isEmpty()) {
            findings.add(new Finding(key, value, lost.size() + " acknowledged writes after the one that survived", lost));
          }
        });
    return findings;
  }
}
