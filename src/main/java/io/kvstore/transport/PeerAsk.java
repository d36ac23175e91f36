package io.kvstore.transport;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Scheduler;
import akka.actor.typed.javadsl.AskPattern;
import io.kvstore.Stages;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * Asks a peer's replica endpoint; fails (rather than throwing) when the peer has become
 * unavailable since it was chosen. Safe to call from future callbacks: it touches no actor
 * context.
 */
public final class PeerAsk {
  private final Topology topology;
  private final Duration timeout;
  private final Scheduler scheduler;

  public PeerAsk(Topology topology, Duration timeout, Scheduler scheduler) {
    this.topology = topology;
    this.timeout = timeout;
    this.scheduler = scheduler;
  }

  public <R> CompletableFuture<R> ask(String peer, Function<ActorRef<R>, ReplicaEndpoint.Command> message) {
    return topology
        .reachableEndpoint(peer)
        .map(endpoint -> Stages.direct(AskPattern.ask(endpoint, message::apply, timeout, scheduler)))
        .orElseGet(() -> CompletableFuture.failedFuture(new IllegalStateException(peer + " is not available")));
  }

  /** Why an ask of {@code peer} failed, as a quorum's refusal names it. */
  public String shortfall(String peer, Throwable failure) {
    Throwable cause = Stages.cause(failure);
    return peer + ": " + (cause instanceof TimeoutException ? "no answer within " + timeout.toMillis() + " ms" : cause.getMessage());
  }
}
