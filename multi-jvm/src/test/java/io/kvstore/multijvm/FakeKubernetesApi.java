package io.kvstore.multijvm;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * The one call of the Kubernetes API that Akka's kubernetes-api discovery makes (list the pods of
 * a namespace by label selector), over HTTPS with a throwaway self-signed certificate and a bearer
 * token, answering the real PodList JSON shape. No kube-apiserver can run on the test machines;
 * this stands in for it, and is as strict as one about the token and the selector.
 */
final class FakeKubernetesApi implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String PASSWORD = "changeit";

  /** A pod as the StatefulSet's template makes it: its labels and its named container ports. */
  private record Pod(String name, String ip, Map<String, String> labels, boolean terminating) {}

  private final HttpsServer server;
  private final Path caCertificate;
  private final Path token;
  private final String namespace;
  private final Map<String, Integer> containerPorts;
  private final Map<String, Pod> pods = new LinkedHashMap<>();
  private final AtomicInteger listed = new AtomicInteger();
  private final AtomicInteger refused = new AtomicInteger();

  private FakeKubernetesApi(
      HttpsServer server, Path caCertificate, Path token, String namespace, Map<String, Integer> containerPorts) {
    this.server = server;
    this.caCertificate = caCertificate;
    this.token = token;
    this.namespace = namespace;
    this.containerPorts = containerPorts;
  }

  /**
   * @param containerPorts the container ports every pod declares, by name (discovery picks the one
   *     named {@code management})
   */
  static FakeKubernetesApi start(Path directory, String namespace, Map<String, Integer> containerPorts) throws Exception {
    Files.createDirectories(directory);
    Path keyStore = directory.resolve("apiserver.p12");
    Path caCertificate = directory.resolve("ca.crt");
    keytool("-genkeypair", "-keystore", keyStore.toString(), "-storetype", "PKCS12", "-storepass", PASSWORD,
        "-alias", "apiserver", "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2",
        "-dname", "CN=kube-apiserver", "-ext", "san=ip:127.0.0.1", "-ext", "bc:c");
    keytool("-exportcert", "-rfc", "-keystore", keyStore.toString(), "-storetype", "PKCS12", "-storepass", PASSWORD,
        "-alias", "apiserver", "-file", caCertificate.toString());
    Path token = directory.resolve("token");
    Files.writeString(token, UUID.randomUUID().toString());

    KeyStore keys = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(keyStore)) {
      keys.load(in, PASSWORD.toCharArray());
    }
    KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    keyManagers.init(keys, PASSWORD.toCharArray());
    SSLContext tls = SSLContext.getInstance("TLS");
    tls.init(keyManagers.getKeyManagers(), null, null);

    HttpsServer server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setHttpsConfigurator(new HttpsConfigurator(tls));
    FakeKubernetesApi api = new FakeKubernetesApi(server, caCertificate, token, namespace, containerPorts);
    server.createContext("/", api::handle);
    server.start();
    return api;
  }

  private static void keytool(String... arguments) throws Exception {
    List<String> command = new java.util.ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    command.addAll(List.of(arguments));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
      throw new IllegalStateException("keytool " + String.join(" ", arguments) + " failed: " + output);
    }
  }

  int port() {
    return server.getAddress().getPort();
  }

  /** What the pod's service account mounts as ca.crt: the API server's certificate. */
  Path caCertificate() {
    return caCertificate;
  }

  /** What the pod's service account mounts as token. */
  Path token() {
    return token;
  }

  /** A running pod (phase Running, a pod IP), as the StatefulSet controller and kubelet make it. */
  synchronized void runPod(String name, String ip, Map<String, String> labels) {
    pods.put(name, new Pod(name, ip, labels, false));
  }

  /** As on deletion: the pod gets a deletionTimestamp and stays listed until its process ends. */
  synchronized void terminatePod(String name) {
    Pod pod = pods.get(name);
    pods.put(name, new Pod(pod.name(), pod.ip(), pod.labels(), true));
  }

  synchronized void removePod(String name) {
    pods.remove(name);
  }

  /** Pod lists answered; requests refused for a bad token, path or selector. */
  int listed() {
    return listed.get();
  }

  int refused() {
    return refused.get();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String expected = "Bearer " + Files.readString(token);
      if (!expected.equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
        refuse(exchange, 401, "Unauthorized");
        return;
      }
      String path = exchange.getRequestURI().getPath();
      Map<String, String> selector = labelSelector(exchange.getRequestURI().getRawQuery());
      if (!exchange.getRequestMethod().equals("GET")
          || !path.equals("/api/v1/namespaces/" + namespace + "/pods")
          || selector.isEmpty()) {
        refuse(exchange, 404, "the server could not find the requested resource");
        return;
      }
      listed.incrementAndGet();
      byte[] body = JSON.writeValueAsBytes(podList(selector));
      exchange.getResponseHeaders().add("Content-Type", "application/json");
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
    }
  }

  /** {@code labelSelector=a=b,c=d}: equality requirements only, as kvstore's selector is. */
  private static Map<String, String> labelSelector(String rawQuery) {
    Map<String, String> selector = new LinkedHashMap<>();
    if (rawQuery == null) {
      return selector;
    }
    for (String parameter : rawQuery.split("&")) {
      if (parameter.startsWith("labelSelector=")) {
        String value = URLDecoder.decode(parameter.substring("labelSelector=".length()), StandardCharsets.UTF_8);
        for (String requirement : value.split(",")) {
          String[] keyValue = requirement.split("=", 2);
          selector.put(keyValue[0].trim(), keyValue.length == 2 ? keyValue[1].trim() : "");
        }
      }
    }
    return selector;
  }

  private synchronized ObjectNode podList(Map<String, String> selector) {
    ObjectNode list = JSON.createObjectNode().put("kind", "PodList").put("apiVersion", "v1");
    list.putObject("metadata").put("resourceVersion", Integer.toString(listed.get()));
    ArrayNode items = list.putArray("items");
    for (Pod pod : pods.values()) {
      if (pod.labels().entrySet().containsAll(selector.entrySet())) {
        items.add(podJson(pod));
      }
    }
    return list;
  }

  private ObjectNode podJson(Pod pod) {
    ObjectNode json = JSON.createObjectNode();
    ObjectNode metadata = json.putObject("metadata").put("name", pod.name()).put("namespace", namespace);
    pod.labels().forEach(metadata.putObject("labels")::put);
    if (pod.terminating()) {
      metadata.put("deletionTimestamp", Instant.now().toString());
    }
    ObjectNode container = json.putObject("spec").putArray("containers").addObject().put("name", "kvstore");
    ArrayNode ports = container.putArray("ports");
    containerPorts.forEach((name, port) -> ports.addObject().put("name", name).put("containerPort", port).put("protocol", "TCP"));
    ObjectNode status = json.putObject("status").put("phase", "Running").put("podIP", pod.ip());
    status.putArray("podIPs").addObject().put("ip", pod.ip());
    status.putArray("containerStatuses").addObject().put("name", "kvstore").put("ready", false).putObject("state").putObject("running");
    return json;
  }

  private void refuse(HttpExchange exchange, int status, String message) throws IOException {
    refused.incrementAndGet();
    ObjectNode body = JSON.createObjectNode().put("kind", "Status").put("apiVersion", "v1").put("status", "Failure");
    body.put("message", message).put("code", status);
    byte[] bytes = JSON.writeValueAsBytes(body);
    exchange.getResponseHeaders().add("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
