package io.kvstore.robustness.report;

import io.kvstore.robustness.RobustnessRun.Plan;
import io.kvstore.robustness.checker.Linearizability;
import io.kvstore.robustness.checker.LostWrites;
import io.kvstore.robustness.checker.StaleReads;
import io.kvstore.robustness.history.Operation;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** What one run did and found: the problems fail the run, the rest is reported. */
public record RunReport(
    Plan plan,
    String failure,
    double rateBeforeFault,
    String injected,
    long injectedNanos,
    long healedNanos,
    long readyNanos,
    List<String> restarted,
    long longestWriteGapMillis,
    long convergedMillis,
    Map<Operation.Outcome, Long> outcomes,
    List<Linearizability.Result> linearizability,
    List<LostWrites.Finding> lostWrites,
    Map<String, StaleReads.Rate> staleReads,
    List<String> unexpected) {

  public long operationCount() {
    return outcomes == null ? 0 : outcomes.values().stream().mapToLong(Long::longValue).sum();
  }

  /** Empty when the run kept every promise. */
  public List<String> problems() {
    List<String> problems = new ArrayList<>();
    if (failure != null) {
      problems.add(failure);
    }
    linearizability.stream()
        .filter(r -> r.verdict() != Linearizability.Verdict.LINEARIZABLE)
        .forEach(r -> problems.add(r.key() + " " + r.verdict() + ": " + r.explanation()));
    lostWrites.forEach(f -> problems.add("lost write: " + f));
    unexpected.stream().distinct().limit(10).forEach(u -> problems.add("unexpected answer: " + u));
    return problems;
  }

  public String summary() {
    if (outcomes == null) {
      return plan.name() + ": " + failure;
    }
    long linearizable = linearizability.stream().filter(r -> r.verdict() == Linearizability.Verdict.LINEARIZABLE).count();
    String stale =
        staleReads.entrySet().stream()
            .map(e -> e.getKey() + " " + e.getValue().stale() + "/" + e.getValue().reads())
            .collect(Collectors.joining(", "));
    return String.format(
        "%s: %d ops (%s), %.0f ok ops/s before the fault; [%.1f s] %s; healed at %.1f s, ready %.1f s later%s;"
            + " longest time without an acknowledged write %d ms; converged %d ms after traffic stopped;"
            + " linearizable keys %d/%d; lost writes %d; stale reads %s; unexpected answers %d",
        plan.name(),
        operationCount(),
        outcomes.entrySet().stream().map(e -> e.getValue() + " " + e.getKey().name().toLowerCase()).collect(Collectors.joining(", ")),
        rateBeforeFault,
        injectedNanos / 1e9,
        injected,
        healedNanos / 1e9,
        (readyNanos - healedNanos) / 1e9,
        restarted.isEmpty() ? "" : " (restarted " + restarted + ")",
        longestWriteGapMillis,
        convergedMillis,
        linearizable,
        linearizability.size(),
        lostWrites.size(),
        stale.isEmpty() ? "none" : stale,
        unexpected.size());
  }

  /** Collects a run's findings as it goes. */
  public static final class Builder {
    private final Plan plan;
    private double rateBeforeFault;
    private String injected = "";
    private long injectedNanos;
    private long healedNanos;
    private long readyNanos;
    private List<String> restarted = List.of();
    private long convergedMillis = -1;
    private List<Operation> history = List.of();
    private List<Linearizability.Result> linearizability = List.of();
    private List<LostWrites.Finding> lostWrites = List.of();
    private Map<String, StaleReads.Rate> staleReads = Map.of();
    private List<String> unexpected = List.of();

    public Builder(Plan plan) {
      this.plan = plan;
    }

    public Builder rateBeforeFault(double rate) {
      this.rateBeforeFault = rate;
      return this;
    }

    public Builder injected(String what, long atNanos) {
      this.injected = what;
      this.injectedNanos = atNanos;
      return this;
    }

    public Builder recovered(long healedAt, long readyAt, List<String> restartedNodes) {
      this.healedNanos = healedAt;
      this.readyNanos = readyAt;
      this.restarted = restartedNodes;
      return this;
    }

    public Builder unexpected(List<String> answers) {
      this.unexpected = answers;
      return this;
    }

    public Builder convergedMillis(long millis) {
      this.convergedMillis = millis;
      return this;
    }

    public Builder history(List<Operation> operations) {
      this.history = operations;
      return this;
    }

    public Builder linearizability(List<Linearizability.Result> results) {
      this.linearizability = results;
      return this;
    }

    public Builder lostWrites(List<LostWrites.Finding> findings) {
      this.lostWrites = findings;
      return this;
    }

    public Builder staleReads(Map<String, StaleReads.Rate> rates) {
      this.staleReads = rates;
      return this;
    }

    public RunReport failed(String why) {
      return new RunReport(plan, why, rateBeforeFault, injected, injectedNanos, 0, 0, List.of(), 0, -1, null, List.of(), List.of(), null, List.of());
    }

    public RunReport build() {
      Map<Operation.Outcome, Long> outcomes =
          history.stream().collect(Collectors.groupingBy(Operation::outcome, () -> new java.util.EnumMap<>(Operation.Outcome.class), Collectors.counting()));
      return new RunReport(
          plan, null, rateBeforeFault, injected, injectedNanos, healedNanos, readyNanos, restarted,
          longestWriteGap(), convergedMillis, outcomes, linearizability, lostWrites, staleReads, unexpected);
    }

    /** The longest stretch after the fault began without any acknowledged write, in millis. */
    private long longestWriteGap() {
      List<Long> times = new ArrayList<>();
      times.add(injectedNanos);
      history.stream()
          .filter(o -> o.acknowledgedWrite() && o.completeNanos() >= injectedNanos)
          .map(Operation::completeNanos)
          .sorted()
          .forEach(times::add);
      long longest = 0;
      for (int i = 1; i < times.size(); i++) {
        longest = Math.max(longest, times.get(i) - times.get(i - 1));
      }
      return longest / 1_000_000;
    }
  }
}
