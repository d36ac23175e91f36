package io.kvstore.robustness.faults;

import io.kvstore.replication.Partitioner;
import io.kvstore.replication.Ring;
import io.kvstore.robustness.Cluster;
import io.kvstore.robustness.history.Operation;
import io.kvstore.robustness.history.Operation.Outcome;
import io.kvstore.robustness.traffic.KvClient;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.Supplier;

/** The catalogue of faults, by name. */
public final class Faults {
  private static final Map<String, Supplier<Fault>> CATALOGUE = new TreeMap<>();

  static {
    CATALOGUE.put("kill", () -> new Kill(1, false));
    CATALOGUE.put("kill-minority", () -> new Kill(2, false));
    CATALOGUE.put("kill-owner", () -> new Kill(1, true));
    CATALOGUE.put("pause-long", () -> new Pause(Duration.ofSeconds(15)));
    CATALOGUE.put("pause-short", () -> new Pause(Duration.ofMillis(1500)));
    CATALOGUE.put("partition-isolate", () -> new Partition(Partition.Shape.ISOLATE));
    CATALOGUE.put("partition-majority", () -> new Partition(Partition.Shape.MAJORITY_MINORITY));
    CATALOGUE.put("partition-one-way", () -> new Partition(Partition.Shape.ONE_WAY));
    CATALOGUE.put("delay", () -> new Impair(new LinkProxy.Impairment(50, 50, 0)));
    CATALOGUE.put("loss", () -> new Impair(new LinkProxy.Impairment(0, 5, 0.1)));
    CATALOGUE.put("clock-skew", ClockSkew::new);
    CATALOGUE.put("disk-full", DiskFull::new);
    CATALOGUE.put("rolling-restart", RollingRestart::new);
    CATALOGUE.put("join-leave", JoinLeave::new);
  }

  private Faults() {}

  public static List<String> names() {
    return List.copyOf(CATALOGUE.keySet());
  }

  public static Fault named(String name) {
    Supplier<Fault> fault = CATALOGUE.get(name);
    if (fault == null) {
      throw new IllegalArgumentException("no fault named " + name + "; known: " + names());
    }
    return fault.get();
  }

  private static List<Integer> shuffledMembers(Fault.Context context) {
    List<Integer> members = new ArrayList<>(context.cluster().members());
    Collections.shuffle(members, context.random());
    return members;
  }

  /** SIGKILL of some nodes, or of the node holding a key's entity just after a write to it was sent. */
  private static final class Kill implements Fault {
    private final int count;
    private final boolean owner;
    private Thread ownersWrite;

    Kill(int count, boolean owner) {
      this.count = count;
      this.owner = owner;
    }

    @Override
    public String name() {
      return owner ? "kill-owner" : count == 1 ? "kill" : "kill-minority";
    }

    @Override
    public Needs needs() {
      return count == 1 ? Needs.THREE_NODES : new Needs(5, 5, false, false);
    }

    @Override
    public String inject(Context context) throws Exception {
      List<Integer> victims = owner ? List.of(writeAndPickOwner(context)) : shuffledMembers(context).subList(0, count);
      for (int victim : victims) {
        context.cluster().node(victim).kill();
      }
      return "SIGKILL " + victims.stream().map(Cluster::nodeId).toList();
    }

    /**
     * Sends a write to a key from another node and returns the key's primary replica (where its
     * entity runs while every node is up), to be killed while the write is in flight.
     */
    private int writeAndPickOwner(Context context) throws InterruptedException {
      Cluster cluster = context.cluster();
      String key = context.keys().get(context.random().nextInt(context.keys().size()));
      List<Integer> members = cluster.members();
      List<String> ids = members.stream().map(Cluster::nodeId).toList();
      String primary = new Ring(0, ids, 1024, 3).placement().primary(new Partitioner(1024).partitionOf(key));
      int owner = members.get(ids.indexOf(primary));
      int via = members.get((ids.indexOf(primary) + 1) % members.size());
      String value = "owner-kill-" + context.random().nextInt(1_000_000);
      ownersWrite =
          new Thread(
              () -> {
                long invoke = context.history().now();
                KvClient.Answer answer = new KvClient(Duration.ofSeconds(8)).put(cluster.base(via), key, value, null);
                Outcome outcome =
                    answer.status() == 200
                        ? Outcome.OK
                        : answer.status() == 503 && !answer.mayHaveBeenApplied() ? Outcome.FAILED : Outcome.UNKNOWN;
                context.history().add(Operation.write(-1, key, value, outcome, invoke, context.history().now()));
              });
      ownersWrite.start();
      // Kill within the write's round trip: a few milliseconds after it was sent.
      Thread.sleep(2 + context.random().nextInt(8));
      return owner;
    }

