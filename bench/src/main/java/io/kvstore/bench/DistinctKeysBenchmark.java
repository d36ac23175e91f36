package io.kvstore.bench;

import akka.actor.typed.javadsl.AskPattern;
import akka.cluster.sharding.ShardRegion;
import akka.cluster.sharding.typed.GetShardRegionState;
import akka.cluster.sharding.typed.javadsl.ClusterSharding;
import com.typesafe.config.ConfigFactory;
import io.kvstore.entity.KeyEntity;
import io.kvstore.node.KvNode;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Writes N distinct keys through an embedded node and samples heap, RSS and live entities as it
 * goes: memory must stay flat (entities passivate at active-entity-limit, data is on disk), and
 * cold keys must read back.
 */
@Command(name = "distinct-keys-benchmark", mixinStandardHelpOptions = true)
public final class DistinctKeysBenchmark implements Runnable {
  @Option(names = "--keys", defaultValue = "1000000")
  private int keys;

  @Option(names = "--value-bytes", defaultValue = "100")
  private int valueBytes;

  @Option(names = "--in-flight", defaultValue = "50")
  private int inFlight;

  @Option(names = "--report-every", defaultValue = "100000")
  private int reportEvery;

  public static void main(String[] args) {
    System.exit(new CommandLine(new DistinctKeysBenchmark()).execute(args));
  }

  @Override
  public void run() {
    try {
      Path dir = Files.createTempDirectory("distinct-keys");
      try (KvNode node =
          KvNode.start(
              ConfigFactory.parseMap(
                  Map.of(
                      "kvstore.storage.directory", dir.toString(),
                      "kvstore.http.enabled", false,
                      "akka.remote.artery.canonical.port", 0,
                      "akka.loglevel", "WARNING")))) {
        byte[] value = new byte[valueBytes];
        Semaphore permits = new Semaphore(inFlight);
        AtomicLong failures = new AtomicLong();
        System.out.printf("%10s %10s %12s %10s %14s%n", "keys", "writes/s", "heap MiB", "RSS MiB", "live entities");
        long windowStart = System.nanoTime();
        for (int i = 1; i <= keys; i++) {
          permits.acquire();
          node.store().put("k-" + i, value).whenComplete((ok, failure) -> {
            permits.release();
            if (failure != null) {
              failures.incrementAndGet();
            }
          });
          if (i % reportEvery == 0) {
            permits.acquire(inFlight);
            permits.release(inFlight);
            double rate = reportEvery / ((System.nanoTime() - windowStart) / 1e9);
            System.gc();
            long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() >> 20;
            System.out.printf("%10d %10.0f %12d %10d %14d%n", i, rate, heap, rssMiB(), liveEntities(node));
            windowStart = System.nanoTime();
          }
        }
        Random random = new Random(7);
        int checked = 0;
        for (int i = 0; i < 1000; i++) {
          int key = 1 + random.nextInt(keys);
          if (node.store().get("k-" + key).toCompletableFuture().join().isPresent()) {
            checked++;
          }
        }
        System.out.printf("failed writes: %d; cold reads found %d of 1000 random keys%n", failures.get(), checked);
      }
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static long rssMiB() throws java.io.IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", "")) >> 10;
      }
    }
    return -1;
  }

  private static int liveEntities(KvNode node) {
    ShardRegion.CurrentShardRegionState state =
        AskPattern.<akka.cluster.sharding.typed.ClusterShardingQuery, ShardRegion.CurrentShardRegionState>ask(
                ClusterSharding.get(node.system()).shardState(),
                replyTo -> new GetShardRegionState(KeyEntity.TYPE_KEY, replyTo),
                Duration.ofSeconds(10),
                node.system().scheduler())
            .toCompletableFuture()
            .join();
    return state.getShards().stream().mapToInt(s -> s.getEntityIds().size()).sum();
  }
}
