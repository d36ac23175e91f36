package io.kvstore.robustness.history;

import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.Collectors;

/** The operations of one run, recorded concurrently by the clients. */
public final class History {
  private final ConcurrentLinkedQueue<Operation> operations = new ConcurrentLinkedQueue<>();
  private final long startNanos;

  public History(long startNanos) {
    this.startNanos = startNanos;
  }

  public static History of(List<Operation> operations) {
    History history = new History(0);
    history.operations.addAll(operations);
    return history;
  }

  /** Nanoseconds since the run started: the clock of every recorded operation. */
  public long now() {
    return System.nanoTime() - startNanos;
  }

  public void add(Operation operation) {
    operations.add(operation);
  }

  public List<Operation> operations() {
    List<Operation> all = new ArrayList<>(operations);
    all.sort(Comparator.comparingLong(Operation::invokeNanos));
    return all;
  }

  public Map<String, List<Operation>> byKey() {
    return operations().stream().collect(Collectors.groupingBy(Operation::key, TreeMap::new, Collectors.toList()));
  }

  /** Operations that completed OK between the two times, per second. */
  public double okRate(long fromNanos, long toNanos) {
    long ok =
        operations.stream()
            .filter(o -> o.outcome() == Operation.Outcome.OK && o.completeNanos() >= fromNanos && o.completeNanos() < toNanos)
            .count();
    return ok / ((toNanos - fromNanos) / 1e9);
  }

  /** One operation per line, for reading a failed run afterwards. */
  public void write(Path file) throws IOException {
    Files.createDirectories(file.getParent());
    try (Writer out = Files.newBufferedWriter(file)) {
      for (Operation operation : operations()) {
        out.write(operation.toString());
        out.write('\n');
      }
    }
  }
}
