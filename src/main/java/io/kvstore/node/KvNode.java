package io.kvstore.node;

import akka.actor.BootstrapSetup;
import akka.actor.CoordinatedShutdown;
import akka.actor.setup.ActorSystemSetup;
import akka.actor.setup.Setup;
import akka.actor.typed.ActorSystem;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.kvstore.api.KvStore;
import io.kvstore.cluster.ClusterAdmin;
import io.kvstore.cluster.RingKeeper;
import io.kvstore.replica.ReplicaStore;
import io.kvstore.storage.RocksDbStorage;
import io.kvstore.transport.Topology;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** A running kvstore node: its actor system, its {@link KvStore} and its HTTP and RESP ports. */
public final class KvNode implements AutoCloseable {
  private final ActorSystem<Void> system;
  private final KvStoreSettings settings;
  private final Guardian.Started started;

  private KvNode(ActorSystem<Void> system, KvStoreSettings settings, Guardian.Started started) {
    this.system = system;
    this.settings = settings;
    this.started = started;
  }

  /**
   * Starts a node with {@code overrides} on top of {@code application.conf} and {@code
   * reference.conf}, and waits until it serves: storage open, cluster member up, HTTP bound.
   */
  public static KvNode start(Config overrides) {
    Config loaded = load(overrides);
    KvStoreSettings settings = KvStoreSettings.fromConfig(loaded);
    Config config = akkaSettingsFrom(settings).withFallback(loaded);
    Duration startupTimeout = settings.startupTimeout();
    CompletableFuture<Guardian.Started> started = new CompletableFuture<>();
    List<Setup> setups = new ArrayList<>(List.of(BootstrapSetup.create(config), RocksDbStorage.setup(settings.storage())));
    setups.addAll(Bootstrap.healthChecks(started.thenApply(Guardian.Started::health)));
    ActorSystem<Void> system =
        ActorSystem.create(
            Guardian.create(settings, started),
            settings.systemName(),
            ActorSystemSetup.create(setups.toArray(Setup[]::new)));
    warnUnlessOwnArteryFraming(system);
    try {
      Guardian.Started running = started.get(startupTimeout.toMillis(), TimeUnit.MILLISECONDS);
      if (!settings.cluster().awaitJoin()) {
        // Serving starts once this node is in a ring: before that it owns no partition.
        running.topology().ringReady().toCompletableFuture().get(startupTimeout.toMillis(), TimeUnit.MILLISECONDS);
      }
      return new KvNode(system, settings, running);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      system.terminate();
      throw new IllegalStateException("interrupted while starting", e);
    } catch (ExecutionException e) {
      system.terminate();
      throw new IllegalStateException("kvstore node did not start: " + e.getCause().getMessage(), e.getCause());
    } catch (TimeoutException e) {
      system.terminate();
      throw new IllegalStateException("kvstore node did not start within " + startupTimeout, e);
    }
  }

  /**
   * {@code overrides} over every {@code application.conf} and {@code reference.conf} on the class
   * path: kvstore's defaults are in its reference.conf, so an embedding application's own
   * application.conf adds to them rather than hiding them.
   */
  static Config load(Config overrides) {
    return overrides.withFallback(ConfigFactory.load()).resolve();
  }

  /**
   * kvstore replaces Akka's inbound Artery framing (see {@link akka.remote.artery.tcp.TcpFraming}),
   * which only works while kvstore's classes precede akka-remote's on the classpath, as they do
   * under {@code bin/kvstore}. An embedding application's class path may order them otherwise.
   */
  private static void warnUnlessOwnArteryFraming(ActorSystem<?> system) {
    java.net.URL framing = akka.remote.artery.tcp.TcpFraming.class.getProtectionDomain().getCodeSource().getLocation();
    if (!framing.equals(KvNode.class.getProtectionDomain().getCodeSource().getLocation())) {
      system
          .log()
          .error(
              "Akka's own Artery TCP framing is loaded (from {}): one malformed frame on the remoting port can make this "
                  + "node loop for ever. Put kvstore ahead of akka-remote on the class path.",
              framing);
    }
  }

  /**
   * Akka settings that follow from kvstore's: derived in code because substitutions in
   * reference.conf are resolved before an application's overrides are seen.
   */
  private static Config akkaSettingsFrom(KvStoreSettings settings) {
    Map<String, Object> derived = new HashMap<>(bootstrapSettingsFrom(settings));
    derived.putAll(
        Map.of(
            "akka.cluster.sharding.number-of-shards", settings.partitions(),
            "akka.cluster.sharding.passivation.default-strategy.active-entity-limit",
                settings.entity().activeEntityLimit(),
            // Every member carries its node id, so every node can map members to ring nodes.
            "akka.cluster.roles", List.of(RingKeeper.ROLE_PREFIX + settings.nodeId()),
            // kvstore joins through the seed nodes itself (ClusterFormation), not Akka at start.
            "akka.cluster.seed-nodes", List.of(),
            "akka.remote.artery.advanced.maximum-frame-size", maximumFrameSize(settings),
            // The hand-off (ReplicationModule) runs once the shard region has stopped and before
            // the node leaves.
            "akka.coordinated-shutdown.phases." + ReplicationModule.HAND_OFF_PHASE + ".depends-on",
                List.of("cluster-sharding-shutdown-region"),
            "akka.coordinated-shutdown.phases." + ReplicationModule.HAND_OFF_PHASE + ".timeout",
                settings.cluster().leaveHandoffTimeout().plusSeconds(5).toMillis() + "ms",
            "akka.coordinated-shutdown.phases.cluster-leave.depends-on",
                List.of("cluster-sharding-shutdown-region", ReplicationModule.HAND_OFF_PHASE)));
    return ConfigFactory.parseMap(derived);
  }

