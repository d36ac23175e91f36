package io.kvstore.robustness.faults;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Hosts on one machine: each node gets its own network namespace with one address, joined to the
 * test's namespace by a veth pair on a bridge. The test reaches every node directly (as Jepsen's
 * clients do); nodes reach each other through the {@link LinkProxy}, which connects to a node
 * from an address standing for the sending node. Cuts are nftables rules in the receiving node's
 * namespace that drop what comes from a sender's addresses.
 *
 * <p>Needs root, iproute2 and nftables (bin/install-test-tools installs them). Names start with
 * {@value #PREFIX}; what an aborted run left behind is removed before a new network is made.
 */
public final class Network implements AutoCloseable {
  static final String PREFIX = "kvrb";
  private static final String BRIDGE = PREFIX + "br";
  public static final String GATEWAY = "10.77.0.1";
  private final int hosts;

  private Network(int hosts) {
    this.hosts = hosts;
  }

  public static Network create(int hosts) {
    removeLeftovers();
    Network network = new Network(hosts);
    try {
      run("ip", "link", "add", BRIDGE, "type", "bridge");
      run("ip", "addr", "add", GATEWAY + "/24", "dev", BRIDGE);
      run("ip", "link", "set", BRIDGE, "up");
      for (int i = 0; i < hosts; i++) {
        String ns = network.namespace(i);
        String veth = PREFIX + "v" + i;
        run("ip", "netns", "add", ns);
        run("ip", "link", "add", veth, "type", "veth", "peer", "name", "eth0", "netns", ns);
        run("ip", "link", "set", veth, "master", BRIDGE, "up");
        run("ip", "-n", ns, "addr", "add", network.address(i) + "/24", "dev", "eth0");
        run("ip", "-n", ns, "link", "set", "eth0", "up");
        run("ip", "-n", ns, "link", "set", "lo", "up");
        run("ip", "addr", "add", network.proxySource(i) + "/24", "dev", BRIDGE);
        run("ip", "netns", "exec", ns, "nft", "add", "table", "inet", "kvfault");
        run("ip", "netns", "exec", ns, "nft", "add", "chain", "inet", "kvfault", "input",
            "{ type filter hook input priority 0; policy accept; }");
      }
    } catch (RuntimeException e) {
      network.close();
      throw e;
    }
    return network;
  }

  public int hosts() {
    return hosts;
  }

  public String namespace(int host) {
    return PREFIX + "-n" + (host + 1);
  }

  /** The node's own address, inside its namespace. */
  public String address(int host) {
    return "10.77.0." + (11 + host);
  }

  /** The address the proxy connects from when it relays what this node sends. */
  String proxySource(int host) {
    return "10.77.0." + (61 + host);
  }

  /** The command prefix that runs a program inside the node's namespace. */
  public List<String> enter(int host) {
    return List.of("ip", "netns", "exec", namespace(host));
  }

  /** Drops everything {@code to} receives from {@code from}: {@code from} can no longer reach it. */
  public void cut(int from, int to) {
    run("ip", "netns", "exec", namespace(to), "nft", "add", "rule", "inet", "kvfault", "input",
        "ip", "saddr", "{ " + address(from) + ", " + proxySource(from) + " }", "drop");
  }

  /** Cuts both directions between every node of one side and every node of the other. */
  public void partition(List<Integer> side, List<Integer> other) {
    for (int a : side) {
      for (int b : other) {
        cut(a, b);
        cut(b, a);
      }
    }
  }

  public void heal() {
    for (int i = 0; i < hosts; i++) {
      run("ip", "netns", "exec", namespace(i), "nft", "flush", "chain", "inet", "kvfault", "input");
    }
  }

  @Override
  public void close() {
    for (int i = 0; i < hosts; i++) {
      quietly("ip", "netns", "del", namespace(i));
    }
    quietly("ip", "link", "del", BRIDGE);
  }

  private static void removeLeftovers() {
    for (String line : output("ip", "netns", "list")) {
      String name = line.split(" ")[0];
      if (name.startsWith(PREFIX)) {
        quietly("ip", "netns", "del", name);
      }
    }
    for (String line : output("ip", "-o", "link", "show")) {
      String[] fields = line.split(":\\s+");
      String name = fields.length > 1 ? fields[1].split("@")[0] : "";
      if (name.startsWith(PREFIX)) {
        quietly("ip", "link", "del", name);
      }
    }
  }

  public static void run(String... command) {
    output(command);
  }

  private static void quietly(String... command) {
    try {
      output(command);
    } catch (RuntimeException ignored) {
      // cleaning up what may not exist
    }
  }

  private static List<String> output(String... command) {
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      byte[] bytes = process.getInputStream().readAllBytes();
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException(String.join(" ", command) + " did not finish");
      }
      String text = new String(bytes, StandardCharsets.UTF_8);
      if (process.exitValue() != 0) {
        throw new IllegalStateException(String.join(" ", command) + " failed (" + process.exitValue() + "): " + text);
      }
      return new ArrayList<>(text.lines().toList());
    } catch (IOException e) {
      throw new IllegalStateException(String.join(" ", command) + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
