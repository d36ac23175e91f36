package io.kvstore.repair;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Scheduler;
import akka.actor.typed.javadsl.AskPattern;
import io.kvstore.Stages;
import io.kvstore.transport.ReplicaEndpoint;
import io.kvstore.transport.Topology;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * Asks a peer's replica endpoint for repair work; fails (rather than throwing) when the peer has
 * become unavailable since it was chosen. Safe to call from future callbacks: it touches no
 * actor context.
 */
final class PeerAsk {
  private final Topology topology;
  private final Duration timeout;
  private final Scheduler scheduler;

  PeerAsk(Topology topology, Duration timeout, Scheduler scheduler) {
    this.topology = topology;
    this.timeout = timeout;
    this.scheduler = scheduler;
  }

  <R> CompletableFuture<R> ask(String peer, Function<ActorRef<R>, ReplicaEndpoint.Command> message) {
    return topology
        .reachableEndpoint(peer)
        .map(endpoint -> Stages.direct(AskPattern.ask(endpoint, message::apply, timeout, scheduler)))
        .orElseGet(() -> CompletableFuture.failedFuture(new IllegalStateException(peer + " is not available")));
  }
}
