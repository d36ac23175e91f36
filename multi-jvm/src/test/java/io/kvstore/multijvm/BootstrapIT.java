package io.kvstore.multijvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kvstore.testing.Eventually;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kvstore as the StatefulSet in k8s/ runs it: pods started with the manifests' environment
 * variables form their cluster by Akka Cluster Bootstrap through the Kubernetes API (a fake API
 * server here: no kube-apiserver can run on the test machines), with no seed nodes. Each pod has
 * its own IP (127.0.0.2 and up), all on the same ports, as pods do. A fourth pod joins and
 * leaves, a rolling restart in reverse ordinal order, one pod moving to a new IP as a
 * rescheduled pod does, runs under QUORUM write load and loses no acknowledged write, and the
 * fourth pod scaled up again on its stale PVC catches up before it serves.
 */
class BootstrapIT {
  private static final String NAMESPACE = "kvstore-it";
  private static final Map<String, String> LABELS =
      Map.of("app.kubernetes.io/name", "kvstore", "app.kubernetes.io/instance", "it");
  private static final Duration READY_WITHIN = Duration.ofSeconds(120);

  @TempDir Path root;

  private final KvHttp http = new KvHttp();
  private final HttpClient probes = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final Path logs = Path.of(System.getProperty("kvstore.build.dir", "target"), "multi-jvm-logs");
  private final Map<Integer, NodeProcess> pods = new HashMap<>();
  private final Map<Integer, String> podIps = new HashMap<>();
  private FakeKubernetesApi api;
  private int managementPort;
  private int remotingPort;

  @AfterEach
  void stopAll() throws InterruptedException {
    for (NodeProcess pod : pods.values()) {
      pod.close();
    }
    if (api != null) {
      api.close();
    }
  }

  @Test
  void podsFormAClusterByBootstrapAndSurviveScalingAndARollingRestart() throws Exception {
    List<ServerSocket> held = new ArrayList<>();
    managementPort = LocalCluster.hold(held);
    remotingPort = LocalCluster.hold(held);
    for (ServerSocket socket : held) {
      socket.close();
    }
    api = FakeKubernetesApi.start(root.resolve("apiserver"), NAMESPACE, Map.of("management", managementPort, "remoting", remotingPort));
    // Another application's pod in the namespace: listed only for a selector that is too wide, and
    // then bootstrap would wait for ever for its contact point.
    api.runPod("other-0", "127.0.0.9", Map.of("app.kubernetes.io/name", "other"));

    long formationStarted = System.nanoTime();
    startPods(List.of(0, 1, 2));
    awaitReady(List.of(0, 1, 2));
    long formedMillis = (System.nanoTime() - formationStarted) / 1_000_000;
    assertEquals(3, ringSize(0), "nodes holding partitions");
    assertEquals(0, api.refused(), "requests the API server refused (token, path or selector)");
    assertTrue(api.listed() > 0, "the pods were discovered through the API");

    Map<String, String> written = new HashMap<>();
    for (int i = 0; i < 200; i++) {
      String key = "formed-" + i;
      KvHttp.Answer put = http.put(pods.get(i % 3).httpPort(), key, "v" + i, "QUORUM");
      assertEquals(200, put.status(), key + ": " + put.body());
      written.put(key, "v" + i);
    }

    // Scale up: the StatefulSet adds kvstore-3; it finds the cluster through its contact points.
    startPods(List.of(3));
    awaitReady(List.of(3));
    Eventually.within(Duration.ofSeconds(60), () -> assertEquals(4, ringSize(0), "nodes holding partitions"));

    // Scale down: kvstore-3 is deleted (deletionTimestamp, then SIGTERM) and leaves with its data
    // handed to the others.
    stopPod(3);
    Eventually.within(Duration.ofSeconds(60), () -> assertEquals(3, ringSize(0), "nodes holding partitions"));
    assertAllRead(written);

    // Rolling upgrade as the StatefulSet controller runs one: highest ordinal first, the next pod
    // only once the restarted one is ready. kvstore-1 comes back at a new IP, as a pod rescheduled
    // onto another node with its PVC does.
    int[] nextTarget = {0};
    Map<String, Long> acknowledged;
    try (WriteLoad load = new WriteLoad(4, 50, "QUORUM", () -> servingPort(nextTarget))) {
      load.awaitAcknowledged(200, Duration.ofSeconds(60));
      long rollStarted = System.nanoTime();
      for (int ordinal = 2; ordinal >= 0; ordinal--) {
        stopPod(ordinal);
        if (ordinal == 1) {
          podIps.put(1, "127.0.0.6");
        }
        startPods(List.of(ordinal));
        awaitReady(List.of(ordinal));
      }
      load.awaitAcknowledged(load.acknowledgedCount() + 200, Duration.ofSeconds(60));
      long rolledMillis = (System.nanoTime() - rollStarted) / 1_000_000;
      load.close();
      System.out.printf(
          "BootstrapIT: cluster formed and ready in %d ms; rolling restart of 3 pods took %d ms: %d writes acknowledged, %d failed, "
              + "longest time without an acknowledged write %d ms%n",
          formedMillis, rolledMillis, load.acknowledgedCount(), load.failedCount(), load.longestGapMillisAfter(rollStarted));
      assertEquals(3, ringSize(0), "nodes holding partitions after the rolling restart");
      acknowledged = load.acknowledged();
      assertAcknowledgedRead(pods.get(0), acknowledged, "QUORUM");
    }
    assertAllRead(written);

    // Scale up again: kvstore-3 comes back on its retained PVC, which missed every write of the
    // rolling restart. Once ready it has caught up: even a read of ONE replica through it shows
    // every acknowledged write.
    startPods(List.of(3));
    awaitReady(List.of(3));
    assertAcknowledgedRead(pods.get(3), acknowledged, "ONE");
  }

