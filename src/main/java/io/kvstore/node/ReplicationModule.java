package io.kvstore.node;

import akka.actor.typed.ActorRef;
import akka.actor.typed.javadsl.ActorContext;
import akka.serialization.Serialization;
import akka.serialization.SerializationExtension;
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
    // A failure handling one message must not stop replication for the life of the node.
    context.spawn(
        Guardian.resuming(ReplicaEndpoint.create(replicas, readiness, hints, topology, replication.transferBatchBytes())),
        "replicas");
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
    context.spawn(
        Guardian.resuming(
            AntiEntropy.create(
                replicas, readiness, topology, replication, retired, version -> ringKeeper.tell(new RingKeeper.CaughtUp(version)))),
        "anti-entropy");
    context.spawn(Guardian.resuming(HintReplay.create(hints, topology, replication)), "hint-replay");
    ReplicaClient client = new ReplicaClient(context.getSystem(), topology, replicas, readiness, hints, replication);
    return new Parts(partitioner, topology, replicas, readiness, retired, client);
  }
}
