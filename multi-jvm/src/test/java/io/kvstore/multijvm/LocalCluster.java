package io.kvstore.multijvm;

import io.kvstore.testing.Eventually;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * A cluster of kvstore nodes, each in its own JVM with its own data directory and ports, all
 * seeded with every node's remoting address (so any one can restart and rejoin).
 */
final class LocalCluster implements AutoCloseable {
  private final Path root;
  private final List<String> options;
  private final int[] remotePorts;
  private final int[] httpPorts;
  private final NodeProcess[] nodes;
  private final Path logs = Path.of(System.getProperty("kvstore.build.dir", "target"), "multi-jvm-logs");

  private LocalCluster(Path root, int capacity, List<String> options) throws IOException {
    this.root = root;
    this.options = options;
    this.remotePorts = new int[capacity];
    this.httpPorts = new int[capacity];
    this.nodes = new NodeProcess[capacity];
    List<ServerSocket> held = new ArrayList<>();
    try {
      for (int i = 0; i < capacity; i++) {
        remotePorts[i] = hold(held);
        httpPorts[i] = hold(held);
      }
    } finally {
      for (ServerSocket socket : held) {
        socket.close();
      }
    }
  }

  /**
   * Starts the first {@code size} of {@code capacity} nodes (the others can join later).
   *
   * @param options for every node: {@code -D} settings and command-line options
   */
  static LocalCluster start(Path root, int size, int capacity, List<String> options) throws Exception {
    LocalCluster cluster = new LocalCluster(root, capacity, options);
    try {
      cluster.startNodes(IntStream.range(0, size).boxed().toList());
    } catch (CompletionException e) {
      cluster.close();
      throw e;
    }
    return cluster;
  }

  /**
   * Starts (or restarts) these nodes at once, as a cluster's nodes start, and waits for all. A
   * thread each: every start blocks until its node is ready, which may need the others started.
   */
  void startNodes(List<Integer> indexes) {
    CompletableFuture.allOf(
            indexes.stream()
                .map(i -> CompletableFuture.runAsync(() -> startNode(i), task -> new Thread(task, "start-" + nodeId(i)).start()))
                .toArray(CompletableFuture[]::new))
        .join();
  }

  static String nodeId(int index) {
    return "node" + (index + 1);
  }

  /** Starts (or restarts, on the same data directory and ports) node {@code index}. */
  void startNode(int index) {
    startNode(index, IntStream.range(0, remotePorts.length).boxed().toList());
  }

  /** Starts node {@code index} with only these nodes as its seed nodes (the first may join itself). */
  void startNode(int index, List<Integer> seedIndexes) {
    List<String> all = new ArrayList<>(options);
    String seeds =
        seedIndexes.stream()
            .map(i -> "akka://kvstore@127.0.0.1:" + remotePorts[i])
            .collect(Collectors.joining(","));
    all.addAll(
        List.of(
            "--http-port", Integer.toString(httpPorts[index]),
            "--resp-port", "0",
            "--remote-port", Integer.toString(remotePorts[index]),
            "--seed-nodes", seeds));
    try {
      nodes[index] = NodeProcess.start(root.resolve(nodeId(index)), nodeId(index), logs, all);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Waits until the nodes report ready: in the ring and caught up on every partition they hold. */
  void awaitReady(List<Integer> indexes, java.time.Duration timeout) {
    KvHttp http = new KvHttp();
    Eventually.within(
        timeout,
        () -> {
          for (int index : indexes) {
            KvHttp.Answer answer = http.get(httpPort(index), "/health/ready");
            if (answer.status() != 200) {
              throw new AssertionError(nodeId(index) + " not ready: " + answer.body());
            }
          }
        });
  }

  /** The newest log of a node: each start writes a new one. */
  Path newestLog(int index) throws IOException {
    try (var files = java.nio.file.Files.list(logs)) {
      return files
          .filter(p -> p.getFileName().toString().startsWith(nodeId(index) + "-"))
          .max(java.util.Comparator.comparingLong(p -> p.toFile().lastModified()))
          .orElseThrow();
    }
  }

  NodeProcess node(int index) {
    return nodes[index];
  }

  int remotePort(int index) {
    return remotePorts[index];
  }

  int httpPort(int index) {
    return nodes[index].httpPort();
  }

  int respPort(int index) {
    return nodes[index].respPort();
  }

  void kill(int index) throws InterruptedException {
    nodes[index].kill();
  }

  /**
   * A free port below the kernel's ephemeral range (which starts at 32768), so that no node's
   * outgoing connection can take it before the node binds it; held open until all are chosen.
   */
  static int hold(List<ServerSocket> held) throws IOException {
    for (int attempt = 0; attempt < 1000; attempt++) {
      int port = 20000 + PORTS.nextInt(12000);
      try {
        held.add(new ServerSocket(port, 1, java.net.InetAddress.getLoopbackAddress()));
        return port;
      } catch (IOException taken) {
        // try another
      }
    }
    throw new IOException("no free port found");
  }

  private static final java.util.Random PORTS = new java.util.Random();

  @Override
  public void close() {
    for (NodeProcess node : nodes) {
      if (node != null) {
        try {
          node.close();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }
  }
}
