package io.kvstore.node;

import akka.actor.Address;
import akka.actor.AddressFromURIString;
import com.typesafe.config.Config;
import io.kvstore.api.Limits;
import io.kvstore.cluster.ShardWarmer;
import io.kvstore.coordinator.ScanSettings;
import io.kvstore.entity.EntitySettings;
import io.kvstore.http.HttpSettings;
import io.kvstore.replica.ReplicationSettings;
import io.kvstore.resp.RespSettings;
import io.kvstore.storage.StorageSettings;
import java.time.Duration;
import java.util.List;

/**
 * Everything under {@code kvstore.*}, parsed once at start-up.
 *
 * @param systemName the actor system's name, the same on every node of a cluster
 * @param startupTimeout how long a node may take to serve before it gives up and exits
 */
public record KvStoreSettings(
    String nodeId,
    String systemName,
    Duration startupTimeout,
    int partitions,
    Duration requestTimeout,
    Limits limits,
    HttpSettings http,
    RespSettings resp,
    Ttl ttl,
    EntitySettings entity,
    StorageSettings storage,
    ReplicationSettings replication,
    ScanSettings scan,
    ClusterSettings cluster) {

  /**
   * @param formation how this node finds its cluster
   * @param seedNodes {@code akka.cluster.seed-nodes}: kvstore joins through them itself (see
   *     ClusterFormation), so Akka is started with none
   * @param awaitJoin start without joining any cluster, until told to (POST /api/v1/cluster/nodes)
   * @param forceNewCluster forget the last ring at start, so this node may found a new cluster
   *     without a majority of it (disaster recovery)
   * @param formationProbeInterval how often a restarting node asks the other seed nodes whether
   *     they are members
   * @param maxSimultaneousRebalance shards moved at once when the ring changes
   * @param shardWarmup how shards are allocated ahead of the first request
   * @param ringCheckInterval how often the ring is compared with the members, besides on every
   *     membership event
   * @param leaveHandoffTimeout how long a stopping node may take to hand its partitions off
   * @param bootstrap how Cluster Bootstrap finds the other nodes, under formation = bootstrap
   */
  public record ClusterSettings(
      Formation formation,
      List<Address> seedNodes,
      boolean awaitJoin,
      boolean forceNewCluster,
      Duration formationProbeInterval,
      int maxSimultaneousRebalance,
      ShardWarmer.Settings shardWarmup,
      Duration ringCheckInterval,
      Duration leaveHandoffTimeout,
      BootstrapSettings bootstrap) {
    public ClusterSettings {
      if (formation == Formation.BOOTSTRAP && awaitJoin) {
        throw new IllegalArgumentException("kvstore.cluster.await-join cannot be combined with formation = bootstrap, which joins by itself");
      }
    }
  }

  /**
   * {@code kvstore.cluster.bootstrap}.
   *
   * @param requiredContactPoints nodes that must answer before a new cluster is formed
   * @param podLabelSelector the Kubernetes label selector of the cluster's pods
   * @param portName the pods' container port that Akka Management listens on
   */
  public record BootstrapSettings(int requiredContactPoints, String podLabelSelector, String portName) {}

  /** {@code kvstore.cluster.formation}. */
  public enum Formation {
    /** Through the seed nodes, by {@code ClusterFormation}'s rules. */
    SEED_NODES,
    /** By Akka Cluster Bootstrap, with contact points from Akka Discovery (Kubernetes). */
    BOOTSTRAP;

    static Formation fromConfig(String value) {
      return switch (value) {
        case "seed-nodes" -> SEED_NODES;
        case "bootstrap" -> BOOTSTRAP;
        default -> throw new IllegalArgumentException(
            "kvstore.cluster.formation must be seed-nodes or bootstrap, not '" + value + "'");
      };
    }
  }

  /** @param takeoverAfter past its expiry, a replica other than the primary expires a value itself */
  public record Ttl(Duration sweepInterval, int sweepBatch, Duration takeoverAfter) {}

  public static KvStoreSettings fromConfig(Config root) {
    Config kv = root.getConfig("kvstore");
    String nodeId = kv.getString("node-id");
    if (nodeId.isBlank()) {
      throw new IllegalArgumentException("kvstore.node-id must not be empty");
    }
    return new KvStoreSettings(
        nodeId,
        kv.getString("system-name"),
        kv.getDuration("startup-timeout"),
        kv.getInt("partitions"),
        kv.getDuration("request-timeout"),
        new Limits(
            Math.toIntExact(kv.getBytes("limits.max-key-bytes")),
            Math.toIntExact(kv.getBytes("limits.max-value-bytes"))),
        HttpSettings.fromConfig(kv.getConfig("http")),
        RespSettings.fromConfig(kv.getConfig("resp")),
        new Ttl(kv.getDuration("ttl.sweep-interval"), kv.getInt("ttl.sweep-batch"), kv.getDuration("ttl.takeover-after")),
        EntitySettings.fromConfig(kv.getConfig("entity")),
        StorageSettings.fromConfig(kv.getConfig("storage")),
        ReplicationSettings.fromConfig(kv.getConfig("replication")),
        ScanSettings.fromConfig(kv.getConfig("scan")),
        new ClusterSettings(
            Formation.fromConfig(kv.getString("cluster.formation")),
            root.getStringList("akka.cluster.seed-nodes").stream().map(AddressFromURIString::parse).toList(),
            kv.getBoolean("cluster.await-join"),
            kv.getBoolean("cluster.force-new-cluster"),
            kv.getDuration("cluster.formation-probe-interval"),
            kv.getInt("cluster.max-simultaneous-rebalance"),
            new ShardWarmer.Settings(
                kv.getBoolean("cluster.shard-warmup.enabled"),
                kv.getInt("cluster.shard-warmup.parallelism"),
                kv.getDuration("cluster.shard-warmup.timeout"),
                kv.getDuration("cluster.shard-warmup.retry-interval")),
            kv.getDuration("cluster.ring-check-interval"),
            kv.getDuration("cluster.leave-handoff-timeout"),
            new BootstrapSettings(
                kv.getInt("cluster.bootstrap.required-contact-points"),
                kv.getString("cluster.bootstrap.pod-label-selector"),
                kv.getString("cluster.bootstrap.port-name"))));
  }
}
