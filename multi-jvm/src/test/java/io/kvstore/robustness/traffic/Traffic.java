package io.kvstore.robustness.traffic;

import io.kvstore.robustness.history.History;
import io.kvstore.robustness.history.Operation;
import io.kvstore.robustness.history.Operation.Outcome;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Clients doing reads, writes and compare-and-sets on a small set of keys over the HTTP API, one
 * request in flight each, recording every operation with its invoke and complete times. Writes
 * are QUORUM; reads are LINEARIZABLE, QUORUM or ONE in the configured shares. Every written value
 * is unique, so a read names the write it saw. A CAS replaces the value the client last saw,
 * by its version ({@code If-Match}).
 */
public final class Traffic implements AutoCloseable {
  public record Settings(int clients, List<String> keys, double readShare, double casShare, double linearizableReadShare, double oneReadShare) {
    public static Settings standard() {
      return new Settings(6, List.of("k0", "k1", "k2", "k3", "k4", "k5"), 0.5, 0.2, 0.7, 0.15);
    }
  }

  private record Seen(String value, String version) {}

  private final Settings settings;
  private final History history;
  private final Supplier<List<String>> targets;
  private final List<Thread> threads = new ArrayList<>();
  private final ConcurrentLinkedQueue<String> unexpected = new ConcurrentLinkedQueue<>();
  private volatile boolean running = true;

  /** @param targets the base URLs of the nodes to send to, asked before every request */
  public Traffic(Settings settings, History history, Supplier<List<String>> targets, long seed) {
    this.settings = settings;
    this.history = history;
    this.targets = targets;
    for (int c = 0; c < settings.clients(); c++) {
      int client = c;
      Random random = new Random(seed * 31 + client);
      Thread thread = new Thread(() -> runClient(client, random), "traffic-" + client);
      thread.setDaemon(true);
      threads.add(thread);
    }
  }

  public void start() {
    threads.forEach(Thread::start);
  }

  /** Answers that no fault explains: 500s and 4xx to well-formed requests. */
  public List<String> unexpected() {
    return List.copyOf(unexpected);
  }

  private void runClient(int client, Random random) {
    KvClient http = new KvClient(Duration.ofSeconds(8));
    Map<String, Seen> seen = new HashMap<>();
    long sequence = 0;
    while (running) {
      List<String> nodes = targets.get();
      String base = nodes.get(random.nextInt(nodes.size()));
      String key = settings.keys().get(random.nextInt(settings.keys().size()));
      double dice = random.nextDouble();
      if (dice < settings.readShare()) {
        double level = random.nextDouble();
        read(http, client, base, key, level < settings.linearizableReadShare() ? "LINEARIZABLE" : level < settings.linearizableReadShare() + settings.oneReadShare() ? "ONE" : "QUORUM", seen);
      } else {
        String value = "c" + client + "-" + ++sequence;
        Seen last = seen.get(key);
        boolean cas = dice < settings.readShare() + settings.casShare() && last != null;
        write(http, client, base, key, value, cas ? last : null, seen);
      }
    }
  }

  private void read(KvClient http, int client, String base, String key, String level, Map<String, Seen> seen) {
    long invoke = history.now();
    KvClient.Answer answer = http.get(base, key, level);
    long complete = history.now();
    Outcome outcome = answer.status() == 200 || answer.status() == 404 ? Outcome.OK : Outcome.FAILED;
    String value = answer.status() == 200 ? answer.body() : null;
    history.add(Operation.read(client, key, level, value, outcome, invoke, complete).withDetail(detail(answer)));
    if (outcome == Outcome.OK && "LINEARIZABLE".equals(level)) {
      seen.put(key, new Seen(value, answer.etag().orElse(null)));
    }
    expectOnly(answer, 200, 404, 503);
  }

  /** @param expected for a CAS, the value and version it replaces (an absent value: create only) */
  private void write(KvClient http, int client, String base, String key, String value, Seen expected, Map<String, Seen> seen) {
    String ifMatch = expected == null ? null : expected.value() == null ? "" : expected.version();
    long invoke = history.now();
    KvClient.Answer answer = http.put(base, key, value, ifMatch);
    long complete = history.now();
    Outcome outcome = writeOutcome(answer, expected != null);
    if (outcome == Outcome.OK) {
      seen.put(key, new Seen(value, answer.json().path("version").asText()));
    } else if (outcome != Outcome.FAILED) {
      seen.remove(key);
    }
    Operation operation =
        expected == null
            ? Operation.write(client, key, value, outcome, invoke, complete)
            : Operation.cas(client, key, expected.value(), value, outcome, invoke, complete);
    history.add(operation.withDetail(detail(answer)));
    expectOnly(answer, 200, expected == null ? 200 : 409, 503);
  }

  /** What a write's answer says about its effect. */
  public static Outcome writeOutcome(KvClient.Answer answer, boolean conditional) {
    if (answer.status() == 200) {
      return Outcome.OK;
    }
    if (answer.status() == 409 && conditional) {
      return Outcome.REJECTED;
    }
    if (!answer.sent() || (answer.status() == 503 && !answer.mayHaveBeenApplied())) {
      return Outcome.FAILED;
    }
    return Outcome.UNKNOWN;
  }

  private void expectOnly(KvClient.Answer answer, int... statuses) {
    if (!answer.answered()) {
      return;
    }
    for (int status : statuses) {
      if (answer.status() == status) {
        return;
      }
    }
    unexpected.add(answer.status() + " " + answer.body());
  }

  private static String detail(KvClient.Answer answer) {
    if (!answer.answered()) {
      return answer.failure();
    }
    if (answer.status() >= 300 && answer.status() != 404) {
      return answer.status() + " " + answer.json().path("error").asText();
    }
    return "";
  }

  @Override
  public void close() throws InterruptedException {
    running = false;
    for (Thread thread : threads) {
      thread.join(TimeUnit.SECONDS.toMillis(30));
      if (thread.isAlive()) {
        throw new IllegalStateException(thread.getName() + " did not stop");
      }
    }
  }
}
