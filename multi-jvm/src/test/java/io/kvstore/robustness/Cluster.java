package io.kvstore.robustness;

import io.kvstore.multijvm.NodeProcess;
import io.kvstore.robustness.faults.LinkProxy;
import io.kvstore.robustness.faults.Network;
import io.kvstore.robustness.traffic.KvClient;
import io.kvstore.testing.Eventually;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * The nodes of one robustness run, each a JVM in its own network namespace (see {@link Network}),
 * talking to each other through the {@link LinkProxy}. Every node can have its wall clock moved
 * (libfaketime, reading its offset from a file) and its data directory on a small tmpfs.
 */
public final class Cluster implements AutoCloseable {
  static final int REMOTE_PORT = 2552;
  static final int HTTP_PORT = 8080;
  private static final Path FAKETIME = Path.of("/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1");

  public record Options(int size, int capacity, boolean fakeClocks, boolean smallDisks, List<String> settings) {}

  private final Path root;
  private final Options options;
  private final Network network;
  private final LinkProxy proxy;
  private final NodeProcess[] nodes;
  /** Nodes the traffic sends to: started at least once and not removed from the cluster. */
  private final List<Integer> members = new CopyOnWriteArrayList<>();
  private final Path logs = Path.of(System.getProperty("kvstore.build.dir", "target"), "robustness-logs");

  private Cluster(Path root, Options options, Network network, LinkProxy proxy) {
    this.root = root;
    this.options = options;
    this.network = network;
    this.proxy = proxy;
    this.nodes = new NodeProcess[options.capacity()];
  }

  public static Cluster start(Path root, Options options, long seed) throws Exception {
    Network network = Network.create(options.capacity());
    Cluster cluster;
    try {
      cluster = new Cluster(root, options, network, new LinkProxy(network, REMOTE_PORT, seed));
    } catch (IOException | RuntimeException e) {
      network.close();
      throw e;
    }
    try {
      for (int i = 0; i < options.capacity(); i++) {
        Path data = root.resolve(nodeId(i));
        Files.createDirectories(data);
        if (options.smallDisks()) {
          Network.run("mount", "-t", "tmpfs", "-o", "size=192m", "tmpfs", data.toString());
        }
        Files.writeString(cluster.clockFile(i), "+0\n");
      }
      cluster.startAll(IntStream.range(0, options.size()).boxed().toList());
    } catch (RuntimeException e) {
      cluster.close();
      throw e;
    }
    return cluster;
  }

  public static String nodeId(int index) {
    return "node" + (index + 1);
  }

  public int capacity() {
    return options.capacity();
  }

  public Network network() {
    return network;
  }

  public LinkProxy proxy() {
    return proxy;
  }

  public Path dataDirectory(int index) {
    return root.resolve(nodeId(index));
  }

  public String base(int index) {
    return "http://" + network.address(index) + ":" + HTTP_PORT;
  }

  public List<Integer> members() {
    return List.copyOf(members);
  }

  public List<String> memberBases() {
    return members.stream().map(this::base).toList();
  }

  public void removeMember(int index) {
    members.remove(Integer.valueOf(index));
  }

  public NodeProcess node(int index) {
    return nodes[index];
  }

  public boolean isRunning(int index) {
    return nodes[index] != null && nodes[index].isAlive();
  }

