package io.kvstore.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigSyntax;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import java.io.File;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The Kubernetes manifests (k8s/), as each overlay renders: parsed strictly into the Kubernetes
 * object model and checked against one another and against the environment the node reads.
 * Offline: no cluster is involved, so scheduling, RBAC enforcement and the probes' answers are
 * not tested here, nor is the image.
 *
 * <p>YAML to objects: no YAML parser is on the test class path, so kubectl converts. {@code
 * kubectl kustomize} renders (YAML only), and {@code kubectl patch --local} with an empty merge
 * patch prints what it read as JSON, unchanged and unknown fields included, without a server
 * (unlike {@code create --dry-run=client}, which asks one for its API resources).
 */
class ManifestsTest {
  private static final Path OVERLAYS = Path.of("k8s", "overlays");
  private static final long KUBECTL_TIMEOUT_SECONDS = 60;
  // Some kubectl builds (the Google Cloud SDK's version dispatcher) ask the API server for its
  // version before any command, even the offline ones used here. Without a kubeconfig that is
  // localhost:8080, where another test's kvstore node may be listening; port 1 refuses at once.
  private static final String NO_SERVER = "--server=http://127.0.0.1:1";

  /** What the manifests may contain, by apiVersion and kind. */
  private static final Map<String, Class<? extends HasMetadata>> KINDS =
      Map.of(
          "apps/v1 StatefulSet", StatefulSet.class,
          "v1 Service", Service.class,
          "v1 ServiceAccount", ServiceAccount.class,
          "v1 ConfigMap", ConfigMap.class,
          "rbac.authorization.k8s.io/v1 Role", Role.class,
          "rbac.authorization.k8s.io/v1 RoleBinding", RoleBinding.class,
          "policy/v1 PodDisruptionBudget", PodDisruptionBudget.class);

  /** Variables the node reads that none of kvstore's own files names. */
  private static final Set<String> READ_BY_OTHERS =
      Set.of(
          // The JVM, which takes them as command-line options.
          "JAVA_TOOL_OPTIONS",
          // akka-discovery-kubernetes-api's reference.conf: pod-namespace = ${?KUBERNETES_NAMESPACE}.
          "KUBERNETES_NAMESPACE");

