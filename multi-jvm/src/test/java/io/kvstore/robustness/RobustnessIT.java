package io.kvstore.robustness;

import static org.junit.jupiter.api.Assertions.fail;

import io.kvstore.robustness.RobustnessRun.Plan;
import io.kvstore.robustness.faults.Faults;
import io.kvstore.robustness.report.ResultsTable;
import io.kvstore.robustness.report.RunReport;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seeded fault-injection runs against a real multi-process cluster, each checked for
 * linearizability, lost writes and convergence (see {@link RobustnessRun}).
 *
 * <ul>
 *   <li>By default: the fixed plans below, every fault at least once (what {@code .ci/run} runs).
 *   <li>{@code -Drobustness.seed=S [-Drobustness.faults=a,b]}: replays one run.
 *   <li>{@code -Drobustness.soak=N [-Drobustness.soak-seed=S]}: N runs of one or two random faults.
 * </ul>
 */
class RobustnessIT {
  private static final List<Plan> CI_PLANS =
      List.of(
          new Plan(101, List.of("kill")),
          new Plan(102, List.of("kill-owner")),
          new Plan(103, List.of("kill-minority")),
          new Plan(104, List.of("pause-long")),
          new Plan(105, List.of("pause-short", "delay")),
          new Plan(106, List.of("partition-isolate")),
          new Plan(107, List.of("partition-majority")),
          new Plan(108, List.of("partition-one-way")),
          new Plan(109, List.of("clock-skew", "loss")),
          new Plan(110, List.of("disk-full")),
          new Plan(111, List.of("rolling-restart")),
          new Plan(112, List.of("join-leave")));

  /** Faults that restart or add nodes themselves are not combined with others in a soak. */
  private static final List<String> ALONE = List.of("rolling-restart", "join-leave");

  private static final Path OUTPUT = Path.of(System.getProperty("kvstore.build.dir", "target"), "robustness");

  /** Every run of this invocation, tabulated into target/robustness/results.md after each. */
  private static final List<RunReport> REPORTS = new java.util.concurrent.CopyOnWriteArrayList<>();

  @TempDir Path root;

  @TestFactory
  Stream<DynamicTest> seededRuns() {
    return plans().stream().map(plan -> DynamicTest.dynamicTest(plan.name(), () -> check(plan)));
  }

  private void check(Plan plan) throws Exception {
    RunReport report;
    try {
      report = RobustnessRun.run(plan, root.resolve(plan.name()), OUTPUT);
    } catch (Exception | AssertionError e) {
      throw new AssertionError(plan.name() + " could not complete: " + e + "\nreplay: " + plan.replay(), e);
    }
    System.out.println("robustness " + report.summary());
    REPORTS.add(report);
    ResultsTable.write(REPORTS, OUTPUT.resolve("results.md"));
    List<String> problems = report.problems();
    if (!problems.isEmpty()) {
      fail(
          plan.name() + " found " + problems.size() + " problems:\n  " + String.join("\n  ", problems)
              + "\nhistory: " + OUTPUT.resolve(plan.name() + ".history") + "\nreplay: " + plan.replay());
    }
  }

  private static List<Plan> plans() {
    String seed = System.getProperty("robustness.seed");
    if (seed != null && !seed.isBlank()) {
      String faults = System.getProperty("robustness.faults", "");
      long s = Long.parseLong(seed);
      return List.of(new Plan(s, faults.isBlank() ? randomFaults(new Random(s)) : Arrays.asList(faults.split(","))));
    }
    int soak = Integer.getInteger("robustness.soak", 0);
    if (soak > 0) {
      long first = Long.getLong("robustness.soak-seed", System.currentTimeMillis() % 1_000_000);
      return LongStream.range(first, first + soak).mapToObj(s -> new Plan(s, randomFaults(new Random(s)))).toList();
    }
    return CI_PLANS;
  }

  private static List<String> randomFaults(Random random) {
    List<String> names = Faults.names();
    String first = names.get(random.nextInt(names.size()));
    List<String> faults = new ArrayList<>(List.of(first));
    if (!ALONE.contains(first) && random.nextBoolean()) {
      List<String> others = names.stream().filter(n -> !ALONE.contains(n) && !n.equals(first)).toList();
      faults.add(others.get(random.nextInt(others.size())));
    }
    return faults;
  }
}
