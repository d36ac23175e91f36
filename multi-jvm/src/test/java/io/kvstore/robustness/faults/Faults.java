package io.kvstore.robustness.faults;

import io.kvstore.ring.Partitioner;
import io.kvstore.ring.Ring;
import io.kvstore.robustness.Cluster;
import io.kvstore.robustness.history.Operation;
import io.kvstore.robustness.traffic.KvClient;
import io.kvstore.robustness.traffic.Traffic;
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
    register("kill", name -> new Kill(name, 1, false));
    register("kill-minority", name -> new Kill(name, 2, false));
    register("kill-owner", name -> new Kill(name, 1, true));
    register("pause-long", name -> new Pause(name, Duration.ofSeconds(15)));
    register("pause-short", name -> new Pause(name, Duration.ofMillis(1500)));
    register("partition-isolate", name -> new Partition(name, Partition.Shape.ISOLATE));
    register("partition-majority", name -> new Partition(name, Partition.Shape.MAJORITY_MINORITY));
    register("partition-one-way", name -> new Partition(name, Partition.Shape.ONE_WAY));
    register("delay", name -> new Impair(name, new LinkProxy.Impairment(50, 50, 0)));
    register("loss", name -> new Impair(name, new LinkProxy.Impairment(0, 5, 0.1)));
    register("clock-skew", ClockSkew::new);
    register("disk-full", DiskFull::new);
    register("rolling-restart", RollingRestart::new);
    register("join-leave", JoinLeave::new);
  }

  private static void register(String name, java.util.function.Function<String, Fault> factory) {
    CATALOGUE.put(name, () -> factory.apply(name));
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

  /** A fault's name and needs, fixed when it is made. */
  private abstract static class Named implements Fault {
    private final String name;
    private final Needs needs;

    Named(String name, Needs needs) {
      this.name = name;
      this.needs = needs;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public Needs needs() {
      return needs;
    }
  }

  /** A fault that does its whole course in {@link #inject} and leaves nothing to heal. */
  private abstract static class OneShot extends Named {
    OneShot(String name, Needs needs) {
      super(name, needs);
    }

    @Override
    public Duration duration(Random random) {
      return Duration.ZERO;
    }

    @Override
    public void heal(Context context) {
      // nothing left broken
    }
  }

  private static List<Integer> shuffledMembers(Fault.Context context) {
    List<Integer> members = new ArrayList<>(context.cluster().members());
    Collections.shuffle(members, context.random());
    return members;
  }

  /** SIGKILL of some nodes, or of the node holding a key's entity just after a write to it was sent. */
  private static final class Kill extends Named {
    private final int count;
    private final boolean owner;
    private Thread ownersWrite;

    Kill(String name, int count, boolean owner) {
      super(name, count == 1 ? Needs.THREE_NODES : new Needs(5, 5, false, false));
      this.count = count;
      this.owner = owner;
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
                context.history().add(
                    Operation.write(-1, key, value, Traffic.writeOutcome(answer, false), invoke, context.history().now()));
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
  private static final class Pause extends Named {
    private final Duration length;
    private int paused = -1;

    Pause(String name, Duration length) {
      super(name, Needs.THREE_NODES);
      this.length = length;
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

  private static final class Partition extends Named {
    enum Shape {
      ISOLATE,
      MAJORITY_MINORITY,
      ONE_WAY
    }

    private final Shape shape;

    Partition(String name, Shape shape) {
      super(name, shape == Shape.MAJORITY_MINORITY ? new Needs(5, 5, false, false) : Needs.THREE_NODES);
      this.shape = shape;
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
  private static final class Impair extends Named {
    private final LinkProxy.Impairment impairment;

    Impair(String name, LinkProxy.Impairment impairment) {
      super(name, Needs.THREE_NODES);
      this.impairment = impairment;
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
  private static final class ClockSkew extends Named {
    private int skewed = -1;

    ClockSkew(String name) {
      super(name, new Needs(3, 3, true, false));
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
  private static final class DiskFull extends Named {
    private Path filler;

    DiskFull(String name) {
      super(name, new Needs(3, 3, false, true));
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
  private static final class RollingRestart extends OneShot {
    RollingRestart(String name) {
      super(name, Needs.THREE_NODES);
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
  }

  /** A fourth node joins under traffic, becomes ready, and leaves gracefully again. */
  private static final class JoinLeave extends OneShot {
    private static final int JOINER = 3;

    JoinLeave(String name) {
      super(name, new Needs(3, 4, false, false));
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
  }
}
