package io.kvstore.node;

import akka.Done;
import akka.NotUsed;
import akka.actor.CoordinatedShutdown;
import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.Behavior;
import akka.actor.typed.SupervisorStrategy;
import akka.actor.typed.javadsl.Behaviors;
import akka.cluster.typed.Cluster;
import akka.http.javadsl.Http;
import akka.http.javadsl.ServerBinding;
import akka.http.javadsl.model.HttpRequest;
import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.settings.ServerSettings;
import akka.serialization.Serialization;
import akka.serialization.SerializationExtension;
import akka.stream.javadsl.Flow;
import akka.stream.javadsl.Tcp;
import io.kvstore.Stages;
import io.kvstore.cluster.ClusterAdmin;
import io.kvstore.cluster.ClusterFormation;
import io.kvstore.cluster.RingAllocationStrategy;
import io.kvstore.cluster.RingKeeper;
import io.kvstore.cluster.RingMemory;
import io.kvstore.cluster.ShardWarmer;
import io.kvstore.coordinator.ReplicaClient;
import io.kvstore.coordinator.RequestCoordinator;
import io.kvstore.crdt.HybridLogicalClock;
import io.kvstore.entity.ExpirySweeper;
import io.kvstore.entity.KeyEntity;
import io.kvstore.http.HttpApi;
import io.kvstore.repair.AntiEntropy;
import io.kvstore.repair.HintReplay;
import io.kvstore.replica.HintStore;
import io.kvstore.replica.PartitionReadiness;
import io.kvstore.replica.ReplicaStore;
import io.kvstore.replica.ReplicationSettings;
import io.kvstore.resp.RespServer;
import io.kvstore.ring.Partitioner;
import io.kvstore.ring.RetiredNodes;
import io.kvstore.storage.RocksDbStorage;
import io.kvstore.transport.ReplicaEndpoint;
import io.kvstore.transport.Topology;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The node's root actor: joins the cluster, opens storage, starts replication (replica endpoint,
 * ring keeper, anti-entropy), the key entities' sharding, the TTL sweep, the HTTP and RESP servers, and
 * hands the running parts to {@link KvNode}.
 */
final class Guardian {
  private Guardian() {}

  /** What start-up produced, for the embedding code. */
  record Started(
      RequestCoordinator store,
      Topology topology,
      ReplicaStore replicas,
      ClusterAdmin admin,
      NodeHealth health,
      Optional<ServerBinding> http,
      Optional<ServerBinding> healthHttp,
      Optional<Tcp.ServerBinding> resp) {}

  private static CompletableFuture<Optional<ServerBinding>> bindHttp(
      ActorSystem<?> system,
      KvStoreSettings settings,
      int port,
      java.util.function.UnaryOperator<ServerSettings> adapt,
      Flow<HttpRequest, HttpResponse, NotUsed> connection) {
    return Stages.direct(
            Http.get(system)
                .newServerAt(settings.http().host(), port)
                .withSettings(adapt.apply(HttpApi.withJsonTerminationAnswer(ServerSettings.create(system.classicSystem()))))
                .bindFlow(connection))
        .thenApply(
            binding -> {
              binding.addToCoordinatedShutdown(settings.requestTimeout(), system);
              return Optional.of(binding);
            });
  }

  /** Resumed, not restarted: their set-up registers listeners and subscriptions once. */
  private static <T> Behavior<T> resuming(Behavior<T> behavior) {
    return Behaviors.supervise(behavior).onFailure(SupervisorStrategy.resume());
  }

