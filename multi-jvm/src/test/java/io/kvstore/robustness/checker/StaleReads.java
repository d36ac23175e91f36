package io.kvstore.robustness.checker;

import io.kvstore.robustness.history.Operation;
import io.kvstore.robustness.history.Operation.Kind;
import io.kvstore.robustness.history.Operation.Outcome;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Counts, per consistency level, reads that returned a value already overwritten before the read
 * began (an acknowledged write finished before the read started, and the value read was written
 * before that write began), and reads of values no client wrote. ONE and QUORUM promise less
 * than linearizability, so their stale reads are reported, not failed.
 */
public final class StaleReads {
  public record Rate(long reads, long stale, long phantom) {
    Rate plus(boolean isStale, boolean isPhantom) {
      return new Rate(reads + 1, stale + (isStale ? 1 : 0), phantom + (isPhantom ? 1 : 0));
    }

    public double staleFraction() {
      return reads == 0 ? 0 : (double) stale / reads;
    }
  }

  private StaleReads() {}

  public static Map<String, Rate> rates(Map<String, List<Operation>> byKey) {
    Map<String, Rate> rates = new TreeMap<>();
    byKey.values()
        .forEach(
            operations -> {
              List<Operation> acknowledged = operations.stream().filter(Operation::acknowledgedWrite).toList();
              for (Operation read : operations) {
                if (read.kind() != Kind.READ || read.outcome() != Outcome.OK) {
                  continue;
                }
                Optional<Operation> writer = read.read() == null ? Optional.empty() : Writers.of(operations, read.read());
                boolean phantom = read.read() != null && writer.isEmpty();
                boolean stale =
                    !phantom
                        && acknowledged.stream()
                            .anyMatch(
                                a ->
                                    a.happenedBefore(read)
                                        && (writer.isEmpty() || writer.get().happenedBefore(a)));
                rates.merge(read.level(), new Rate(1, stale ? 1 : 0, phantom ? 1 : 0), (x, y) -> x.plus(y.stale() > 0, y.phantom() > 0));
              }
            });
    return rates;
  }
}
