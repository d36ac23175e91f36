package io.kvstore.multijvm;

import io.kvstore.testing.Eventually;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

/**
 * Writers that each own a set of keys and overwrite them with increasing sequence numbers at a
 * given consistency level, one request in flight each, recording every acknowledgement; the
 * history says which value (or a later one) every key must show afterwards.
 */
final class WriteLoad implements AutoCloseable {
  /** One attempt: when it completed and whether it was acknowledged. */
  record Attempt(long completedNanos, boolean acknowledged) {}

  private final KvHttp http = new KvHttp();
  private final Map<String, Long> acknowledged = new ConcurrentHashMap<>();
  private final ConcurrentLinkedQueue<Attempt> attempts = new ConcurrentLinkedQueue<>();
  private final ExecutorService writers;
  private volatile boolean running = true;

  /** @param target picks the node port for each request (skipping nodes known to be down) */
  WriteLoad(int writerCount, int keysPerWriter, String consistency, IntSupplier target) {
    writers = Executors.newFixedThreadPool(writerCount);
    for (int w = 0; w < writerCount; w++) {
      int writer = w;
      writers.submit(
          () -> {
            long sequence = 0;
            while (running) {
              sequence++;
              String key = "w" + writer + "-k" + (sequence % keysPerWriter);
              KvHttp.Answer answer = http.put(target.getAsInt(), key, Long.toString(sequence), consistency);
              boolean ok = answer.status() == 200;
              attempts.add(new Attempt(System.nanoTime(), ok));
              if (ok) {
                acknowledged.merge(key, sequence, Math::max);
              }
            }
          });
    }
  }

  /** Highest acknowledged sequence number per key. */
  Map<String, Long> acknowledged() {
    return acknowledged;
  }

  long acknowledgedCount() {
    return attempts.stream().filter(Attempt::acknowledged).count();
  }

  /** Waits (bounded) until {@code count} writes have been acknowledged: traffic is flowing. */
  void awaitAcknowledged(long count, java.time.Duration timeout) {
    Eventually.within(
        timeout,
        () -> {
          if (acknowledgedCount() < count) {
            throw new AssertionError(
                acknowledgedCount() + " of " + count + " writes acknowledged (" + failedCount() + " failed)");
          }
        });
  }

  long failedCount() {
    return attempts.stream().filter(a -> !a.acknowledged()).count();
  }

  /** The longest time after {@code fromNanos} without any acknowledged write, in millis. */
  long longestGapMillisAfter(long fromNanos) {
    List<Long> times = new ArrayList<>();
    times.add(fromNanos);
    attempts.stream().filter(a -> a.acknowledged() && a.completedNanos() >= fromNanos).map(Attempt::completedNanos).sorted().forEach(times::add);
    long longest = 0;
    for (int i = 1; i < times.size(); i++) {
      longest = Math.max(longest, times.get(i) - times.get(i - 1));
    }
    return TimeUnit.NANOSECONDS.toMillis(longest);
  }

  @Override
  public void close() throws InterruptedException {
    running = false;
    writers.shutdown();
    if (!writers.awaitTermination(60, TimeUnit.SECONDS)) {
      throw new IllegalStateException("writers did not stop");
    }
  }
}