  /** Starts (or restarts, on the same data directory and addresses) node {@code index}. */
  public void startNode(int index) {
    String seeds =
        IntStream.range(0, options.capacity())
            .mapToObj(i -> "akka://kvstore@" + Network.GATEWAY + ":" + proxy.port(i))
            .collect(Collectors.joining(","));
    List<String> all = new ArrayList<>(options.settings());
    all.addAll(
        List.of(
            "-Dakka.remote.artery.canonical.hostname=" + Network.GATEWAY,
            "-Dakka.remote.artery.canonical.port=" + proxy.port(index),
            "-Dakka.remote.artery.bind.hostname=" + network.address(index),
            "-Dakka.remote.artery.bind.port=" + REMOTE_PORT,
            "--http-host", network.address(index),
            "--http-port", Integer.toString(HTTP_PORT),
            "--resp-port", "0",
            "--seed-nodes", seeds));
    Map<String, String> environment = new HashMap<>();
    if (options.fakeClocks()) {
      environment.put("LD_PRELOAD", FAKETIME.toString());
      environment.put("FAKETIME_TIMESTAMP_FILE", clockFile(index).toString());
      environment.put("FAKETIME_CACHE_DURATION", "1");
      // Only the wall clock moves. The JVM times its waits (sleep, park, condition waits) on the
      // monotonic clock: faked or "fixed", they wake late or at once (measured on libfaketime 0.9.10).
      environment.put("FAKETIME_DONT_FAKE_MONOTONIC", "1");
      environment.put("FAKETIME_FORCE_MONOTONIC_FIX", "0");
    }
    try {
      nodes[index] = NodeProcess.start(dataDirectory(index), nodeId(index), logs, all, network.enter(index), environment);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    if (!members.contains(index)) {
      members.add(index);
    }
  }

  /** Starts the nodes in parallel, as a cluster's nodes start: each waits for the others to form a ring. */
  private void startAll(List<Integer> indexes) {
    CompletableFuture.allOf(
            indexes.stream()
                .map(index -> CompletableFuture.runAsync(() -> startNode(index), Cluster::onItsOwnThread))
                .toArray(CompletableFuture[]::new))
        .join();
  }

  /** Each start blocks until its node is ready: one thread each, whatever the core count. */
  private static void onItsOwnThread(Runnable task) {
    Thread thread = new Thread(task, "node-start");
    thread.setDaemon(true);
    thread.start();
  }

  /** Sets the node's wall clock offset, e.g. "+90s" or "-30s" (libfaketime's syntax), within a second. */
  public void setClockOffset(int index, String offset) throws IOException {
    if (!options.fakeClocks()) {
      throw new IllegalStateException("the cluster was started without fake clocks");
    }
    Files.writeString(clockFile(index), offset + "\n");
  }

  private Path clockFile(int index) {
    return root.resolve(nodeId(index) + ".clock");
  }

  /** Waits until every member reports ready: in the ring and caught up. */
  public void awaitReady(Duration timeout) {
    List<String> restarted = recover(timeout);
    if (!restarted.isEmpty()) {
      throw new IllegalStateException(restarted + " had stopped");
    }
  }

  /**
   * Waits until every member is ready, starting again any member whose process has exited: a
   * node that the others downed (after a long pause or a partition) shuts itself down, which may
   * happen a while after the fault healed.
   *
   * @return the nodes that were restarted
   */
  public List<String> recover(Duration timeout) {
    List<String> restarted = new ArrayList<>();
    KvClient http = new KvClient(Duration.ofSeconds(5));
    Eventually.within(
        timeout,
        () -> {
          // All at once: nodes that find no majority of their last ring wait for one together.
          List<Integer> stopped = members.stream().filter(index -> !isRunning(index)).toList();
          startAll(stopped);
          stopped.forEach(index -> restarted.add(nodeId(index)));
          for (int index : members) {
            KvClient.Answer answer = http.get(base(index), "/health/ready");
            if (answer.status() != 200) {
              throw new AssertionError(nodeId(index) + " not ready: " + answer.status() + " " + answer.body() + (answer.answered() ? "" : answer.failure()));
            }
          }
          // A node resumed after the others downed it reports ready until it learns it was removed.
          List<String> expected = members.stream().map(Cluster::nodeId).sorted().toList();
          for (int index : members) {
            List<String> up = new ArrayList<>();
            http.get(base(index), "/api/v1/cluster/status").json().path("nodes")
                .forEach(n -> { if ("up".equals(n.path("status").asText())) up.add(n.path("id").asText()); });
            if (!up.stream().sorted().toList().equals(expected)) {
              throw new AssertionError(nodeId(index) + " sees " + up + " up, expected " + expected);
            }
          }
        });
    return restarted;
  }

  @Override
  public void close() {
    for (NodeProcess node : nodes) {
      if (node != null) {
        try {
          if (node.isAlive()) {
            node.resume();
          }
          node.close();
        } catch (Exception e) {
          // best effort: the namespace removal below also ends what is left
        }
      }
    }
    try {
      proxy.close();
    } catch (IOException ignored) {
      // closing
    }
    if (options.smallDisks()) {
      for (int i = 0; i < options.capacity(); i++) {
        try {
          Network.run("umount", dataDirectory(i).toString());
        } catch (RuntimeException ignored) {
          // not mounted
        }
      }
    }
    network.close();
  }
}
