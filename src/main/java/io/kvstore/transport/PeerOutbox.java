package io.kvstore.transport;

import akka.Done;
import akka.actor.typed.ActorRef;
import akka.actor.typed.Scheduler;
import akka.actor.typed.javadsl.AskPattern;
import akka.pattern.StatusReply;
import io.kvstore.Stages;
import io.kvstore.crdt.Register;
import io.kvstore.replica.ByteBudget;
import io.kvstore.replica.ReplicaStore;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * Registers on their way to one peer's replica store. While a batch is unacknowledged, later
 * registers queue and leave together as the next {@link ReplicaEndpoint.ApplyAll}: under load one
 * remote message and one group commit on the peer carry many writes, and an idle outbox sends a
 * register at once, so batching adds no wait of its own. A batch is cut at the transfer byte
 * budget, which keeps it inside Akka's frame.
 *
 * <p>When a batch fails (the peer is gone, or did not sync within the timeout) everything queued
 * behind it fails too, rather than waiting another timeout for a peer that is not answering; the
 * caller keeps hints for all of it.
 */
public final class PeerOutbox {
  private record Pending(ReplicaStore.Entry entry, int bytes, CompletableFuture<Void> synced) {}

  private final String peer;
  private final Supplier<Optional<ActorRef<ReplicaEndpoint.Command>>> endpoint;
  private final Duration timeout;
  private final Scheduler scheduler;
  private final long batchBytes;
  private final ArrayDeque<Pending> queue = new ArrayDeque<>();
  private boolean sending;

  public PeerOutbox(
      String peer,
      Supplier<Optional<ActorRef<ReplicaEndpoint.Command>>> endpoint,
      Duration timeout,
      Scheduler scheduler,
      long batchBytes) {
    this.peer = peer;
    this.endpoint = endpoint;
    this.timeout = timeout;
    this.scheduler = scheduler;
    this.batchBytes = batchBytes;
  }

  /** Completes once the peer has synced the register, or fails when it did not. */
  public CompletableFuture<Void> send(String key, Register register) {
    Pending pending =
        new Pending(new ReplicaStore.Entry(key, register), key.length() + register.value().length, new CompletableFuture<>());
    List<Pending> batch;
    synchronized (this) {
      queue.add(pending);
      if (sending) {
        return pending.synced();
      }
      sending = true;
      batch = nextBatch();
    }
    transmit(batch);
    return pending.synced();
  }

  /** Takes the queue's head up to the byte budget; called holding the lock. */
  private List<Pending> nextBatch() {
    List<Pending> batch = new ArrayList<>();
    ByteBudget budget = new ByteBudget(batchBytes);
    while (!queue.isEmpty() && budget.admits(queue.peek().bytes())) {
      batch.add(queue.poll());
    }
    return batch;
  }

  private void transmit(List<Pending> batch) {
    List<ReplicaStore.Entry> entries = batch.stream().map(Pending::entry).toList();
    CompletableFuture<StatusReply<Done>> reply =
        endpoint
            .get()
            .map(
                ref ->
                    Stages.direct(
                        AskPattern.<ReplicaEndpoint.Command, StatusReply<Done>>ask(
                            ref, replyTo -> new ReplicaEndpoint.ApplyAll(entries, replyTo), timeout, scheduler)))
            .orElseGet(() -> CompletableFuture.failedFuture(new IllegalStateException(peer + " is not available")));
    reply.whenComplete((answer, failure) -> completed(batch, failure == null && answer.isSuccess()));
  }

  private void completed(List<Pending> batch, boolean synced) {
    List<Pending> failedBehind = List.of();
    List<Pending> next = List.of();
    synchronized (this) {
      if (!synced) {
        failedBehind = new ArrayList<>(queue);
        queue.clear();
      }
      if (queue.isEmpty()) {
        sending = false;
      } else {
        next = nextBatch();
      }
    }
    IllegalStateException notSynced = new IllegalStateException(peer + " did not sync the batch");
    for (Pending pending : batch) {
      if (synced) {
        pending.synced().complete(null);
      } else {
        pending.synced().completeExceptionally(notSynced);
      }
    }
    failedBehind.forEach(pending -> pending.synced().completeExceptionally(notSynced));
    if (!next.isEmpty()) {
      transmit(next);
    }
  }
}
