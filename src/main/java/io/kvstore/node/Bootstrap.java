package io.kvstore.node;

import akka.actor.setup.Setup;
import akka.actor.typed.ActorSystem;
import akka.management.cluster.bootstrap.ClusterBootstrap;
import akka.management.javadsl.AkkaManagement;
import akka.management.javadsl.LivenessCheckSetup;
import akka.management.javadsl.ReadinessCheckSetup;
import io.kvstore.http.Health;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * Cluster formation by Akka Cluster Bootstrap ({@code kvstore.cluster.formation = bootstrap}):
 * Akka Management serves the bootstrap's contact point and {@code /alive} and {@code /ready},
 * which answer kvstore's own health, not only Akka's membership.
 */
final class Bootstrap {
  private Bootstrap() {}

  /**
   * Akka Management's readiness and liveness checks, answered by the node's {@link Health} once
   * start-up has produced it. Before that the node is alive (start-up has its own timeout and the
   * startup probe its own budget) and not ready.
   */
  static List<Setup> healthChecks(CompletionStage<? extends Health> started) {
    CompletableFuture<? extends Health> health = started.toCompletableFuture();
    Supplier<Optional<Health>> now =
        () -> health.isDone() && !health.isCompletedExceptionally() ? Optional.of(health.join()) : Optional.empty();
    Supplier<CompletionStage<Boolean>> ready =
        () -> CompletableFuture.completedFuture(now.get().map(node -> node.notReadyReasons().isEmpty()).orElse(false));
    // Liveness leaves membership out: a node waiting to join, or cut off from the others, is not
    // helped by a restart, and restarting every pod of a partitioned cluster would lose it all.
    Supplier<CompletionStage<Boolean>> alive =
        () -> CompletableFuture.completedFuture(now.get().map(node -> node.fatalFailure().isEmpty()).orElse(true));
    return List.of(
        ReadinessCheckSetup.create(system -> List.of(ready)), LivenessCheckSetup.create(system -> List.of(alive)));
  }

  /** Starts the management HTTP server, then the bootstrap process that joins or forms the cluster. */
  static CompletionStage<Void> start(ActorSystem<?> system) {
    return AkkaManagement.get(system.classicSystem())
        .start()
        .thenAccept(
            uri -> {
              system.log().info("Akka Management on {}; forming the cluster by Cluster Bootstrap", uri);
              ClusterBootstrap.get(system.classicSystem()).start();
            });
  }
}