  /** kvstore's files that read environment variables, each with its syntax for doing so. */
  private static final Map<Path, Pattern> ENV_READERS =
      Map.of(
          Path.of("src/main/resources/application.conf"), Pattern.compile("\\$\\{\\?([A-Za-z_][A-Za-z0-9_]*)}"),
          // Logback's ${NAME} and ${NAME:-default}.
          Path.of("src/main/resources/kvstore-logback.xml"), Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?::-[^}]*)?}"),
          // picocli's defaultValue = "${env:NAME}" in the launcher's options.
          Path.of("src/main/java/io/kvstore/node/Main.java"), Pattern.compile("\\$\\{env:([A-Za-z_][A-Za-z0-9_]*)}"));

  private static final String NODE_CONTAINER = "kvstore";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Map<Path, Rendered> RENDERED = new ConcurrentHashMap<>();

  static Stream<Path> overlays() throws IOException {
    List<Path> overlays;
    try (Stream<Path> entries = Files.list(OVERLAYS)) {
      overlays = entries.filter(Files::isDirectory).sorted().toList();
    }
    assertFalse(overlays.isEmpty(), "no overlays under " + OVERLAYS);
    return overlays.stream();
  }

  @Test
  void theStrictnessCheckFindsUnknownFieldsAtAnyDepth() throws IOException {
    HasMetadata parsed =
        parse(
            JSON.readTree(
                """
                {"apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": {"name": "kvstore"},
                 "spec": {"replica": 3,
                          "template": {"spec": {"containers": [{"name": "kvstore", "imagePullPolicyy": "Always"}]}}}}
                """));
    assertEquals(List.of("spec.replica", "spec.template.spec.containers[0].imagePullPolicyy"), unknownFields(parsed));
  }

  @Test
  void kindsAndApiVersionsOutsideTheListAreRejected() throws IOException {
    JsonNode beta = JSON.readTree("""
        {"apiVersion": "apps/v1beta2", "kind": "StatefulSet", "metadata": {"name": "kvstore"}}
        """);
    AssertionError rejected = assertThrows(AssertionError.class, () -> parse(beta));
    assertTrue(rejected.getMessage().contains("apps/v1beta2 StatefulSet"), rejected.getMessage());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("overlays")
  void rendersTheExpectedObjectsAndNoUnknownFields(Path overlay) {
    Rendered rendered = render(overlay);
    for (Class<? extends HasMetadata> kind : KINDS.values()) {
      assertEquals(kind == Service.class ? 2 : 1, rendered.all(kind).size(), overlay + ": " + kind.getSimpleName() + "s");
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("overlays")
  void theStatefulSetLetsTheClusterFormAndShutDownGracefully(Path overlay) {
    StatefulSet statefulSet = render(overlay).statefulSet();
    assertEquals("Parallel", statefulSet.getSpec().getPodManagementPolicy(), "podManagementPolicy");
    var retention = statefulSet.getSpec().getPersistentVolumeClaimRetentionPolicy();
    assertNotNull(retention, "persistentVolumeClaimRetentionPolicy");
    assertEquals("Retain", retention.getWhenDeleted(), "claims when the StatefulSet is deleted");
    assertEquals("Retain", retention.getWhenScaled(), "claims when it is scaled down");
    Long grace = statefulSet.getSpec().getTemplate().getSpec().getTerminationGracePeriodSeconds();
    assertNotNull(grace, "terminationGracePeriodSeconds");
    assertTrue(grace > 110, "terminationGracePeriodSeconds " + grace + " must exceed coordinated shutdown's phase timeouts, 110 s together");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("overlays")
  void everySelectorSelectsExactlyTheStatefulSetsPods(Path overlay) {
    Rendered rendered = render(overlay);
    Map<String, String> pods = rendered.podLabels();
    Map<String, String> own = matchLabels("the StatefulSet's selector", rendered.statefulSet().getSpec().getSelector());
    assertFalse(own.isEmpty(), "the StatefulSet's selector is empty");
    assertTrue(
        pods.entrySet().containsAll(own.entrySet()),
        "the StatefulSet's selector " + own + " does not select its pod template's labels " + pods);

    for (Service service : rendered.all(Service.class)) {
      rendered.assertSelectsExactlyThePods("Service " + service.getMetadata().getName(), service.getSpec().getSelector());
    }
    LabelSelector budget = rendered.one(PodDisruptionBudget.class).getSpec().getSelector();
    rendered.assertSelectsExactlyThePods("the PodDisruptionBudget", matchLabels("the PodDisruptionBudget", budget));
    PodSpec pod = rendered.pod();
    assertTrue(pod.getAffinity() != null && pod.getAffinity().getPodAntiAffinity() != null, "no podAntiAffinity");
    var antiAffinity = pod.getAffinity().getPodAntiAffinity().getPreferredDuringSchedulingIgnoredDuringExecution();
    assertFalse(antiAffinity.isEmpty(), "preferred podAntiAffinity");
    for (var term : antiAffinity) {
      rendered.assertSelectsExactlyThePods(
          "podAntiAffinity on " + term.getPodAffinityTerm().getTopologyKey(),
          matchLabels("podAntiAffinity", term.getPodAffinityTerm().getLabelSelector()));
    }
    assertFalse(pod.getTopologySpreadConstraints().isEmpty(), "topologySpreadConstraints");
    for (var constraint : pod.getTopologySpreadConstraints()) {
      rendered.assertSelectsExactlyThePods(
          "topologySpreadConstraint on " + constraint.getTopologyKey(),
          matchLabels("topologySpreadConstraint", constraint.getLabelSelector()));
    }

    String discovery = rendered.env("KVSTORE_POD_LABEL_SELECTOR");
    Map<String, String> discovered = new HashMap<>();
    for (String requirement : discovery.split(",")) {
      String[] keyValue = requirement.split("=", -1);
      assertTrue(
          keyValue.length == 2 && !keyValue[0].isBlank(),
          "KVSTORE_POD_LABEL_SELECTOR " + discovery + ": " + requirement + " is not key=value");
      discovered.put(keyValue[0].trim(), keyValue[1].trim());
    }
    rendered.assertSelectsExactlyThePods("KVSTORE_POD_LABEL_SELECTOR", discovered);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("overlays")
  void theServicesReachNamedContainerPorts(Path overlay) {
    Rendered rendered = render(overlay);
    Set<String> containerPorts = rendered.containerPorts().keySet();
    for (Service service : rendered.all(Service.class)) {
      for (ServicePort port : service.getSpec().getPorts()) {
        String what = "Service " + service.getMetadata().getName() + " port " + port.getName();
        assertTrue(
            containerPorts.contains(portName(what, port.getTargetPort())),
            what + " targets no container port; there are " + containerPorts);
      }
    }

    List<Service> headless = rendered.all(Service.class).stream().filter(s -> "None".equals(s.getSpec().getClusterIP())).toList();
    assertEquals(1, headless.size(), "headless Services");
    Service internal = headless.get(0);
    assertEquals(internal.getMetadata().getName(), rendered.statefulSet().getSpec().getServiceName(), "the StatefulSet's serviceName");
    assertEquals(Boolean.TRUE, internal.getSpec().getPublishNotReadyAddresses(), "publishNotReadyAddresses of the headless Service");
    assertEquals(Set.of("management", "remoting"), targetPorts(internal), "the headless Service's ports");

    Service client = rendered.all(Service.class).stream().filter(s -> s != internal).findFirst().orElseThrow();
    assertTrue(client.getSpec().getType() == null || "ClusterIP".equals(client.getSpec().getType()), "the client Service's type");
    assertEquals(Set.of("http", "resp"), targetPorts(client), "the client Service's ports");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("overlays")
  void theProbesAskTheManagementEndpoint(Path overlay) {
    Rendered rendered = render(overlay);
    Container node = rendered.node();
    assertProbe(rendered, "startupProbe", node.getStartupProbe(), "/alive");
    assertProbe(rendered, "livenessProbe", node.getLivenessProbe(), "/alive");
    assertProbe(rendered, "readinessProbe", node.getReadinessProbe(), "/ready");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("overlays")
  void thePodMayListItsPeers(Path overlay) {
    Rendered rendered = render(overlay);
    Role role = rendered.one(Role.class);
    List<PolicyRule> podRules =
        role.getRules().stream()
            .filter(rule -> rule.getApiGroups().contains("") && rule.getResources().contains("pods"))
            .toList();
    Set<String> verbs = new TreeSet<>();
    podRules.forEach(rule -> verbs.addAll(rule.getVerbs()));
    assertTrue(verbs.containsAll(Set.of("get", "watch", "list")), "the Role's verbs on pods: " + verbs);

    RoleBinding binding = rendered.one(RoleBinding.class);
    assertEquals("Role", binding.getRoleRef().getKind(), "the RoleBinding's roleRef kind");
    assertEquals("rbac.authorization.k8s.io", binding.getRoleRef().getApiGroup(), "the RoleBinding's roleRef apiGroup");
    assertEquals(role.getMetadata().getName(), binding.getRoleRef().getName(), "the RoleBinding's roleRef name");
    String account = rendered.pod().getServiceAccountName();
    assertNotNull(account, "the pod's serviceAccountName");
    assertEquals(account, rendered.one(ServiceAccount.class).getMetadata().getName(), "the ServiceAccount's name");
    String namespace = rendered.statefulSet().getMetadata().getNamespace();
    assertTrue(
        binding.getSubjects().stream()
            .anyMatch(
                s -> "ServiceAccount".equals(s.getKind()) && account.equals(s.getName()) && namespace.equals(s.getNamespace())),
        "the RoleBinding's subjects " + binding.getSubjects() + " lack ServiceAccount " + namespace + "/" + account);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("overlays")
  void theClusterSizeSettingsAgreeWithTheReplicas(Path overlay) {
    Rendered rendered = render(overlay);
    Integer replicas = rendered.statefulSet().getSpec().getReplicas();
    assertNotNull(replicas, "the StatefulSet's replicas");
    assertEquals(
        String.valueOf(replicas),
        rendered.env("KVSTORE_REQUIRED_CONTACT_POINTS"),
        "KVSTORE_REQUIRED_CONTACT_POINTS with " + replicas + " replicas");
    int factor = Integer.parseInt(rendered.env("KVSTORE_REPLICATION_FACTOR"));
    assertTrue(1 <= factor && factor <= replicas, "KVSTORE_REPLICATION_FACTOR " + factor + " with " + replicas + " replicas");
    IntOrString maxUnavailable = rendered.one(PodDisruptionBudget.class).getSpec().getMaxUnavailable();
    assertNotNull(maxUnavailable, "the PodDisruptionBudget's maxUnavailable");
    assertEquals(1, maxUnavailable.getIntVal(), "the PodDisruptionBudget's maxUnavailable");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("overlays")
  void theEnvironmentAgreesWithThePortsMountsAndPod(Path overlay) {
    Rendered rendered = render(overlay);
    Map<String, Integer> ports = rendered.containerPorts();
    Map<String, String> portVariables =
        Map.of(
            "http", "KVSTORE_HTTP_PORT",
            "resp", "KVSTORE_RESP_PORT",
            "management", "KVSTORE_MANAGEMENT_PORT",
            "remoting", "KVSTORE_REMOTE_PORT");
    portVariables.forEach(
        (name, variable) -> {
          assertTrue(ports.containsKey(name), "no container port named " + name + "; there are " + ports.keySet());
          assertEquals(String.valueOf(ports.get(name)), rendered.env(variable), variable + " against container port " + name);
        });
    assertEquals("0.0.0.0", rendered.env("KVSTORE_HTTP_HOST"), "KVSTORE_HTTP_HOST");
    assertEquals("0.0.0.0", rendered.env("KVSTORE_RESP_HOST"), "KVSTORE_RESP_HOST");
    assertEquals("bootstrap", rendered.env("KVSTORE_CLUSTER_FORMATION"), "KVSTORE_CLUSTER_FORMATION");

    assertEquals("metadata.name", rendered.fieldRef("KVSTORE_NODE_ID"), "KVSTORE_NODE_ID's source");
    assertEquals("status.podIP", rendered.fieldRef("KVSTORE_HOSTNAME"), "KVSTORE_HOSTNAME's source");
    assertEquals("metadata.namespace", rendered.fieldRef("KUBERNETES_NAMESPACE"), "KUBERNETES_NAMESPACE's source");

    assertTrue(
        rendered.statefulSet().getSpec().getVolumeClaimTemplates().stream().anyMatch(claim -> "data".equals(claim.getMetadata().getName())),
        "no volumeClaimTemplate named data");
    assertEquals(rendered.env("KVSTORE_DATA_DIR"), rendered.mountPath("data"), "KVSTORE_DATA_DIR against the data claim's mount");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("overlays")
  void theConfigFileIsTheMountedConfigMapsKvstoreSettings(Path overlay) {
    Rendered rendered = render(overlay);
    ConfigMap configMap = rendered.one(ConfigMap.class);
    Volume volume =
        rendered.pod().getVolumes().stream()
            .filter(v -> v.getConfigMap() != null && configMap.getMetadata().getName().equals(v.getConfigMap().getName()))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no volume of ConfigMap " + configMap.getMetadata().getName()));
    String directory = rendered.mountPath(volume.getName());
    String file = rendered.env("KVSTORE_CONFIG_FILE");
    String prefix = directory.endsWith("/") ? directory : directory + "/";
    assertTrue(file.startsWith(prefix), "KVSTORE_CONFIG_FILE " + file + " is not in the ConfigMap's mount " + directory);
    String key = file.substring(prefix.length());
    assertTrue(configMap.getData().containsKey(key), "the ConfigMap has no key " + key + "; it has " + configMap.getData().keySet());

    Config settings =
        ConfigFactory.parseString(configMap.getData().get(key), ConfigParseOptions.defaults().setSyntax(ConfigSyntax.CONF));
    assertEquals(Set.of("kvstore"), settings.root().keySet(), "the top-level keys of " + key);
    Config reference = ConfigFactory.defaultReference();
    for (String path : settings.entrySet().stream().map(Map.Entry::getKey).toList()) {
      assertTrue(reference.hasPath(path), key + " sets " + path + ", which is not a setting in reference.conf");
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("overlays")
  void theEnvironmentIsOnlyWhatTheNodeReads(Path overlay) {
    Set<String> readable = new TreeSet<>(READ_BY_OTHERS);
    ENV_READERS.forEach(
        (file, syntax) -> {
          Matcher names;
          try {
            names = syntax.matcher(Files.readString(file));
          } catch (IOException e) {
            throw new AssertionError("cannot read " + file, e);
          }
          while (names.find()) {
            readable.add(names.group(1));
          }
        });
    Container node = render(overlay).node();
    assertTrue(node.getEnvFrom() == null || node.getEnvFrom().isEmpty(), "envFrom sets variables this test cannot see");
    Set<String> unread = new TreeSet<>();
    node.getEnv().forEach(variable -> unread.add(variable.getName()));
    unread.removeAll(readable);
    assertEquals(Set.of(), unread, "variables set for the node that it does not read; it reads " + readable);
  }

  private static void assertProbe(Rendered rendered, String what, Probe probe, String path) {
    assertNotNull(probe, what);
    assertNotNull(probe.getHttpGet(), what + ".httpGet");
    String port = portName(what, probe.getHttpGet().getPort());
    assertTrue(rendered.containerPorts().containsKey(port), what + " asks port " + port + ", which the container does not have");
    assertEquals("management", port, what + "'s port");
    assertEquals(path, probe.getHttpGet().getPath(), what + "'s path");
  }

  /** A port given by name, as these manifests do so that a renumbering cannot leave one behind. */
  private static String portName(String what, IntOrString port) {
    assertNotNull(port, what + ": no port");
    assertNotNull(port.getStrVal(), what + ": port " + port.getIntVal() + " is a number, not a container port's name");
    return port.getStrVal();
  }

  private static Set<String> targetPorts(Service service) {
    Set<String> names = new TreeSet<>();
    service.getSpec().getPorts().forEach(port -> names.add(portName("Service " + service.getMetadata().getName(), port.getTargetPort())));
    return names;
  }

  private static Map<String, String> matchLabels(String what, LabelSelector selector) {
    assertNotNull(selector, what);
    assertTrue(
        selector.getMatchExpressions() == null || selector.getMatchExpressions().isEmpty(),
        what + " has matchExpressions, which these checks do not evaluate");
    assertNotNull(selector.getMatchLabels(), what + ".matchLabels");
    return selector.getMatchLabels();
  }

  /** The objects an overlay renders to, parsed strictly. */
  private record Rendered(Path overlay, List<HasMetadata> objects) {
    <T extends HasMetadata> List<T> all(Class<T> kind) {
      return objects.stream().filter(kind::isInstance).map(kind::cast).toList();
    }

    <T extends HasMetadata> T one(Class<T> kind) {
      List<T> found = all(kind);
      assertEquals(1, found.size(), overlay + ": " + kind.getSimpleName() + "s");
      return found.get(0);
    }

    StatefulSet statefulSet() {
      return one(StatefulSet.class);
    }

    PodSpec pod() {
      return statefulSet().getSpec().getTemplate().getSpec();
    }

    Map<String, String> podLabels() {
      Map<String, String> labels = statefulSet().getSpec().getTemplate().getMetadata().getLabels();
      assertNotNull(labels, "the pod template's labels");
      return labels;
    }

    Container node() {
      return pod().getContainers().stream()
          .filter(c -> NODE_CONTAINER.equals(c.getName()))
          .findFirst()
          .orElseThrow(() -> new AssertionError(overlay + ": no container named " + NODE_CONTAINER));
    }

    Map<String, Integer> containerPorts() {
      Map<String, Integer> ports = new HashMap<>();
      for (ContainerPort port : node().getPorts()) {
        if (port.getName() != null) {
          ports.put(port.getName(), port.getContainerPort());
        }
      }
      return ports;
    }

    private EnvVar variable(String name) {
      List<EnvVar> set = node().getEnv().stream().filter(v -> name.equals(v.getName())).toList();
      assertEquals(1, set.size(), overlay + ": entries for " + name + " in the node's env");
      return set.get(0);
    }

    String env(String name) {
      String value = variable(name).getValue();
      assertNotNull(value, name + " has no literal value");
      return value;
    }

    String fieldRef(String name) {
      var source = variable(name).getValueFrom();
      assertTrue(source != null && source.getFieldRef() != null, name + " is not from the downward API");
      return source.getFieldRef().getFieldPath();
    }

    String mountPath(String volume) {
      List<VolumeMount> mounts = node().getVolumeMounts().stream().filter(m -> volume.equals(m.getName())).toList();
      assertEquals(1, mounts.size(), "mounts of volume " + volume);
      return mounts.get(0).getMountPath();
    }

    /** Selects the pods, and no pod that the StatefulSet's own selector would not. */
    void assertSelectsExactlyThePods(String what, Map<String, String> selector) {
      assertNotNull(selector, what + ": no selector");
      Map<String, String> pods = podLabels();
      Map<String, String> own = statefulSet().getSpec().getSelector().getMatchLabels();
      assertTrue(pods.entrySet().containsAll(selector.entrySet()), what + " " + selector + " does not select the pods, labelled " + pods);
      assertTrue(
          selector.entrySet().containsAll(own.entrySet()),
          what + " " + selector + " is broader than the StatefulSet's selector " + own + ", so it may take in other pods");
    }
  }

  private static Rendered render(Path overlay) {
    return RENDERED.computeIfAbsent(overlay, ManifestsTest::renderNow);
  }

  private static Rendered renderNow(Path overlay) {
    Path kubectl = kubectl();
    byte[] yaml = run(kubectl, null, "kustomize", overlay.toString());
    byte[] json = run(kubectl, yaml, "patch", "--local", "-f", "-", "--type", "merge", "-p", "{}", "-o", "json");
    List<HasMetadata> objects = new ArrayList<>();
    try (MappingIterator<JsonNode> documents = JSON.readerFor(JsonNode.class).readValues(json)) {
      while (documents.hasNext()) {
        HasMetadata object = parse(documents.next());
        List<String> unknown = unknownFields(object);
        assertEquals(
            List.of(),
            unknown,
            overlay + ": fields the Kubernetes API does not have, in " + object.getKind() + " " + object.getMetadata().getName());
        objects.add(object);
      }
    } catch (IOException e) {
      throw new AssertionError(overlay + ": kubectl's JSON does not parse", e);
    }
    return new Rendered(overlay, objects);
  }

  private static HasMetadata parse(JsonNode document) throws IOException {
    String kind = document.path("apiVersion").asText() + " " + document.path("kind").asText();
    Class<? extends HasMetadata> type = KINDS.get(kind);
    if (type == null) {
      throw new AssertionError(
          "unexpected kind " + kind + " (of " + document.path("metadata").path("name").asText() + "); expected one of "
              + new TreeSet<>(KINDS.keySet()));
    }
    return JSON.treeToValue(document, type);
  }

  /**
   * The paths of the fields, at any depth, that the object model has no property for: fabric8
   * keeps them in each object's additionalProperties instead of rejecting them.
   */
  static List<String> unknownFields(Object root) {
    List<String> found = new ArrayList<>();
    walk(root, "", found, Collections.newSetFromMap(new IdentityHashMap<>()));
    Collections.sort(found);
    return found;
  }

  private static void walk(Object value, String path, List<String> found, Set<Object> seen) {
    if (value instanceof Collection<?> elements) {
      int i = 0;
      for (Object element : elements) {
        walk(element, path + "[" + i++ + "]", found, seen);
      }
    } else if (value instanceof Map<?, ?> entries) {
      entries.forEach((key, element) -> walk(element, path + "[" + key + "]", found, seen));
    } else if (value != null && value.getClass().getName().startsWith("io.fabric8.kubernetes.api.model.") && seen.add(value)) {
      for (Method getter : value.getClass().getMethods()) {
        if (getter.getParameterCount() != 0) {
          continue;
        }
        if (getter.getName().equals("getAdditionalProperties")) {
          Map<?, ?> additional = (Map<?, ?>) invoke(getter, value);
          if (additional != null) {
            additional.keySet().forEach(key -> found.add(join(path, String.valueOf(key))));
          }
        }
        // Only the getters of the object's Kubernetes fields: others compute (Quantity's
        // numerical amount) or copy (builders).
        JsonProperty property = getter.getAnnotation(JsonProperty.class);
        if (property != null) {
          walk(invoke(getter, value), join(path, property.value()), found, seen);
        }
      }
    }
  }

  private static String join(String path, String field) {
    return path.isEmpty() ? field : path + "." + field;
  }

  private static Object invoke(Method getter, Object target) {
    try {
      return getter.invoke(target);
    } catch (IllegalAccessException | InvocationTargetException e) {
      throw new AssertionError("cannot call " + getter, e);
    }
  }

  private static Path kubectl() {
    for (String directory : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      Path candidate = Path.of(directory, "kubectl");
      if (!directory.isEmpty() && Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    // A failure, not a skip: the manifests would otherwise go unchecked with the build green.
    return fail("kubectl is not on the PATH (bin/install-test-tools, run by `mvn verify`, installs it)");
  }

  /** kubectl's standard output, with the given standard input; fails with its standard error. */
  private static byte[] run(Path kubectl, byte[] input, String... arguments) {
    List<String> command = new ArrayList<>(List.of(kubectl.toString(), NO_SERVER));
    command.addAll(List.of(arguments));
    Path in = null;
    Path out = null;
    Path err = null;
    try {
      // Files rather than pipes, so that no buffer can fill up while this thread waits.
      out = Files.createTempFile("kubectl", ".out");
      err = Files.createTempFile("kubectl", ".err");
      ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
      if (input != null) {
        in = Files.write(Files.createTempFile("kubectl", ".in"), input);
        builder.redirectInput(in.toFile());
      }
      Process process = builder.start();
      if (!process.waitFor(KUBECTL_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        fail(String.join(" ", command) + " did not finish within " + KUBECTL_TIMEOUT_SECONDS + " s");
      }
      if (process.exitValue() != 0) {
        String hint =
            arguments[0].equals("kustomize")
                ? "(The overlays need a kustomize that reads `patches:`; the one in Debian bookworm's kubectl 1.20 does not.)"
                : "";
        fail(
            String.join(" ", command) + " exited with " + process.exitValue() + ":\n"
                + Files.readString(err, StandardCharsets.UTF_8) + hint);
      }
      return Files.readAllBytes(out);
    } catch (IOException e) {
      throw new AssertionError("cannot run " + command, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted running " + command, e);
    } finally {
      for (Path file : new Path[] {in, out, err}) {
        if (file != null) {
          file.toFile().delete();
        }
      }
    }
  }
}
