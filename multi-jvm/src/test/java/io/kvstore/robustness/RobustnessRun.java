package io.kvstore.robustness;

import com.fasterxml.jackson.databind.JsonNode;
import io.kvstore.robustness.checker.Convergence;
import io.kvstore.robustness.checker.Linearizability;
import io.kvstore.robustness.checker.LostWrites;
import io.kvstore.robustness.checker.StaleReads;
import io.kvstore.robustness.faults.Fault;
import io.kvstore.robustness.faults.Faults;
import io.kvstore.robustness.history.History;
import io.kvstore.robustness.history.Operation;
import io.kvstore.robustness.report.RunReport;
import io.kvstore.robustness.traffic.KvClient;
import io.kvstore.robustness.traffic.Traffic;
import io.kvstore.testing.Eventually;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * One seeded run: a fresh cluster, traffic, the faults injected at a seeded time and healed after
 * a seeded duration, more traffic while the cluster recovers, then the checks. The seed fixes
 * every choice the harness makes (fault times, victims, operations); thread timing stays free.
 */
public final class RobustnessRun {
  /** Before the first fault, traffic must reach this rate, or the fault proves nothing. */
  static final double MIN_OPS_PER_SECOND = 15;
  /** Traffic runs this long before a fault; the minimum rate holds over its last 4 seconds (the JITs warm up first). */
  static final Duration WARM_UP = Duration.ofSeconds(8);
  static final Duration AFTER_RECOVERY = Duration.ofSeconds(5);
  static final Duration READY_TIMEOUT = Duration.ofSeconds(180);
  /** Replicas must converge within this time after traffic stops. */
  static final Duration CONVERGENCE_TIMEOUT = Duration.ofSeconds(60);

  public record Plan(long seed, List<String> faults) {
    public String replay() {
      return "mvn verify -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false -Dit.test=RobustnessIT"
          + " -Drobustness.seed=" + seed + " -Drobustness.faults=" + String.join(",", faults);
    }

    public String name() {
      return String.join("+", faults) + "-" + seed;
    }
  }

  private RobustnessRun() {}

  public static RunReport run(Plan plan, Path root, Path output) throws Exception {
    Random random = new Random(plan.seed());
    List<Fault> faults = plan.faults().stream().map(Faults::named).toList();
    Fault.Needs needs = faults.stream().map(Fault::needs).reduce(Fault.Needs.THREE_NODES, Fault.Needs::and);
    Traffic.Settings settings = Traffic.Settings.standard();
    try (Cluster cluster =
        Cluster.start(
            root,
            new Cluster.Options(needs.nodes(), needs.capacity(), needs.fakeClocks(), needs.smallDisks(), nodeOptions()),
            plan.seed())) {
      cluster.awaitReady(READY_TIMEOUT);
      History history = new History(System.nanoTime());
      Fault.Context context = new Fault.Context(cluster, random, history, settings.keys());
      prime(cluster, history, settings.keys());
      RunReport.Builder report = new RunReport.Builder(plan);
      try {
        return runTraffic(plan, context, faults, settings, report);
      } finally {
        history.write(output.resolve(plan.name() + ".history"));
      }
    }
  }