  static Behavior<Void> create(KvStoreSettings settings, CompletableFuture<Started> started) {
    return Behaviors.setup(
        context -> {
          ActorSystem<Void> system = context.getSystem();
          Cluster cluster = Cluster.get(system);
          RingMemory ringMemory = new RingMemory(settings.storage().directory());
          if (settings.cluster().forceNewCluster()) {
            context.getLog().warn("--force-new-cluster: forgetting the last ring {}", ringMemory.load());
            ringMemory.remember(java.util.List.of());
          }
          context.spawn(
              ClusterFormation.create(
                  new ClusterFormation.Settings(
                      settings.nodeId(),
                      settings.cluster().seedNodes(),
                      ringMemory.load(),
                      settings.cluster().awaitJoin(),
                      settings.cluster().formationProbeInterval())),
              ClusterFormation.NAME);
          RocksDbStorage storage;
          try {
            storage = RocksDbStorage.get(system);
          } catch (RuntimeException e) {
            // Fail start-up now, with the reason, rather than at the start-up timeout.
            started.completeExceptionally(e);
            throw e;
          }
          HybridLogicalClock clock = HybridLogicalClock.system(settings.nodeId());
          ReplicationSettings replication = settings.replication();
          Partitioner partitioner = new Partitioner(settings.partitions());
          Serialization serialization = SerializationExtension.get(system);
          RetiredNodes retired = new RetiredNodes();
          ReplicaStore replicas =
              new ReplicaStore(storage, serialization, partitioner, replication.tombstoneGrace(), retired);
          storage.addJournalIndexer(KeyEntity.replicaIndexer(replicas));
          HintStore hints = new HintStore(storage, serialization, replication.maxHintsPerNode());
          PartitionReadiness readiness = new PartitionReadiness(settings.partitions());
          Topology topology = new Topology(settings.nodeId(), partitioner, replication.factor());
          // A failure handling one message must not stop replication for the life of the node.
          context.spawn(
              resuming(ReplicaEndpoint.create(replicas, readiness, hints, topology, replication.transferBatchBytes())),
              "replicas");
          ActorRef<RingKeeper.Command> ringKeeper =
              context.spawn(
                  resuming(
                      RingKeeper.create(
                          topology,
                          replication.factor(),
                          replication.requestTimeout(),
                          settings.cluster().ringCheckInterval(),
                          ringMemory,
                          retired)),
                  "ring");
          context.spawn(
              resuming(
                  AntiEntropy.create(
                      replicas,
                      readiness,
                      topology,
                      replication,
                      retired,
                      version -> ringKeeper.tell(new RingKeeper.CaughtUp(version)))),
              "anti-entropy");
          context.spawn(resuming(HintReplay.create(hints, topology, replication)), "hint-replay");
          ReplicaClient replicaClient = new ReplicaClient(system, topology, replicas, readiness, hints, replication);
          KeyEntity.init(
              system,
              new KeyEntity.Context(settings.entity(), clock, replicaClient, replication.recoveryRetry()),
              partitioner,
              new RingAllocationStrategy(
                  topology, cluster.selfMember().address(), settings.cluster().maxSimultaneousRebalance()));
          context.spawn(
              ExpirySweeper.create(
                  replicas,
                  topology,
                  clock,
                  new ExpirySweeper.Settings(
                      settings.ttl().sweepInterval(),
                      settings.ttl().sweepBatch(),
                      settings.requestTimeout(),
                      settings.ttl().takeoverAfter())),
              "ttl-sweeper");
          AtomicInteger unallocatedShards = new AtomicInteger();
          if (settings.cluster().shardWarmup().enabled()) {
            context.spawn(
                resuming(ShardWarmer.create(topology, settings.cluster().shardWarmup(), unallocatedShards)),
                "shard-warmer");
          }
          RequestCoordinator store = new RequestCoordinator(
                  system, settings.limits(), settings.entity().historyEvents(), settings.requestTimeout(), replicaClient);
          NodeHealth health = new NodeHealth(cluster, storage, topology, readiness, unallocatedShards::get);
          ClusterAdmin admin = new ClusterAdmin(system, topology, replicas, retired, settings.requestTimeout());
          HttpApi api = new HttpApi(store, system, settings.http(), settings.limits(), health, admin);
          CompletableFuture<Optional<ServerBinding>> http =
              settings.http().enabled()
                  ? bindHttp(system, settings, settings.http().port(), server -> server, api.apiConnection())
                  : CompletableFuture.completedFuture(Optional.empty());
          CompletableFuture<Optional<ServerBinding>> healthHttp =
              settings.http().enabled() && settings.http().healthPort() >= 0
                  ? bindHttp(
                      system,
                      settings,
                      settings.http().healthPort(),
                      server -> server.withMaxConnections(settings.http().healthMaxConnections()),
                      api.healthConnection())
                  : CompletableFuture.completedFuture(Optional.empty());
          CompletableFuture<Optional<Tcp.ServerBinding>> resp =
              settings.resp().enabled()
                  ? Stages.direct(RespServer.bind(system, settings.resp(), store, settings.nodeId(), admin))
                      .thenApply(
                          binding -> {
                            CoordinatedShutdown.get(system)
                                .addTask(
                                    CoordinatedShutdown.PhaseServiceUnbind(),
                                    "resp-unbind",
                                    () -> binding.unbind().thenApply(done -> Done.getInstance()));
                            return Optional.of(binding);
                          })
                  : CompletableFuture.completedFuture(Optional.empty());
          CompletableFuture.allOf(http, healthHttp, resp)
              .thenApply(
                  bound -> new Started(store, topology, replicas, admin, health, http.join(), healthHttp.join(), resp.join()))
              .whenComplete(
                  (running, failure) -> {
                    if (failure != null) {
                      started.completeExceptionally(Stages.cause(failure));
                    } else {
                      started.complete(running);
                    }
                  });
          return Behaviors.empty();
        });
  }
}