    @Override
    public void heal(Context context) throws InterruptedException {
      // The run restarts every stopped node; the write to the killed owner must be in the history.
      if (ownersWrite != null) {
        ownersWrite.join(Duration.ofSeconds(30).toMillis());
      }
    }
  }

  /** SIGSTOP, then SIGCONT: longer than the failure detector tolerates (the node is downed), or short. */
  private static final class Pause implements Fault {
    private final Duration length;
    private int paused = -1;

    Pause(Duration length) {
      this.length = length;
    }

    @Override
    public String name() {
      return length.toSeconds() >= 10 ? "pause-long" : "pause-short";
    }

    @Override
    public Duration duration(Random random) {
      return length.plusMillis(random.nextInt(1000));
    }

    @Override
    public String inject(Context context) throws Exception {
      int victim = shuffledMembers(context).get(0);
      context.cluster().node(victim).pause();
      paused = victim;
      return "SIGSTOP " + Cluster.nodeId(victim);
    }

    @Override
    public void heal(Context context) throws Exception {
      if (context.cluster().isRunning(paused)) {
        context.cluster().node(paused).resume();
      }
    }
  }

  private static final class Partition implements Fault {
    enum Shape {
      ISOLATE,
      MAJORITY_MINORITY,
      ONE_WAY
    }

    private final Shape shape;

    Partition(Shape shape) {
      this.shape = shape;
    }

    @Override
    public String name() {
      return switch (shape) {
        case ISOLATE -> "partition-isolate";
        case MAJORITY_MINORITY -> "partition-majority";
        case ONE_WAY -> "partition-one-way";
      };
    }

    @Override
    public Needs needs() {
      return shape == Shape.MAJORITY_MINORITY ? new Needs(5, 5, false, false) : Needs.THREE_NODES;
    }

    @Override
    public String inject(Context context) {
      List<Integer> members = shuffledMembers(context);
      Network network = context.cluster().network();
      switch (shape) {
        case ISOLATE -> {
          network.partition(members.subList(0, 1), members.subList(1, members.size()));
          return "isolated " + Cluster.nodeId(members.get(0));
        }
        case MAJORITY_MINORITY -> {
          int minority = (members.size() - 1) / 2;
          network.partition(members.subList(0, minority), members.subList(minority, members.size()));
          return "partitioned " + ids(members.subList(0, minority)) + " | " + ids(members.subList(minority, members.size()));
        }
        default -> {
          network.cut(members.get(0), members.get(1));
          return Cluster.nodeId(members.get(0)) + " cannot reach " + Cluster.nodeId(members.get(1)) + " (the other way works)";
        }
      }
    }

    private static List<String> ids(List<Integer> nodes) {
      return nodes.stream().map(Cluster::nodeId).toList();
    }

    @Override
    public void heal(Context context) {
      context.cluster().network().heal();
    }
  }

  /** Delay and loss on every link between nodes, through the proxy. */
  private record Impair(LinkProxy.Impairment impairment) implements Fault {
    @Override
    public String name() {
      return impairment.loss() > 0 ? "loss" : "delay";
    }

    @Override
    public String inject(Context context) {
      for (int from : context.cluster().members()) {
        for (int to : context.cluster().members()) {
          if (from != to) {
            context.cluster().proxy().impair(from, to, impairment);
          }
        }
      }
      return impairment.toString();
    }

    @Override
    public void heal(Context context) {
      context.cluster().proxy().heal();
    }
  }

