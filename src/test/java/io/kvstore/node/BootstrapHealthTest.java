package io.kvstore.node;

import static org.junit.jupiter.api.Assertions.assertEquals;

import akka.actor.ActorSystem;
import akka.actor.BootstrapSetup;
import akka.actor.setup.ActorSystemSetup;
import akka.actor.setup.Setup;
import akka.management.javadsl.AkkaManagement;
import com.typesafe.config.ConfigFactory;
import io.kvstore.http.Health;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Akka Management's /ready and /alive, as kubelet's probes see them, answer the node's own health:
 * not ready until start-up is done and every reason is gone; alive unless storage failed, whatever
 * the membership.
 */
class BootstrapHealthTest {
  private final CompletableFuture<Health> started = new CompletableFuture<>();
  private final HttpClient client = HttpClient.newHttpClient();
  private ActorSystem system;
  private String base;

  /** A node's health as a test sets it. */
  private static final class SetHealth implements Health {
    volatile List<String> notReady = List.of();
    volatile Optional<String> fatal = Optional.empty();

    @Override
    public List<String> notReadyReasons() {
      return notReady;
    }

    @Override
    public Optional<String> fatalFailure() {
      return fatal;
    }
  }

  @BeforeEach
  void startManagement() throws Exception {
    List<Setup> setups =
        new ArrayList<>(
            List.of(
                BootstrapSetup.create(
                    ConfigFactory.parseString(
                            """
                            akka.actor.provider = local
                            akka.management.http.hostname = "127.0.0.1"
                            akka.management.http.port = 0
                            # Akka's own membership check and routes need a cluster; the node has one.
                            akka.management.health-checks.readiness-checks.cluster-membership = ""
                            akka.management.http.routes.cluster-management = ""
                            akka.management.http.routes.cluster-bootstrap = ""
                            """)
                        .withFallback(ConfigFactory.load()))));
    setups.addAll(Bootstrap.healthChecks(started));
    system = ActorSystem.create("health", ActorSystemSetup.create(setups.toArray(Setup[]::new)));
    base = AkkaManagement.get(system).start().toCompletableFuture().get(30, TimeUnit.SECONDS).toString();
  }

  @AfterEach
  void stop() throws Exception {
    system.terminate();
    system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  @Test
  void aStartingNodeIsAliveButNotReady() throws Exception {
    assertEquals(200, status("alive"));
    assertEquals(500, status("ready"));
  }

  @Test
  void readinessFollowsTheNodesReasonsAndLivenessOnlyAFatalFailure() throws Exception {
    SetHealth health = new SetHealth();
    health.notReady = List.of("cluster membership is Joining");
    started.complete(health);
    assertEquals(500, status("ready"));
    assertEquals(200, status("alive"), "not being a member is no reason to restart");

    health.notReady = List.of();
    assertEquals(200, status("ready"));

    health.fatal = Optional.of("RocksDB write failed");
    assertEquals(500, status("alive"));
  }

  private int status(String path) throws Exception {
    HttpRequest request = HttpRequest.newBuilder(URI.create(base).resolve(path)).timeout(Duration.ofSeconds(10)).build();
    return client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
  }
}
