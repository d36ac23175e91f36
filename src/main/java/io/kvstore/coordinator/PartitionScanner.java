package io.kvstore.coordinator;

import io.kvstore.api.Consistency;
import io.kvstore.api.ErrorCode;
import io.kvstore.api.UnavailableException;
import io.kvstore.replica.ReplicaStore;
import io.kvstore.replica.ScanOrder;
import io.kvstore.transport.PeerAsk;
import io.kvstore.transport.ReplicaEndpoint;
import io.kvstore.transport.Topology;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Reads one page of a partition's scan from its replicas: at ONE from the first caught-up
 * replica that answers (this node first when it is one), at QUORUM and ALL from that many
 * caught-up replicas, merged ({@link ScanMerge}).
 */
final class PartitionScanner {
  /** What a page asks the replicas for. */
  record Request(int partition, long from, int limit, String prefix, String match, boolean values) {}

  private final Topology topology;
  private final PeerAsk peers;

  PartitionScanner(Topology topology, PeerAsk peers) {
    this.topology = topology;
    this.peers = peers;
  }

  CompletableFuture<ScanOrder.Page<ReplicaStore.Entry>> page(Request request, Consistency consistency) {
    List<String> replicas = new ArrayList<>(topology.placement().replicas(request.partition()));
    if (replicas.isEmpty()) {
      return CompletableFuture.failedFuture(
          new UnavailableException(ErrorCode.NO_RING, "this node is in no ring yet: it knows no replicas to scan", false, null));
    }
    if (replicas.remove(topology.selfId())) {
      replicas.add(0, topology.selfId());
    }
    QuorumTally tally = new QuorumTally(ReplicaClient.required(consistency, replicas.size()), replicas.size());
    return consistency == Consistency.ONE
        ? firstReady(request, replicas, 0, tally)
        : merged(request, replicas, tally, consistency);
  }

  private CompletableFuture<ScanOrder.Page<ReplicaStore.Entry>> firstReady(
      Request request, List<String> replicas, int index, QuorumTally tally) {
    if (index == replicas.size()) {
      return CompletableFuture.failedFuture(shortOf(request, Consistency.ONE, replicas, tally));
    }
    String replica = replicas.get(index);
    return ask(replica, request, true)
        .handle(
            (reply, failure) -> {
              if (reply != null && reply.ready()) {
                return CompletableFuture.completedFuture(new ScanOrder.Page<>(reply.entries(), reply.next()));
              }
              tally.fail(shortfall(replica, reply, failure));
              return firstReady(request, replicas, index + 1, tally);
            })
        .thenCompose(page -> page);
  }

  private CompletableFuture<ScanOrder.Page<ReplicaStore.Entry>> merged(
      Request request, List<String> replicas, QuorumTally tally, Consistency consistency) {
    CompletableFuture<ScanOrder.Page<ReplicaStore.Entry>> result = new CompletableFuture<>();
    List<ScanMerge.Reply> ready = new ArrayList<>();
    for (String replica : replicas) {
      ask(replica, request, false)
          .whenComplete(
              (reply, failure) -> {
                synchronized (ready) {
                  if (reply != null && reply.ready()) {
                    ready.add(new ScanMerge.Reply(reply.entries(), reply.next()));
                    if (tally.succeed()) {
                      result.complete(ScanMerge.merge(List.copyOf(ready), System.currentTimeMillis()));
                    }
                  } else if (tally.fail(shortfall(replica, reply, failure))) {
                    result.completeExceptionally(shortOf(request, consistency, replicas, tally));
                  }
                }
              });
    }
    return result;
  }

  private CompletableFuture<ReplicaEndpoint.ScanReply> ask(String replica, Request request, boolean liveOnly) {
    return peers.ask(
        replica,
        replyTo ->
            new ReplicaEndpoint.Scan(
                request.partition(),
                request.from(),
                request.limit(),
                request.prefix(),
                request.match(),
                liveOnly,
                request.values(),
                replyTo));
  }

  private String shortfall(String replica, ReplicaEndpoint.ScanReply reply, Throwable failure) {
    return reply != null ? replica + ": still catching up" : peers.shortfall(replica, failure);
  }

  private static UnavailableException shortOf(Request request, Consistency consistency, List<String> replicas, QuorumTally tally) {
    return new UnavailableException(
        ErrorCode.INSUFFICIENT_REPLICAS,
        consistency + " scan of partition " + request.partition() + " needs " + tally.needed() + " of the replicas " + replicas
            + " up to date and answering: " + String.join("; ", tally.shortfalls()) + ".",
        false,
        null);
  }
}
