package io.kvstore.node;

import akka.Done;
import akka.NotUsed;
import akka.actor.CoordinatedShutdown;
import akka.actor.typed.ActorSystem;
import akka.http.javadsl.Http;
import akka.http.javadsl.ServerBinding;
import akka.http.javadsl.model.HttpRequest;
import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.settings.ServerSettings;
import akka.stream.javadsl.Flow;
import akka.stream.javadsl.Tcp;
import io.kvstore.Stages;
import io.kvstore.api.KvCluster;
import io.kvstore.api.KvStore;
import io.kvstore.http.Health;
import io.kvstore.http.HttpApi;
import io.kvstore.resp.RespServer;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.UnaryOperator;

/** The servers clients reach: the HTTP API, its health-only listener, and the Redis protocol. */
final class FrontEnds {
  private FrontEnds() {}

  /** Each is empty when configured off. */
  record Bindings(Optional<ServerBinding> http, Optional<ServerBinding> health, Optional<Tcp.ServerBinding> resp) {}

  /** Completes once every enabled server listens; fails if one cannot bind. */
  static CompletableFuture<Bindings> bind(
      ActorSystem<?> system, KvStoreSettings settings, KvStore store, Health health, KvCluster cluster) {
    HttpApi api = new HttpApi(store, system, settings.http(), settings.limits(), health, cluster);
    CompletableFuture<Optional<ServerBinding>> http =
        settings.http().enabled()
            ? bindHttp(system, settings, settings.http().port(), server -> server, api.apiConnection())
            : CompletableFuture.completedFuture(Optional.empty());
    CompletableFuture<Optional<ServerBinding>> healthHttp =
        // Under bootstrap, Akka Management serves the health checks on its own port.
        settings.http().enabled()
                && settings.http().healthPort() >= 0
                && settings.cluster().formation() == KvStoreSettings.Formation.SEED_NODES
            ? bindHttp(
                system,
                settings,
                settings.http().healthPort(),
                server -> server.withMaxConnections(settings.http().healthMaxConnections()),
                api.healthConnection())
            : CompletableFuture.completedFuture(Optional.empty());
    CompletableFuture<Optional<Tcp.ServerBinding>> resp =
        settings.resp().enabled()
            ? Stages.direct(RespServer.bind(system, settings.resp(), store, settings.nodeId(), cluster))
                .thenApply(
                    binding -> {
                      CoordinatedShutdown.get(system)
                          .addTask(
                              CoordinatedShutdown.PhaseServiceUnbind(),
                              "resp-unbind",
                              () -> binding.unbind().thenApply(done -> Done.getInstance()));
                      return Optional.of(binding);
                    })
            : CompletableFuture.completedFuture(Optional.empty());
    return CompletableFuture.allOf(http, healthHttp, resp)
        .thenApply(bound -> new Bindings(http.join(), healthHttp.join(), resp.join()));
  }

  private static CompletableFuture<Optional<ServerBinding>> bindHttp(
      ActorSystem<?> system,
      KvStoreSettings settings,
      int port,
      UnaryOperator<ServerSettings> adapt,
      Flow<HttpRequest, HttpResponse, NotUsed> connection) {
    return Stages.direct(
            Http.get(system)
                .newServerAt(settings.http().host(), port)
                .withSettings(adapt.apply(HttpApi.withJsonTerminationAnswer(ServerSettings.create(system.classicSystem()))))
                .bindFlow(connection))
        .thenApply(
            binding -> {
              binding.addToCoordinatedShutdown(settings.requestTimeout(), system);
              return Optional.of(binding);
            });
  }
}