  private void assertAcknowledgedRead(NodeProcess pod, Map<String, Long> acknowledged, String consistency) {
    for (Map.Entry<String, Long> acked : acknowledged.entrySet()) {
      KvHttp.Answer read = http.get(pod.httpPort(), acked.getKey(), consistency);
      assertEquals(200, read.status(), acked.getKey() + ": " + read.body());
      assertTrue(
          Long.parseLong(read.body()) >= acked.getValue(),
          acked.getKey() + " shows " + read.body() + " at " + consistency + ", acknowledged " + acked.getValue());
    }
  }

  /** Round-robin over the pods not being stopped, as the client Service does. */
  private synchronized int servingPort(int[] next) {
    List<NodeProcess> serving = List.copyOf(pods.values());
    return serving.get(Math.floorMod(next[0]++, serving.size())).httpPort();
  }

  /** Lists the pods as running and starts their processes together, as the Parallel policy does. */
  private void startPods(List<Integer> ordinals) {
    for (int ordinal : ordinals) {
      podIps.putIfAbsent(ordinal, "127.0.0." + (2 + ordinal));
      api.runPod(podName(ordinal), podIps.get(ordinal), LABELS);
    }
    Map<Integer, NodeProcess> started = new HashMap<>();
    CompletableFuture.allOf(
            ordinals.stream()
                .map(ordinal -> CompletableFuture.runAsync(() -> {
                  NodeProcess pod = startPod(ordinal);
                  synchronized (started) {
                    started.put(ordinal, pod);
                  }
                }, task -> new Thread(task, "start-" + podName(ordinal)).start()))
                .toArray(CompletableFuture[]::new))
        .join();
    synchronized (this) {
      pods.putAll(started);
    }
  }

