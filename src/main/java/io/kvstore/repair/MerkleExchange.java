package io.kvstore.repair;

import akka.Done;
import akka.pattern.StatusReply;
import io.kvstore.replica.MerkleTree;
import io.kvstore.replica.ReplicaStore;
import io.kvstore.transport.PeerAsk;
import io.kvstore.transport.ReplicaEndpoint;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * One partition compared with one peer, and the differing buckets exchanged: pulled entries are
 * merged here (when this node replicates the partition), and pushed ones there (when the peer
 * does: an earlier ring's replica that has handed the partition off is only read from). Pages
 * stay within {@code transfer-batch-bytes}.
 */
final class MerkleExchange {
  private final ReplicaStore store;
  private final PeerAsk peers;
  private final Executor blocking;
  private final long pageBytes;

  MerkleExchange(ReplicaStore store, PeerAsk peers, Executor blocking, long pageBytes) {
    this.store = store;
    this.peers = peers;
    this.blocking = blocking;
    this.pageBytes = pageBytes;
  }

  /** Completes with whether every pushed page was acknowledged (true when nothing was pushed). */
  CompletableFuture<Boolean> exchange(int partition, String peer, boolean pull, boolean push) {
    CompletableFuture<MerkleTree> local = CompletableFuture.supplyAsync(() -> store.merkleTree(partition), blocking);
    CompletableFuture<ReplicaEndpoint.TreeReply> remote =
        peers.ask(peer, replyTo -> new ReplicaEndpoint.GetTree(partition, replyTo));
    return local.thenCombine(remote, (mine, theirs) -> mine.differingBuckets(theirs.tree()))
        .thenCompose(
            differing -> {
              if (differing.length == 0) {
                return CompletableFuture.completedFuture(true);
              }
              List<Integer> buckets = Arrays.stream(differing).boxed().toList();
              CompletableFuture<Void> pulled =
                  pull ? pull(peer, partition, buckets, null) : CompletableFuture.completedFuture(null);
              return push
                  ? pulled.thenCompose(done -> push(peer, partition, buckets, null))
                  : pulled.thenApply(done -> true);
            });
  }

  /** Merges the peer's entries of the buckets here, one page after another. */
  private CompletableFuture<Void> pull(String peer, int partition, List<Integer> buckets, String after) {
    return peers
        .<ReplicaEndpoint.EntriesReply>ask(peer, replyTo -> new ReplicaEndpoint.GetEntries(partition, buckets, after, replyTo))
        .thenCompose(
            page ->
                store
                    .mergeAll(page.entries())
                    .thenCompose(
                        merged ->
                            page.resumeAfter() == null
                                ? CompletableFuture.completedFuture(null)
                                : pull(peer, partition, buckets, page.resumeAfter())));
  }

  /** Sends this node's entries of the buckets to the peer, one page after another; true once all are acknowledged. */
  private CompletableFuture<Boolean> push(String peer, int partition, List<Integer> buckets, String after) {
    return CompletableFuture.supplyAsync(() -> store.entries(partition, buckets::contains, after, pageBytes), blocking)
        .thenCompose(
            page -> {
              if (page.entries().isEmpty()) {
                return CompletableFuture.completedFuture(true);
              }
              return peers
                  .<StatusReply<Done>>ask(peer, replyTo -> new ReplicaEndpoint.ApplyAll(page.entries(), replyTo))
                  .thenCompose(
                      reply ->
                          !reply.isSuccess() || page.resumeAfter() == null
                              ? CompletableFuture.completedFuture(reply.isSuccess())
                              : push(peer, partition, buckets, page.resumeAfter()));
            });
  }
}
