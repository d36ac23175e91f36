package io.kvstore.robustness.report;

import io.kvstore.robustness.checker.Linearizability;
import io.kvstore.robustness.checker.StaleReads;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** The runs of one invocation as a Markdown table per fault combination, for docs/reliability.md. */
public final class ResultsTable {
  private ResultsTable() {}

  public static String markdown(List<RunReport> reports) {
    Map<String, List<RunReport>> byFaults =
        reports.stream().collect(Collectors.groupingBy(r -> String.join(" + ", r.plan().faults()), TreeMap::new, Collectors.toList()));
    StringBuilder table =
        new StringBuilder(
            "| faults | runs | seeds | operations | runs with problems | non-linearizable keys (LINEARIZABLE + writes) |"
                + " lost QUORUM writes | stale ONE reads | stale QUORUM reads | longest gap (max) | converged (max) |\n"
                + "| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
    byFaults.forEach(
        (faults, runs) ->
            table.append(
                String.format(
                    "| %s | %d | %s | %d | %d | %d | %d | %s | %s | %.1f s | %.1f s |%n",
                    faults,
                    runs.size(),
                    runs.stream().map(r -> Long.toString(r.plan().seed())).collect(Collectors.joining(", ")),
                    runs.stream().mapToLong(RunReport::operationCount).sum(),
                    runs.stream().filter(r -> !r.problems().isEmpty()).count(),
                    runs.stream()
                        .flatMap(r -> r.linearizability().stream())
                        .filter(l -> l.verdict() != Linearizability.Verdict.LINEARIZABLE)
                        .count(),
                    runs.stream().mapToLong(r -> r.lostWrites().size()).sum(),
                    stale(runs, "ONE"),
                    stale(runs, "QUORUM"),
                    runs.stream().mapToLong(RunReport::longestWriteGapMillis).max().orElse(0) / 1000.0,
                    runs.stream().mapToLong(RunReport::convergedMillis).max().orElse(0) / 1000.0)));
    return table.toString();
  }

  private static String stale(List<RunReport> runs, String level) {
    long stale = 0;
    long reads = 0;
    for (RunReport run : runs) {
      StaleReads.Rate rate = run.staleReads() == null ? null : run.staleReads().get(level);
      if (rate != null) {
        stale += rate.stale();
        reads += rate.reads();
      }
    }
    return stale + " / " + reads;
  }

  public static void write(List<RunReport> reports, Path file) throws IOException {
    Files.createDirectories(file.getParent());
    Files.writeString(file, markdown(reports));
  }
}