  /**
   * The StatefulSet's environment (k8s/base), with the ports the test picked: HTTP and RESP on any
   * free port, as pods sharing one host need; the service account's files where the fake API
   * server wrote them.
   */
  private NodeProcess startPod(int ordinal) {
    Map<String, String> environment = new HashMap<>();
    environment.put("KVSTORE_CLUSTER_FORMATION", "bootstrap");
    environment.put("KVSTORE_NODE_ID", podName(ordinal));
    environment.put("KVSTORE_HOSTNAME", podIps.get(ordinal));
    environment.put("KVSTORE_HTTP_HOST", "0.0.0.0");
    environment.put("KVSTORE_HTTP_PORT", "0");
    environment.put("KVSTORE_RESP_HOST", "0.0.0.0");
    environment.put("KVSTORE_RESP_PORT", "0");
    environment.put("KVSTORE_REMOTE_PORT", Integer.toString(remotingPort));
    environment.put("KVSTORE_MANAGEMENT_PORT", Integer.toString(managementPort));
    // The template's replica count: scaling the StatefulSet does not change its environment.
    environment.put("KVSTORE_REQUIRED_CONTACT_POINTS", "3");
    environment.put("KVSTORE_POD_LABEL_SELECTOR", "app.kubernetes.io/name=kvstore,app.kubernetes.io/instance=it");
    environment.put("KVSTORE_REPLICATION_FACTOR", "3");
    environment.put("KUBERNETES_NAMESPACE", NAMESPACE);
    environment.put("KUBERNETES_SERVICE_HOST", "127.0.0.1");
    environment.put("KUBERNETES_SERVICE_PORT", Integer.toString(api.port()));
    List<String> options =
        List.of(
            "-Dakka.discovery.kubernetes-api.api-ca-path=" + api.caCertificate(),
            "-Dakka.discovery.kubernetes-api.api-token-path=" + api.token());
    try {
      return NodeProcess.start(root.resolve(podName(ordinal)), podName(ordinal), logs, options, List.of(), environment);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Deletion as the StatefulSet controller does it: marked terminating (which also takes it out of
   * the client Service's endpoints), SIGTERM, then gone.
   */
  private void stopPod(int ordinal) throws InterruptedException {
    api.terminatePod(podName(ordinal));
    NodeProcess pod;
    synchronized (this) {
      pod = pods.remove(ordinal);
    }
    try {
      // terminationGracePeriodSeconds in k8s/base.
      pod.terminate(Duration.ofSeconds(120));
    } finally {
      pod.close(); // kills it if it outlived the grace period, as the kubelet does
    }
    api.removePod(podName(ordinal));
  }

  private static String podName(int ordinal) {
    return "kvstore-" + ordinal;
  }

  /** Akka Management's /ready on the pod's IP, as the readiness probe asks it; /alive stays 200. */
  private void awaitReady(List<Integer> ordinals) {
    Eventually.within(
        READY_WITHIN,
        () -> {
          for (int ordinal : ordinals) {
            assertEquals(200, probe(ordinal, "/alive"), podName(ordinal) + " /alive");
            assertEquals(200, probe(ordinal, "/ready"), podName(ordinal) + " /ready");
          }
        });
  }

  private int probe(int ordinal, String path) {
    try {
      URI uri = URI.create("http://" + podIps.get(ordinal) + ":" + managementPort + path);
      return probes.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding())
          .statusCode();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  private int ringSize(int ordinal) {
    KvHttp.Answer status = http.get(pods.get(ordinal).httpPort(), "/api/v1/cluster/status");
    int inRing = 0;
    for (var node : status.json().get("nodes")) {
      inRing += node.get("partitions").asInt() > 0 ? 1 : 0;
    }
    return inRing;
  }

  /** Each key through another pod, so that every pod's coordinator reads. */
  private void assertAllRead(Map<String, String> written) {
    int next = 0;
    for (Map.Entry<String, String> entry : written.entrySet()) {
      KvHttp.Answer read = http.get(pods.get(next++ % 3).httpPort(), entry.getKey(), "QUORUM");
      assertEquals(200, read.status(), entry.getKey() + ": " + read.body());
      assertEquals(entry.getValue(), read.body(), entry.getKey());
    }
  }
}
