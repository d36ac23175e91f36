package io.kvstore.node;

import akka.Done;
import akka.actor.CoordinatedShutdown;
import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.AskPattern;
import akka.cluster.MemberStatus;
import akka.cluster.typed.Cluster;
import akka.serialization.Serialization;
import akka.serialization.SerializationExtension;
import io.kvstore.cluster.RegionShards;
import io.kvstore.cluster.RingKeeper;
import io.kvstore.cluster.RingMemory;
import io.kvstore.coordinator.ReplicaClient;
import io.kvstore.entity.KeyEntity;
import io.kvstore.repair.AntiEntropy;
import io.kvstore.repair.HintReplay;
import io.kvstore.replica.HintStore;
import io.kvstore.replica.PartitionReadiness;
import io.kvstore.replica.ReplicaStore;
import io.kvstore.replica.ReplicationSettings;
import io.kvstore.ring.Partitioner;
import io.kvstore.ring.RetiredNodes;
import io.kvstore.storage.RocksDbStorage;
import io.kvstore.transport.ReplicaEndpoint;
import io.kvstore.transport.Topology;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Placement, replica storage, messaging and repair: the replica store and hint store on the
 * node's RocksDB, the replica endpoint peers talk to, the ring keeper, anti-entropy, hint replay,
 * and the client the coordinator and the key entities replicate through.
 */
final class ReplicationModule {
  private ReplicationModule() {}

  record Parts(
      Partitioner partitioner,
      Topology topology,
      ReplicaStore replicas,
      PartitionReadiness readiness,
      RetiredNodes retired,
      ReplicaClient client) {}

  static Parts start(ActorContext<?> context, KvStoreSettings settings, RocksDbStorage storage, RingMemory ringMemory) {
    ReplicationSettings replication = settings.replication();
    Partitioner partitioner = new Partitioner(settings.partitions());
    Serialization serialization = SerializationExtension.get(context.getSystem());
    RetiredNodes retired = new RetiredNodes();
    ReplicaStore replicas = new ReplicaStore(storage, serialization, partitioner, replication.tombstoneGrace(), retired);
    storage.addJournalIndexer(KeyEntity.replicaIndexer(replicas));
    HintStore hints = new HintStore(storage, serialization, replication.maxHintsPerNode());
    PartitionReadiness readiness = new PartitionReadiness(settings.partitions());
    Topology topology = new Topology(settings.nodeId(), partitioner, replication.factor());
    ActorRef<RingKeeper.Command> ringKeeper =
        context.spawn(
            Guardian.resuming(
                RingKeeper.create(
                    topology,
                    replication.factor(),
                    replication.requestTimeout(),
                    settings.cluster().ringCheckInterval(),
                    ringMemory,
                    retired)),
            "ring");
    ActorRef<AntiEntropy.Command> antiEntropy =
        context.spawn(
            Guardian.resuming(
                AntiEntropy.create(
                    replicas, readiness, topology, replication, retired, version -> ringKeeper.tell(new RingKeeper.CaughtUp(version)))),
            "anti-entropy");
    ActorSystem<?> system = context.getSystem(); // the endpoint calls these on other threads than the context's
    ReplicaEndpoint.NodeParts endpointParts =
        new ReplicaEndpoint.NodeParts(
            () -> RegionShards.hostedHere(system, settings.requestTimeout()),
            () -> AskPattern.<AntiEntropy.Command, Integer>ask(antiEntropy, AntiEntropy.RepairNow::new, settings.requestTimeout(), system.scheduler()),
            () -> CoordinatedShutdown.get(system).run(CoordinatedShutdown.clusterLeavingReason()));
    // A failure handling one message must not stop replication for the life of the node.
    context.spawn(
        Guardian.resuming(
            ReplicaEndpoint.create(replicas, readiness, hints, topology, replication.transferBatchBytes(), endpointParts)),
        "replicas");
    context.spawn(Guardian.resuming(HintReplay.create(hints, topology, replication)), "hint-replay");
    handOffBeforeLeaving(system, antiEntropy, settings.cluster().leaveHandoffTimeout());
    ReplicaClient client = new ReplicaClient(context.getSystem(), topology, replicas, readiness, hints, replication);
    return new Parts(partitioner, topology, replicas, readiness, retired, client);
  }

  /**
   * Coordinated shutdown's phase for the hand-off, between the shard region's stop (this node
   * then runs no entity, so it coordinates no more writes) and the leave (until which the ring
   * keeps it). Its place and timeout are set in {@link KvNode}.
   */
  static final String HAND_OFF_PHASE = "kvstore-hand-off";

  /**
   * A graceful stop (SIGTERM, an operator's leave, a scale-down) hands every partition off before
   * the node leaves the cluster: without it, two replicas of a partition leaving at once (a
   * StatefulSet scaled down by two) could take with them a write that only they had
   * acknowledged. A node already downed or removed, or out of the ring, has no one to hand to.
   */
  private static void handOffBeforeLeaving(ActorSystem<?> system, ActorRef<AntiEntropy.Command> antiEntropy, Duration timeout) {
    CoordinatedShutdown.get(system)
        .addTask(
            HAND_OFF_PHASE,
            "kvstore-hand-off",
            () -> {
              MemberStatus status = Cluster.get(system).selfMember().status();
              if (!HANDS_OFF.contains(status)) {
                return CompletableFuture.completedFuture(Done.getInstance());
              }
              return AskPattern.<AntiEntropy.Command, Done>ask(antiEntropy, AntiEntropy.HandOff::new, timeout, system.scheduler())
                  .exceptionally(
                      failure -> {
                        system.log().warn(
                            "hand-off not finished within {} (kvstore.cluster.leave-handoff-timeout); leaving anyway: "
                                + "partitions not handed off catch up from their other replicas",
                            timeout);
                        return Done.getInstance();
                      });
            });
  }

  private static final Set<MemberStatus> HANDS_OFF = Set.of(MemberStatus.up(), MemberStatus.weaklyUp(), MemberStatus.leaving());
}
