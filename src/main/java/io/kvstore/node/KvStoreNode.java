package io.kvstore.node;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.kvstore.api.KvCluster;
import io.kvstore.api.KvStore;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A kvstore node embedded in the application's JVM.
 *
 * <pre>{@code
 * try (KvStoreNode node = KvStoreNode.builder().dataDirectory(Path.of("data")).withoutHttp().start()) {
 *   KvStore kv = node.kvStore();
 *   kv.put("greeting", "hello".getBytes(UTF_8)).toCompletableFuture().join();
 * }
 * }</pre>
 */
public final class KvStoreNode implements AutoCloseable {
  private final KvNode node;

  private KvStoreNode(KvNode node) {
    this.node = node;
  }

  public static Builder builder() {
    return new Builder();
  }

  public KvStore kvStore() {
    return node.store();
  }

  /** The node's cluster: status, join, leave and down, as {@code /api/v1/cluster} offers them. */
  public KvCluster cluster() {
    return node.admin();
  }

  /** The HTTP port the node serves on; empty when built {@link Builder#withoutHttp()}. */
  public Optional<Integer> httpPort() {
    return node.httpPort();
  }

  /** The Redis-protocol port the node serves on; empty when RESP is off. */
  public Optional<Integer> respPort() {
    return node.respPort();
  }

  /** Leaves the cluster and closes storage; blocks until done. */
  @Override
  public void close() {
    node.close();
  }

  public static final class Builder {
    private final Map<String, Object> settings = new HashMap<>();
    private Config extra = ConfigFactory.empty();

    private Builder() {
      // Embedded nodes must not fight over fixed ports with other processes.
      settings.put("akka.remote.artery.canonical.port", 0);
      settings.put("akka.remote.artery.canonical.hostname", "127.0.0.1");
      settings.put("kvstore.http.port", 0);
      // An embedding application opts in to a Redis-protocol port (respPort).
      settings.put("kvstore.resp.enabled", false);
    }

    public Builder dataDirectory(Path directory) {
      settings.put("kvstore.storage.directory", directory.toAbsolutePath().toString());
      return this;
    }

    public Builder nodeId(String nodeId) {
      settings.put("kvstore.node-id", nodeId);
      return this;
    }

    public Builder httpPort(int port) {
      settings.put("kvstore.http.enabled", true);
      settings.put("kvstore.http.port", port);
      return this;
    }

    public Builder withoutHttp() {
      settings.put("kvstore.http.enabled", false);
      return this;
    }

    public Builder respPort(int port) {
      settings.put("kvstore.resp.enabled", true);
      settings.put("kvstore.resp.port", port);
      return this;
    }

    /** Any further setting ({@code kvstore.*} or {@code akka.*}); builder calls take precedence. */
    public Builder config(Config config) {
      extra = config;
      return this;
    }

    public KvStoreNode start() {
      return new KvStoreNode(KvNode.start(ConfigFactory.parseMap(settings).withFallback(extra)));
    }
  }
}
