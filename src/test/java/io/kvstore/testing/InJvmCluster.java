package io.kvstore.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.typesafe.config.ConfigFactory;
import io.kvstore.node.KvNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A cluster of nodes in this JVM (real RocksDB, real Artery): {@code node1} … {@code nodeN}, each
 * with its data under one directory. Every node binds Artery to a port of its own choosing (0),
 * so no port is picked, released and bound later (another process could take it meanwhile):
 * node1 starts first and founds the cluster, the others join it at the address it bound.
 */
public final class InJvmCluster implements AutoCloseable {
  private final Path directory;
  private final int partitions;
  private final Map<String, Object> extraConfig;
  /** Stopped from several threads at once by tests that stop nodes together. */
  private final List<KvNode> nodes = new CopyOnWriteArrayList<>();
  private final String seed;

  private InJvmCluster(Path directory, int partitions, Map<String, Object> extraConfig) {
    this.directory = directory;
    this.partitions = partitions;
    this.extraConfig = extraConfig;
    KvNode first = KvNode.start(ConfigFactory.parseMap(nodeConfig(1, List.of())));
    nodes.add(first);
    this.seed = "akka://kvstore@127.0.0.1:" + first.system().address().getPort().orElseThrow();
  }

  /**
   * Returns once every node is in a ring of all of them and ready, as a load balancer would wait
   * for: caught up with its peers.
   *
   * @param extraConfig over every node's settings (HTTP is off unless it turns it on)
   */
  public static InJvmCluster start(Path directory, int size, int partitions, Map<String, Object> extraConfig) {
    InJvmCluster cluster = new InJvmCluster(directory, partitions, extraConfig);
    try {
      List<CompletableFuture<KvNode>> starting = new ArrayList<>();
      for (int i = 2; i <= size; i++) {
        int index = i;
        starting.add(CompletableFuture.supplyAsync(() -> KvNode.start(ConfigFactory.parseMap(cluster.nodeConfig(index, List.of(cluster.seed))))));
      }
      for (CompletableFuture<KvNode> node : starting) {
        cluster.nodes.add(node.join());
      }
      cluster.awaitReadyRing(size);
      return cluster;
    } catch (RuntimeException | AssertionError e) {
      cluster.close();
      throw e;
    }
  }

  /** Every live node has a ring of {@code size} nodes and is ready. */
  public void awaitReadyRing(int size) {
    Eventually.within(
        Duration.ofSeconds(30), () -> nodes.forEach(n -> assertEquals(size, n.topology().placement().ring().nodes().size())));
    Eventually.within(Duration.ofSeconds(30), () -> nodes.forEach(n -> assertEquals(List.of(), n.notReadyReasons())));
  }

  /** The live nodes, node1 first. */
  public List<KvNode> nodes() {
    return List.copyOf(nodes);
  }

  /** Starts {@code node<index>} (index 2 or more) again, on its data, joining through node1. */
  public KvNode restart(int index) {
    KvNode node = KvNode.start(ConfigFactory.parseMap(nodeConfig(index, List.of(seed))));
    nodes.add(node);
    return node;
  }

  /** Stops the node (a graceful leave, unless it has left already) and forgets it. */
  public void stop(KvNode node) {
    nodes.remove(node);
    node.close();
  }

  private Map<String, Object> nodeConfig(int index, List<String> seeds) {
    Map<String, Object> config = new HashMap<>();
    config.put("kvstore.node-id", "node" + index);
    config.put("kvstore.storage.directory", directory.resolve("node" + index).toString());
    config.put("kvstore.http.enabled", false);
    config.put("kvstore.partitions", partitions);
    config.put("akka.remote.artery.canonical.port", 0);
    config.put("akka.cluster.seed-nodes", seeds);
    config.putAll(extraConfig);
    return config;
  }

  @Override
  public void close() {
    nodes().forEach(this::stop);
  }
}