  /** One node's wall clock moves by seconds to minutes, ahead or behind; healing moves it back. */
  private static final class ClockSkew implements Fault {
    private int skewed = -1;

    @Override
    public String name() {
      return "clock-skew";
    }

    @Override
    public Needs needs() {
      return new Needs(3, 3, true, false);
    }

    @Override
    public String inject(Context context) throws IOException {
      skewed = shuffledMembers(context).get(0);
      int seconds = (10 + context.random().nextInt(110)) * (context.random().nextBoolean() ? 1 : -1);
      String offset = (seconds > 0 ? "+" : "") + seconds + "s";
      context.cluster().setClockOffset(skewed, offset);
      return Cluster.nodeId(skewed) + " clock " + offset;
    }

    @Override
    public void heal(Context context) throws IOException {
      context.cluster().setClockOffset(skewed, "+0");
    }
  }

  /** One node's data directory (a small tmpfs) fills up to its last MiB; healing frees it. */
  private static final class DiskFull implements Fault {
    private Path filler;

    @Override
    public String name() {
      return "disk-full";
    }

    @Override
    public Needs needs() {
      return new Needs(3, 3, false, true);
    }

    @Override
    public String inject(Context context) throws IOException {
      int victim = shuffledMembers(context).get(0);
      Path directory = context.cluster().dataDirectory(victim);
      filler = directory.resolve("filler");
      long free = Files.getFileStore(directory).getUsableSpace();
      long size = Math.max(0, free - (1 << 20));
      try (RandomAccessFile file = new RandomAccessFile(filler.toFile(), "rw")) {
        byte[] block = new byte[1 << 20];
        for (long written = 0; written < size; written += block.length) {
          file.write(block, 0, (int) Math.min(block.length, size - written));
        }
      } catch (IOException full) {
        // the node's own writes used the space first: full is what we wanted
      }
      return Cluster.nodeId(victim) + " data directory filled (" + (size >> 20) + " MiB)";
    }

    @Override
    public void heal(Context context) throws IOException {
      Files.deleteIfExists(filler);
    }
  }

  /** Every node in turn leaves gracefully (SIGTERM) and restarts; the next waits for it to be ready. */
  private static final class RollingRestart implements Fault {
    @Override
    public String name() {
      return "rolling-restart";
    }

    @Override
    public Duration duration(Random random) {
      return Duration.ZERO;
    }

    @Override
    public String inject(Context context) throws Exception {
      Cluster cluster = context.cluster();
      for (int node : cluster.members()) {
        cluster.node(node).terminate(Duration.ofSeconds(60));
        cluster.startNode(node);
        cluster.awaitReady(Duration.ofSeconds(90));
      }
      return "restarted " + cluster.members().stream().map(Cluster::nodeId).toList() + " one by one";
    }

    @Override
    public void heal(Context context) {
      // nothing left broken
    }
  }

  /** A fourth node joins under traffic, becomes ready, and leaves gracefully again. */
  private static final class JoinLeave implements Fault {
    private static final int JOINER = 3;

    @Override
    public String name() {
      return "join-leave";
    }

    @Override
    public Needs needs() {
      return new Needs(3, 4, false, false);
    }

    @Override
    public Duration duration(Random random) {
      return Duration.ZERO;
    }

    @Override
    public String inject(Context context) throws Exception {
      Cluster cluster = context.cluster();
      cluster.startNode(JOINER);
      cluster.awaitReady(Duration.ofSeconds(90));
      KvClient.Answer leave =
          new KvClient(Duration.ofSeconds(10)).delete(cluster.base(0), "/api/v1/cluster/nodes/" + Cluster.nodeId(JOINER));
      if (leave.status() != 202) {
        throw new IllegalStateException("leave refused: " + leave.status() + " " + leave.body());
      }
      cluster.removeMember(JOINER);
      cluster.node(JOINER).awaitExit(Duration.ofSeconds(60));
      return Cluster.nodeId(JOINER) + " joined, became ready and left";
    }

    @Override
    public void heal(Context context) {
      // nothing left broken
    }
  }
}
