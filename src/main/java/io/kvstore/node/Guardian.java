package io.kvstore.node;

import akka.actor.typed.ActorSystem;
import akka.actor.typed.Behavior;
import akka.actor.typed.SupervisorStrategy;
import akka.actor.typed.javadsl.Behaviors;
import akka.cluster.typed.Cluster;
import io.kvstore.Stages;
import io.kvstore.cluster.ClusterAdmin;
import io.kvstore.cluster.ClusterFormation;
import io.kvstore.cluster.RingMemory;
import io.kvstore.coordinator.RequestCoordinator;
import io.kvstore.replica.ReplicaStore;
import io.kvstore.storage.RocksDbStorage;
import io.kvstore.transport.Topology;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The node's root actor and its composition: cluster formation, then storage, then {@link
 * ReplicationModule}, {@link KeysModule} and {@link FrontEnds} in that order, each starting its
 * parts and handing them to the next. What they produced goes to {@link KvNode}.
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
      FrontEnds.Bindings bindings) {}

  /** Resumed, not restarted: their set-up registers listeners and subscriptions once. */
  static <T> Behavior<T> resuming(Behavior<T> behavior) {
    return Behaviors.supervise(behavior).onFailure(SupervisorStrategy.resume());
  }

  static Behavior<Void> create(KvStoreSettings settings, CompletableFuture<Started> started) {
    return Behaviors.setup(
        context -> {
          ActorSystem<Void> system = context.getSystem();
          RingMemory ringMemory = new RingMemory(settings.storage().directory());
          if (settings.cluster().forceNewCluster()) {
            context.getLog().warn("--force-new-cluster: forgetting the last ring {}", ringMemory.load());
            ringMemory.remember(List.of());
          }
          switch (settings.cluster().formation()) {
            case SEED_NODES -> context.spawn(
                ClusterFormation.create(
                    new ClusterFormation.Settings(
                        settings.nodeId(),
                        settings.cluster().seedNodes(),
                        ringMemory.load(),
                        settings.cluster().awaitJoin(),
                        settings.cluster().formationProbeInterval())),
                ClusterFormation.NAME);
            // A node that remembers a ring needs no rule of its own here: bootstrap forms a cluster
            // only when every required contact point answers and none is a member, and a ring is
            // published only while a majority of the remembered one is present (RingMemory).
            case BOOTSTRAP -> Bootstrap.start(system)
                .exceptionally(
                    failure -> {
                      started.completeExceptionally(failure);
                      return null;
                    });
          }
          RocksDbStorage storage;
          try {
            storage = RocksDbStorage.get(system);
          } catch (RuntimeException e) {
            // Fail start-up now, with the reason, rather than at the start-up timeout.
            started.completeExceptionally(e);
            throw e;
          }
          ReplicationModule.Parts replication = ReplicationModule.start(context, settings, storage, ringMemory);
          KeysModule.Parts keys = KeysModule.start(context, settings, replication);
          NodeHealth health =
              new NodeHealth(Cluster.get(system), storage, replication.topology(), replication.readiness(), keys.unallocatedShards());
          ClusterAdmin admin =
              new ClusterAdmin(system, replication.topology(), replication.replicas(), replication.retired(), settings.requestTimeout());
          FrontEnds.bind(system, settings, keys.coordinator(), health, admin)
              .thenApply(
                  bindings ->
                      new Started(keys.coordinator(), replication.topology(), replication.replicas(), admin, health, bindings))
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