  /**
   * Cluster Bootstrap through the Kubernetes API, from {@code kvstore.cluster.bootstrap}: set here
   * rather than in reference.conf, where Akka Management's own reference.conf would win whenever
   * its jar precedes kvstore's on the class path.
   */
  private static Map<String, Object> bootstrapSettingsFrom(KvStoreSettings settings) {
    if (settings.cluster().formation() != KvStoreSettings.Formation.BOOTSTRAP) {
      return Map.of();
    }
    KvStoreSettings.BootstrapSettings bootstrap = settings.cluster().bootstrap();
    String discovery = "akka.management.cluster.bootstrap.contact-point-discovery.";
    return Map.of(
        discovery + "discovery-method", "kubernetes-api",
        discovery + "service-name", settings.systemName(),
        discovery + "port-name", bootstrap.portName(),
        discovery + "required-contact-point-nr", bootstrap.requiredContactPoints(),
        // Pods are reached by IP: the pod hostnames 1.4 builds otherwise resolve only through a
        // headless Service's per-pod records.
        "akka.discovery.kubernetes-api.use-raw-ip", true,
        // Formatted with the service name; kvstore's selector names the labels in full.
        "akka.discovery.kubernetes-api.pod-label-selector", bootstrap.podLabelSelector().replace("%", "%%"));
  }

  /**
   * Room for the largest message kvstore sends between nodes: a write, read reply or replica
   * update carrying the largest allowed value, or a bulk transfer filled up to its byte budget
   * (which admits one entry beyond the budget only when it is the first). Akka's default of 256 KiB
   * would drop every larger value on its way to a replica.
   */
  static long maximumFrameSize(KvStoreSettings settings) {
    long largestEntry = (long) settings.limits().maxValueBytes() + settings.limits().maxKeyBytes();
    long headroom = 64 * 1024; // version vector, stamps, envelope, reply-to path
    return Math.max(largestEntry, settings.replication().transferBatchBytes()) + headroom;
  }

  public KvStore store() {
    return started.store();
  }

  public ActorSystem<Void> system() {
    return system;
  }

  public KvStoreSettings settings() {
    return settings;
  }

  /** This node's view of the ring and its members. */
  public Topology topology() {
    return started.topology();
  }

  /** This node's replica store (diagnostics and tests read it directly). */
  public ReplicaStore replicas() {
    return started.replicas();
  }

  /** What the cluster endpoints of the HTTP API do, for embedding code. */
  public ClusterAdmin admin() {
    return started.admin();
  }

  /**
   * Why this node is not ready to serve yet (as {@code /health/ready} reports it): empty once it
   * is an Up member, in the ring, caught up on every partition it replicates, and writable.
   */
  public List<String> notReadyReasons() {
    return started.health().notReadyReasons();
  }

  /** Completes once {@link #notReadyReasons()} is empty, as {@code /health/ready} answers 200. */
  public CompletionStage<Void> whenReady() {
    CompletableFuture<Void> ready = new CompletableFuture<>();
    akka.actor.Cancellable poll =
        system
            .scheduler()
            .scheduleAtFixedRate(
                READINESS_POLL,
                READINESS_POLL,
                () -> {
                  if (notReadyReasons().isEmpty()) {
                    ready.complete(null);
                  }
                },
                system.executionContext());
    ready.whenComplete((done, failure) -> poll.cancel());
    system.getWhenTerminated().thenRun(() -> ready.cancel(false));
    return ready;
  }

  private static final Duration READINESS_POLL = Duration.ofMillis(200);

  /** The bound HTTP port; empty when HTTP is disabled. */
  public Optional<Integer> httpPort() {
    return started.bindings().http().map(binding -> binding.localAddress().getPort());
  }

  /** The bound port of the health-only HTTP listener; empty when it is off. */
  public Optional<Integer> healthPort() {
    return started.bindings().health().map(binding -> binding.localAddress().getPort());
  }

  /** The bound Redis-protocol port; empty when RESP is disabled. */
  public Optional<Integer> respPort() {
    return started.bindings().resp().map(binding -> binding.localAddress().getPort());
  }

  /** Stops the node through Akka's coordinated shutdown and waits for it. */
  @Override
  public void close() {
    system.terminate();
    try {
      // As long as coordinated shutdown may take: the hand-off alone may take 30 s.
      long shutdown = CoordinatedShutdown.get(system).totalTimeout().toMillis();
      system.getWhenTerminated().toCompletableFuture().get(shutdown + 5_000, TimeUnit.MILLISECONDS);
      RocksDbStorage.get(system).whenClosed().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("node did not stop in time", e);
    }
  }
}
