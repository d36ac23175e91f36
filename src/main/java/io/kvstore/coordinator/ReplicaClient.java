package io.kvstore.coordinator;

import akka.actor.typed.ActorSystem;
import io.kvstore.api.Consistency;
import io.kvstore.api.ErrorCode;
import io.kvstore.api.UnavailableException;
import io.kvstore.crdt.Register;
import io.kvstore.entity.Replication;
import io.kvstore.replica.HintStore;
import io.kvstore.replica.PartitionReadiness;
import io.kvstore.replica.ReplicaStore;
import io.kvstore.replica.ReplicationSettings;
import io.kvstore.replica.ScanOrder;
import io.kvstore.transport.PeerAsk;
import io.kvstore.transport.PeerOutbox;
import io.kvstore.transport.ReplicaEndpoint;
import io.kvstore.transport.Topology;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The coordinator side of replication: sends a key's registers to its replicas and waits for W
 * acknowledgements, reads from R replicas and merges, repairs stale replicas after a read, and
 * keeps hints for replicas that did not acknowledge.
 */
public final class ReplicaClient implements Replication {
  private final ActorSystem<?> system;
  private final Topology topology;
  private final ReplicaStore store;
  private final PartitionReadiness readiness;
  private final HintStore hints;
  private final Duration timeout;
  private final long transferBatchBytes;
  private final Map<String, PeerOutbox> outboxes = new ConcurrentHashMap<>();
  private final AtomicLong readRepairs = new AtomicLong();
  private final PeerAsk peers;
  private final PartitionScanner scanner;

  public ReplicaClient(
      ActorSystem<?> system,
      Topology topology,
      ReplicaStore store,
      PartitionReadiness readiness,
      HintStore hints,
      ReplicationSettings settings) {
    this.system = system;
    this.topology = topology;
    this.store = store;
    this.readiness = readiness;
    this.hints = hints;
    this.timeout = settings.requestTimeout();
    this.transferBatchBytes = settings.transferBatchBytes();
    this.peers = new PeerAsk(topology, timeout, system.scheduler());
    this.scanner = new PartitionScanner(topology, peers);
  }

  /** Replicas a level needs: 1, a majority of n, or all n. */
  public static int required(Consistency consistency, int replicas) {
    return switch (consistency) {
      case ONE -> 1;
      case QUORUM, LINEARIZABLE -> replicas / 2 + 1;
      case ALL -> replicas;
    };
  }

  @Override
  public Optional<UnavailableException> refusal(String key, Consistency consistency) {
    List<String> replicas = topology.replicasOf(key);
    int needed = required(consistency, replicas.size());
    long available = replicas.stream().filter(topology::isAvailable).count();
    if (replicas.isEmpty() || available < needed) {
      return Optional.of(
          new UnavailableException(
              ErrorCode.INSUFFICIENT_REPLICAS,
              consistency + " needs " + needed + " of the key's " + replicas.size() + " replicas " + replicas
                  + "; only " + available + " are available. Nothing was written.",
              false,
              null));
    }
    return Optional.empty();
  }

  @Override
  public CompletionStage<Void> replicate(
      String key, Register register, Consistency consistency, CompletionStage<Void> localSync) {
    List<String> replicas = topology.replicasOf(key);
    if (replicas.isEmpty()) {
      return CompletableFuture.failedFuture(noRing(true));
    }
    // This node counts once synced, and W - 1 others are needed besides: a write acknowledged
    // without its owner's sync could vanish from the owner's state should its journal fail.
    int self = replicas.contains(topology.selfId()) ? 1 : 0;
    int othersNeeded = required(consistency, replicas.size()) - self;
    QuorumTally tally = new QuorumTally(othersNeeded, replicas.size() - self);
    CompletableFuture<Void> othersSynced = new CompletableFuture<>();
    if (othersNeeded <= 0) {
      othersSynced.complete(null);
    }
    for (String replica : replicas) {
      if (replica.equals(topology.selfId())) {
        continue;
      }
      outbox(replica)
          .send(key, register)
          .whenComplete(
              (synced, failure) -> {
                if (failure == null) {
                  if (tally.succeed()) {
                    othersSynced.complete(null);
                  }
                } else {
                  hints.add(replica, key, register);
                  if (tally.fail(peers.shortfall(replica, failure))) {
                    othersSynced.completeExceptionally(writeFailure(key, consistency, tally));
                  }
                }
              });
    }
    return localSync.thenCompose(synced -> othersSynced);
  }

  private static UnavailableException noRing(boolean mayHaveBeenApplied) {
    return new UnavailableException(
        ErrorCode.NO_RING,
        "this node is in no ring yet: it has not joined a cluster (POST /api/v1/cluster/nodes on a node started with"
            + " --await-join), or its cluster has not formed one",
        mayHaveBeenApplied,
        null);
  }

  /** Fails at once where a request would otherwise wait out its timeout for a cluster to exist. */
  public void requireRing() {
    if (topology.placement().ring().nodes().isEmpty()) {
      throw noRing(false);
    }
  }

