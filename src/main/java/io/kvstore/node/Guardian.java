package io.kvstore.node;

import akka.actor.typed.ActorSystem;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.Behaviors;
import akka.cluster.typed.Cluster;
import akka.cluster.typed.Join;
import akka.http.javadsl.Http;
import akka.http.javadsl.ServerBinding;
import akka.serialization.SerializationExtension;
import io.kvstore.entity.ExpirySweeper;
import io.kvstore.entity.KeyEntity;
import io.kvstore.http.HttpApi;
import io.kvstore.replication.HybridLogicalClock;
import io.kvstore.replication.Partitioner;
import io.kvstore.replication.ReplicaStore;
import io.kvstore.storage.RocksDbStorage;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The node's root actor: joins the cluster, opens storage, starts the key entities' sharding, the
 * TTL sweep and the HTTP server, and hands the running parts to {@link KvNode}.
 */
final class Guardian {
  private Guardian() {}

  /** What start-up produced, for the embedding code. */
  record Started(ShardedKvStore store, Optional<ServerBinding> http) {}

  static Behavior<Void> create(KvStoreSettings settings, CompletableFuture<Started> started) {
    return Behaviors.setup(
        context -> {
          ActorSystem<Void> system = context.getSystem();
          Cluster cluster = Cluster.get(system);
          if (system.settings().config().getStringList("akka.cluster.seed-nodes").isEmpty()) {
            cluster.manager().tell(Join.create(cluster.selfMember().address()));
          }
          RocksDbStorage storage;
          try {
            storage = RocksDbStorage.get(system);
          } catch (RuntimeException e) {
            // Fail start-up now, with the reason, rather than at the start-up timeout.
            started.completeExceptionally(e);
            throw e;
          }
          HybridLogicalClock clock = HybridLogicalClock.system(settings.nodeId());
          ReplicaStore replicas = new ReplicaStore(storage, SerializationExtension.get(system));
          storage.addJournalIndexer(KeyEntity.replicaIndexer(replicas));
          KeyEntity.init(
              system, new KeyEntity.Context(settings.entity(), clock), new Partitioner(settings.partitions()));
          context.spawn(
              ExpirySweeper.create(
                  replicas,
                  clock,
                  new ExpirySweeper.Settings(
                      settings.ttl().sweepInterval(), settings.ttl().sweepBatch(), settings.requestTimeout())),
              "ttl-sweeper");
          ShardedKvStore store = new ShardedKvStore(system, settings);
          if (!settings.http().enabled()) {
            started.complete(new Started(store, Optional.empty()));
            return Behaviors.empty();
          }
          HttpApi api = new HttpApi(store, system, settings, new NodeHealth(cluster, storage));
          Http.get(system)
              .newServerAt(settings.http().host(), settings.http().port())
              .bind(api.routes())
              .whenComplete(
                  (binding, failure) -> {
                    if (failure != null) {
                      started.completeExceptionally(failure);
                    } else {
                      binding.addToCoordinatedShutdown(settings.requestTimeout(), system);
                      started.complete(new Started(store, Optional.of(binding)));
                    }
                  });
          return Behaviors.empty();
        });
  }
}