  private static RunReport runTraffic(
      Plan plan, Fault.Context context, List<Fault> faults, Traffic.Settings settings, RunReport.Builder report)
      throws Exception {
    Cluster cluster = context.cluster();
    History history = context.history();
    Random random = context.random();
    try (Traffic traffic = new Traffic(settings, history, cluster::memberBases, plan.seed())) {
      traffic.start();
      waitUntil(history, WARM_UP);
      double rate = history.okRate(WARM_UP.minusSeconds(4).toNanos(), history.now());
      report.rateBeforeFault(rate);
      if (rate < MIN_OPS_PER_SECOND) {
        return report.failed("traffic before the fault was " + Math.round(rate) + " ops/s, below " + MIN_OPS_PER_SECOND);
      }
      waitUntil(history, WARM_UP.plusMillis(random.nextInt(5000)));
      Duration duration = faults.stream().map(f -> f.duration(random)).max(Duration::compareTo).orElseThrow();
      long injectedAt = history.now();
      List<String> injected = new ArrayList<>();
      for (Fault fault : faults) {
        injected.add(fault.name() + ": " + fault.inject(context));
      }
      report.injected(String.join("; ", injected), injectedAt);
      waitUntil(history, Duration.ofNanos(history.now()).plus(duration));
      for (Fault fault : faults) {
        fault.heal(context);
      }
      long healedAt = history.now();
      List<String> restarted = cluster.recover(READY_TIMEOUT);
      report.recovered(healedAt, history.now(), restarted);
      waitUntil(history, Duration.ofNanos(history.now()).plus(AFTER_RECOVERY));
      traffic.close();
      report.unexpected(traffic.unexpected());
    }
    report.convergedMillis(awaitConvergence(cluster));
    Map<String, String> finalValues = finalValues(cluster, settings.keys());
    Map<String, List<Operation>> byKey = history.byKey();
    return report
        .history(history.operations())
        .linearizability(Linearizability.check(byKey))
        .lostWrites(LostWrites.check(byKey, finalValues))
        .staleReads(StaleReads.rates(byKey))
        .build();
  }

  /** {@code -Drobustness.node-options="-Dx=y ..."}: settings for every node, to debug a replay. */
  private static List<String> nodeOptions() {
    String options = System.getProperty("robustness.node-options", "").trim();
    return options.isEmpty() ? List.of() : List.of(options.split("\\s+"));
  }

  /** The run follows a seeded schedule: waiting for the next point of it is the point. */
  private static void waitUntil(History history, Duration sinceStart) throws InterruptedException {
    long remaining = sinceStart.toNanos() - history.now();
    if (remaining > 0) {
      Thread.sleep(Duration.ofNanos(remaining).toMillis());
    }
  }

  private static long awaitConvergence(Cluster cluster) {
    KvClient http = new KvClient(Duration.ofSeconds(10));
    long start = System.nanoTime();
    Eventually.within(
        CONVERGENCE_TIMEOUT,
        () -> {
          List<JsonNode> views = new ArrayList<>();
          for (int node : cluster.members()) {
            KvClient.Answer answer = http.get(cluster.base(node), "/api/v1/cluster/merkle");
            if (answer.status() != 200) {
              throw new AssertionError(Cluster.nodeId(node) + " merkle: " + answer.status());
            }
            views.add(answer.json());
          }
          String disagreement = Convergence.disagreement(views);
          if (!disagreement.isEmpty()) {
            throw new AssertionError(disagreement);
          }
        });
    return Duration.ofNanos(System.nanoTime() - start).toMillis();
  }

  /**
   * Reads every key through every node once, so that shards are allocated and entities started
   * before traffic is measured; the reads are part of the history.
   */
  private static void prime(Cluster cluster, History history, List<String> keys) {
    KvClient http = new KvClient(Duration.ofSeconds(10));
    for (int node : cluster.members()) {
      for (String key : keys) {
        Eventually.within(
            READY_TIMEOUT,
            () -> {
              long invoke = history.now();
              KvClient.Answer answer = http.get(cluster.base(node), key, "LINEARIZABLE");
              if (answer.status() != 404) {
                throw new AssertionError("priming read of " + key + ": " + answer.status() + " " + answer.body());
              }
              history.add(Operation.read(-2, key, "LINEARIZABLE", null, Operation.Outcome.OK, invoke, history.now()));
            });
      }
    }
  }

  /** Each key read at LINEARIZABLE once the cluster has healed (null for an absent key). */
  private static Map<String, String> finalValues(Cluster cluster, List<String> keys) {
    KvClient http = new KvClient(Duration.ofSeconds(10));
    Map<String, String> values = new HashMap<>();
    for (String key : keys) {
      Eventually.within(
          Duration.ofSeconds(30),
          () -> {
            KvClient.Answer answer = http.get(cluster.base(cluster.members().get(0)), key, "LINEARIZABLE");
            if (answer.status() != 200 && answer.status() != 404) {
              throw new AssertionError("final read of " + key + ": " + answer.status() + " " + answer.body());
            }
            values.put(key, answer.status() == 200 ? answer.body() : null);
          });
    }
    return values;
  }
}