  /**
   * Names the replicas that made the write or read impossible, and why: the count of successes
   * at that moment would mislead, since other answers may still be on their way.
   */
  private UnavailableException writeFailure(String key, Consistency consistency, QuorumTally tally) {
    return new UnavailableException(
        ErrorCode.REPLICATION_FAILED,
        consistency + " write of '" + key + "' cannot be synced on the " + tally.needed()
            + " replicas it needs besides its owner: " + String.join("; ", tally.shortfalls())
            + ". It may have been applied partially and may still become visible; read the key to find out.",
        true,
        null);
  }

  @Override
  public CompletionStage<Register> readQuorum(String key) {
    return read(key, Consistency.QUORUM);
  }

  /**
   * Reads the key from as many ready replicas as {@code consistency} needs and merges their
   * registers; once every replica has answered (or the timeout passed), replicas holding less than
   * the merge are repaired in the background.
   */
  public CompletionStage<Register> read(String key, Consistency consistency) {
    int partition = topology.partitioner().partitionOf(key);
    List<String> replicas = topology.placement().replicas(partition);
    int needed = required(consistency, replicas.size());
    if (consistency == Consistency.ONE && replicas.contains(topology.selfId()) && readiness.isReady(partition)) {
      return CompletableFuture.completedFuture(store.get(key).orElse(null));
    }
    if (replicas.isEmpty()) {
      return CompletableFuture.failedFuture(noRing(false));
    }
    QuorumTally tally = new QuorumTally(needed, replicas.size());
    CompletableFuture<Register> result = new CompletableFuture<>();
    List<ReplicaEndpoint.ReadReply> replies = new ArrayList<>();
    List<CompletableFuture<Void>> answered = new ArrayList<>();
    for (String replica : replicas) {
      CompletableFuture<ReplicaEndpoint.ReadReply> reply;
      if (replica.equals(topology.selfId())) {
        reply =
            CompletableFuture.completedFuture(
                new ReplicaEndpoint.ReadReply(replica, readiness.isReady(partition), store.get(key).orElse(null)));
      } else {
        reply = peers.ask(replica, replyTo -> new ReplicaEndpoint.Read(key, replyTo));
      }
      answered.add(
          reply.handle(
              (answer, failure) -> {
                synchronized (replies) {
                  if (answer != null) {
                    replies.add(answer);
                  }
                  if (answer != null && answer.ready()) {
                    if (tally.succeed()) {
                      result.complete(mergeOf(replies));
                    }
                  } else if (tally.fail(answer != null ? replica + ": still catching up" : peers.shortfall(replica, failure))) {
                    result.completeExceptionally(readFailure(key, consistency, replicas, tally));
                  }
                }
                return null;
              }));
    }
    CompletableFuture.allOf(answered.toArray(CompletableFuture[]::new)).thenRun(() -> repair(key, replies));
    return result;
  }

  private UnavailableException readFailure(String key, Consistency consistency, List<String> replicas, QuorumTally tally) {
    return new UnavailableException(
        ErrorCode.INSUFFICIENT_REPLICAS,
        consistency + " read of '" + key + "' needs " + tally.needed() + " of the replicas " + replicas
            + " up to date and answering: " + String.join("; ", tally.shortfalls()) + ".",
        false,
        null);
  }

  private static Register mergeOf(List<ReplicaEndpoint.ReadReply> replies) {
    Register merged = null;
    for (ReplicaEndpoint.ReadReply reply : replies) {
      if (reply.register() != null) {
        merged = reply.register().merge(merged);
      }
    }
    return merged;
  }

  /** Read repair: sends the merge of every answer to each replica that holds less. */
  private void repair(String key, List<ReplicaEndpoint.ReadReply> replies) {
    List<ReplicaEndpoint.ReadReply> all;
    synchronized (replies) {
      all = List.copyOf(replies);
    }
    Register merged = mergeOf(all);
    if (merged == null) {
      return;
    }
    for (ReplicaEndpoint.ReadReply reply : all) {
      if (reply.register() != null && reply.register().covers(merged)) {
        continue;
      }
      readRepairs.incrementAndGet();
      if (reply.node().equals(topology.selfId())) {
        store.merge(key, merged);
      } else {
        outbox(reply.node()).send(key, merged);
      }
    }
  }

  /** One page of a partition's scan, from as many caught-up replicas as {@code consistency} needs. */
  CompletableFuture<ScanOrder.Page<ReplicaStore.Entry>> scan(PartitionScanner.Request request, Consistency consistency) {
    return scanner.page(request, consistency);
  }

  int partitions() {
    return topology.partitioner().partitions();
  }

  /** Stale replicas repaired after reads since start. */
  public long readRepairs() {
    return readRepairs.get();
  }

  private PeerOutbox outbox(String peer) {
    return outboxes.computeIfAbsent(
        peer,
        id -> new PeerOutbox(id, () -> topology.reachableEndpoint(id), timeout, system.scheduler(), transferBatchBytes));
  }
}
