package io.kvstore.multijvm;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A kvstore node in its own JVM, started from the packaged jar exactly as bin/kvstore starts it,
 * on ephemeral ports; its output goes to a log file for post-mortems.
 */
public final class NodeProcess implements AutoCloseable {
  // Serving, not ready: a test decides itself how long a node may take to catch up.
  private static final Pattern READY =
      Pattern.compile("serving: HTTP on [^:]+:(\\d+), RESP on [^:]+:(\\d+|-), health on [^:]+:(\\d+|-)");

  /** The ports a node printed when it was ready; -1 for a listener it does not have. */
  private record Ports(int http, int resp, int health) {}

  private final Process process;
  private final Ports ports;
  private final Path log;

  private NodeProcess(Process process, Ports ports, Path log) {
    this.process = process;
    this.ports = ports;
    this.log = log;
  }

  public static NodeProcess start(Path dataDir, String nodeId, Path logDir) throws Exception {
    return start(dataDir, nodeId, logDir, List.of("--http-port", "0", "--resp-port", "0", "--remote-port", "0"));
  }

  /** @param options further command-line options (ports, seed nodes, ...) and {@code -D} settings */
  public static NodeProcess start(Path dataDir, String nodeId, Path logDir, List<String> options) throws Exception {
    return start(dataDir, nodeId, logDir, options, List.of(), Map.of());
  }

  /**
   * @param wrapper a command that runs the JVM (it must exec it, so the pid stays the JVM's), such
   *     as {@code ip netns exec <namespace>}
   * @param environment added to the JVM's environment
   */
  public static NodeProcess start(
      Path dataDir, String nodeId, Path logDir, List<String> options, List<String> wrapper, Map<String, String> environment)
      throws Exception {
    Path jar = Path.of(System.getProperty("kvstore.build.dir", "target"), "kvstore.jar");
    if (!Files.exists(jar)) {
      throw new IllegalStateException(jar + " is missing: run `mvn package` (mvn verify does)");
    }
    Files.createDirectories(logDir);
    Path log = logDir.resolve(nodeId + "-" + System.nanoTime() + ".log");
    List<String> command = new ArrayList<>(wrapper);
    command.addAll(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx512m",
        // Several test nodes share a host: their health listeners too take any free port.
        "-Dkvstore.http.health-port=0",
        // Test machines may have little free disk; the production floor is 256 MiB.
        "-Dkvstore.storage.min-free-space=16MiB"));
    options.stream().filter(o -> o.startsWith("-D")).forEach(command::add);
    command.addAll(List.of("-jar", jar.toString(), "--data-dir", dataDir.toString(), "--node-id", nodeId));
    options.stream().filter(o -> !o.startsWith("-D")).forEach(command::add);
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().putAll(environment);
    Process process = builder.start();
    CompletableFuture<Ports> port = new CompletableFuture<>();
    Thread pump =
        new Thread(
            () -> {
              try (BufferedReader reader =
                      new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
                  var out = Files.newBufferedWriter(log)) {
                String line;
                while ((line = reader.readLine()) != null) {
                  out.write(line);
                  out.newLine();
                  out.flush();
                  Matcher ready = READY.matcher(line);
                  if (ready.find()) {
                    port.complete(new Ports(Integer.parseInt(ready.group(1)), portOrNone(ready.group(2)), portOrNone(ready.group(3))));
                  }
                }
              } catch (IOException e) {
                port.completeExceptionally(e);
              }
              port.completeExceptionally(new IllegalStateException("node exited before it was ready; see " + log));
            },
            "output-" + nodeId);
    pump.setDaemon(true);
    pump.start();
    try {
      return new NodeProcess(process, port.get(90, TimeUnit.SECONDS), log);
    } catch (Exception e) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      throw new IllegalStateException("node " + nodeId + " did not start; see " + log, e);
    }
  }

  private static int portOrNone(String printed) {
    return printed.equals("-") ? -1 : Integer.parseInt(printed);
  }

  public int httpPort() {
    return ports.http();
  }

  /** The Redis-protocol port; -1 when the node serves none. */
  public int respPort() {
    return ports.resp();
  }

  /** The health-only HTTP listener's port (each test node gets a free one). */
  public int healthPort() {
    return ports.health();
  }

  public Path log() {
    return log;
  }

  /** CPU time (user + system) the node's process has used so far, from /proc. */
  public Duration cpuTime() throws java.io.IOException {
    String stat = Files.readString(Path.of("/proc", Long.toString(process.pid()), "stat"));
    // Fields after the parenthesised command name; utime and stime are the 14th and 15th overall.
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    return Duration.ofMillis(ticks * 1000 / CLOCK_TICKS_PER_SECOND);
  }

  /** Linux's USER_HZ, the unit of /proc's CPU times, on every architecture it runs here. */
  private static final long CLOCK_TICKS_PER_SECOND = 100;

  public long pid() {
    return process.pid();
  }

  /** SIGTERM: the node leaves the cluster gracefully (coordinated shutdown) and exits. */
  public void terminate(Duration within) throws InterruptedException {
    // Through the handle: Process.destroy() also closes the pipe the node logs to, and everything
    // it logs while it shuts down would be lost.
    process.toHandle().destroy();
    if (!process.waitFor(within.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new IllegalStateException("node did not exit within " + within + " after SIGTERM; see " + log);
    }
  }

  /** Waits for the process to end by itself (after a graceful leave, say). */
  public void awaitExit(Duration within) throws InterruptedException {
    if (!process.waitFor(within.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new IllegalStateException("node did not exit within " + within + "; see " + log);
    }
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** SIGSTOP: the JVM stops dead, sockets open, until {@link #resume}. */
  public void pause() throws Exception {
    signal("STOP");
  }

  /** SIGCONT after {@link #pause}. */
  public void resume() throws Exception {
    signal("CONT");
  }

  private void signal(String name) throws Exception {
    Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start();
    if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
      throw new IllegalStateException("kill -" + name + " " + process.pid() + " failed");
    }
  }

  /** SIGKILL: no shutdown hook, no flush, nothing the node can do about it. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      throw new IllegalStateException("node did not die");
    }
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      kill();
    }
  }
}
