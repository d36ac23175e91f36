package io.kvstore.bench;

import akka.actor.AbstractActor;
import akka.actor.ActorRef;
import akka.actor.ActorSystem;
import akka.actor.Props;
import akka.persistence.AtomicWrite;
import akka.persistence.JournalProtocol;
import akka.persistence.Persistence;
import akka.persistence.PersistentRepr$;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.kvstore.storage.RocksDbStorage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.HdrHistogram.Recorder;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Synced events per second through the RocksDB journal plugin, with W concurrent writers each
 * writing one event at a time (the way an entity does): the group-commit benchmark.
 */
@Command(name = "journal-benchmark", mixinStandardHelpOptions = true)
public final class JournalBenchmark implements Runnable {
  @Option(names = "--writers", split = ",", defaultValue = "1,16,64")
  private List<Integer> writerCounts;

  @Option(names = "--seconds", defaultValue = "10")
  private int seconds;

  @Option(names = "--warmup-seconds", defaultValue = "3")
  private int warmupSeconds;

  @Option(names = "--event-bytes", defaultValue = "1024")
  private int eventBytes;

  @Option(names = "--dir", description = "data directory (default: a new temp directory)")
  private Path dir;

  public static void main(String[] args) {
    System.exit(new CommandLine(new JournalBenchmark()).execute(args));
  }

  @Override
  public void run() {
    System.out.printf("%-8s %12s %10s %10s %14s%n", "writers", "events/s", "p50 ms", "p99 ms", "events/fsync");
    for (int writers : writerCounts) {
      try {
        runOnce(writers);
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }
  }

  private void runOnce(int writers) throws Exception {
    Path directory = dir != null ? dir.resolve("w" + writers) : Files.createTempDirectory("journal-bench");
    Config config =
        ConfigFactory.parseMap(
                Map.of("kvstore.storage.directory", directory.toString(), "akka.actor.provider", "local", "akka.loglevel", "WARNING"))
            .withFallback(ConfigFactory.load());
    ActorSystem system = ActorSystem.create("journal-bench", config);
    try {
      ActorRef journal = Persistence.get(system).journalFor("kvstore.storage.journal", ConfigFactory.empty());
      RocksDbStorage storage = RocksDbStorage.get(akka.actor.typed.javadsl.Adapter.toTyped(system));
      Recorder latencies = new Recorder(3);
      AtomicBoolean running = new AtomicBoolean(true);
      CountDownLatch stopped = new CountDownLatch(writers);
      byte[] payload = new byte[eventBytes];
      for (int w = 0; w < writers; w++) {
        String persistenceId = "bench-" + w;
        system.actorOf(Props.create(Writer.class, () -> new Writer(journal, persistenceId, payload, latencies, running, stopped)));
      }
      Thread.sleep(Duration.ofSeconds(warmupSeconds).toMillis());
      latencies.reset();
      long batchesBefore = storage.committedBatches();
      long writesBefore = storage.committedWrites();
      long start = System.nanoTime();
      Thread.sleep(Duration.ofSeconds(seconds).toMillis());
      var histogram = latencies.getIntervalHistogram();
      double elapsed = (System.nanoTime() - start) / 1e9;
      long batches = storage.committedBatches() - batchesBefore;
      long groupedWrites = storage.committedWrites() - writesBefore;
      running.set(false);
      stopped.await(30, TimeUnit.SECONDS);
      System.out.printf(
          "%-8d %12.0f %10.3f %10.3f %14.1f%n",
          writers,
          histogram.getTotalCount() / elapsed,
          histogram.getValueAtPercentile(50) / 1e6,
          histogram.getValueAtPercentile(99) / 1e6,
          batches == 0 ? 0.0 : (double) groupedWrites / batches);
    } finally {
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  /** One persistence id writing one event at a time, as fast as the journal acknowledges. */
  static final class Writer extends AbstractActor {
    private final ActorRef journal;
    private final String persistenceId;
    private final byte[] payload;
    private final Recorder latencies;
    private final AtomicBoolean running;
    private final CountDownLatch stopped;
    private long sequenceNr;
    private long sentAt;

    Writer(ActorRef journal, String persistenceId, byte[] payload, Recorder latencies, AtomicBoolean running, CountDownLatch stopped) {
      this.journal = journal;
      this.persistenceId = persistenceId;
      this.payload = payload;
      this.latencies = latencies;
      this.running = running;
      this.stopped = stopped;
    }

    @Override
    public void preStart() {
      writeNext();
    }

    private void writeNext() {
      sequenceNr++;
      sentAt = System.nanoTime();
      AtomicWrite write =
          AtomicWrite.apply(PersistentRepr$.MODULE$.apply(payload, sequenceNr, persistenceId, "", false, ActorRef.noSender(), "bench"));
      journal.tell(
          new JournalProtocol.WriteMessages(CollectionConverters.asScala(List.<akka.persistence.PersistentEnvelope>of(write)).toList(), self(), 1),
          self());
    }

    @Override
    public Receive createReceive() {
      return receiveBuilder()
          .match(JournalProtocol.WriteMessageSuccess.class, ok -> {
            latencies.recordValue(System.nanoTime() - sentAt);
            if (running.get()) {
              writeNext();
            } else {
              stopped.countDown();
            }
          })
          .match(JournalProtocol.WriteMessageFailure.class, failed -> {
            throw new IllegalStateException("write failed", failed.cause());
          })
          .matchAny(other -> {})
          .build();
    }
  }
}
