package io.kvstore.multijvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kvstore.testing.Eventually;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What one hostile client can do to a node of a running 3-node cluster, each found by an
 * adversarial audit: a malformed frame on the Akka remoting port, pipelined HTTP bursts, and
 * slow-header clients holding every connection. The node stays up, idle and serving.
 */
class HostileInputIT {
  /** Small, so the slow-header test saturates the API port with a few hundred sockets. */
  private static final int MAX_CONNECTIONS = 200;
  private static final Duration HEAD_TIMEOUT = Duration.ofSeconds(3);

  private static Path root;
  private static LocalCluster cluster;
  private final KvHttp http = new KvHttp();

  @BeforeAll
  static void start() throws Exception {
    root = Files.createTempDirectory("kvstore-hostile");
    cluster =
        LocalCluster.start(
            root,
            3,
            3,
            List.of(
                "-Dakka.http.server.max-connections=" + MAX_CONNECTIONS,
                "-Dkvstore.http.request-head-timeout=" + HEAD_TIMEOUT.toSeconds() + "s"));
    cluster.awaitReady(List.of(0, 1, 2), Duration.ofSeconds(90));
  }

  @AfterAll
  static void stop() throws IOException {
    cluster.close();
    try (var files = Files.walk(root)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  private static byte[] remotingFrame(int streamId, int length) {
    ByteBuffer frame = ByteBuffer.allocate(9 + 100).order(ByteOrder.LITTLE_ENDIAN);
    frame.put(new byte[] {'A', 'K', 'K', 'A', (byte) streamId}).putInt(length);
    while (frame.hasRemaining()) {
      frame.put((byte) 'q');
    }
    return frame.array();
  }

  @Test
  void malformedRemotingFramesCloseTheirConnectionAndLeaveTheNodeIdleAndServing() throws Exception {
    NodeProcess node = cluster.node(0);
    long logBefore = Files.size(node.log());
    // The audit's frame (length 0x7fffffff, which looped Akka 2.8.6's decoder for ever), a
    // negative length, and an unknown stream id.
    for (byte[] garbage : List.of(remotingFrame(2, Integer.MAX_VALUE), remotingFrame(2, -4), remotingFrame(9, 10))) {
      try (Socket socket = new Socket("127.0.0.1", cluster.remotePort(0))) {
        socket.setSoTimeout(5_000);
        socket.getOutputStream().write(garbage);
        assertTrue(closedByPeer(socket.getInputStream()), "the node closed the connection");
      }
    }
    // The cluster keeps serving through the node; meanwhile its CPU and log are watched. The flood
    // wrote some 70 MB of log a second and kept two cores busy.
    Duration cpuBefore = node.cpuTime();
    long measuredFrom = System.nanoTime();
    for (int i = 0; i < 100; i++) {
      assertEquals(200, http.put(cluster.httpPort(0), "after-garbage", Integer.toString(i), "QUORUM").status());
      assertEquals(Integer.toString(i), http.get(cluster.httpPort(1), "after-garbage", "LINEARIZABLE").body());
    }
    double coresUsed = node.cpuTime().minus(cpuBefore).toNanos() / (double) (System.nanoTime() - measuredFrom);
    assertTrue(coresUsed < 1.0, "node busy after the garbage: " + coresUsed + " cores");
    long logGrowth = Files.size(node.log()) - logBefore;
    assertTrue(logGrowth < 200_000, "log grew by " + logGrowth + " bytes");
  }

  @Test
  void thousandsOfPipelinedRequestsInOneWriteAreAllAnswered() throws Exception {
    // 500 of these in one write killed a cluster node.
    int requests = 5_000;
    String one = "GET /api/v1/keys/x HTTP/1.1\r\nHost: x\r\n\r\n";
    String burst = one.repeat(requests - 1) + "GET /api/v1/keys/x HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
    try (Socket socket = new Socket("127.0.0.1", cluster.httpPort(1))) {
      socket.setSoTimeout(30_000);
      Thread writer = new Thread(() -> {
        try {
          socket.getOutputStream().write(burst.getBytes(StandardCharsets.US_ASCII));
        } catch (IOException e) {
          // the read below fails then
        }
      });
      writer.start();
      String answers = new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
      writer.join(10_000);
      assertEquals(requests, answers.split("HTTP/1.1 404 ", -1).length - 1, "every request answered (x is absent: 404)");
    }
    assertEquals(200, http.get(cluster.httpPort(1), "/health/alive").status());
  }

  @Test
  void slowHeaderClientsAreCutOffAtTheDeadlineAndNeverBlockTheHealthPort() throws Exception {
    List<Socket> slow = new ArrayList<>();
    try {
      // Beyond the limit, within the accept backlog (100): those wait unaccepted.
      for (int i = 0; i < MAX_CONNECTIONS + 50; i++) {
        Socket socket = new Socket("127.0.0.1", cluster.httpPort(2));
        socket.setSoTimeout(1_000);
        socket.getOutputStream().write("GET /health/alive HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
        slow.add(socket);
      }
      long openedAt = System.nanoTime();
      // While they hold every connection of the API port, health checks use their own listener.
      KvHttp.Answer ready = http.get(cluster.node(2).healthPort(), "/health/ready");
      assertEquals(200, ready.status(), ready.body());
      assertTrue(System.nanoTime() - openedAt < HEAD_TIMEOUT.toNanos(), "answered while the API port was saturated");

      // A header line a second on each: never idle, yet the head never completes, and within
      // Akka's 64-header limit (which would close the connection too) for over a minute.
      java.util.Map<Socket, Long> lastDrip = new java.util.HashMap<>();
      Eventually.within(
          HEAD_TIMEOUT.plusSeconds(20),
          () -> {
            for (Socket socket : slow) {
              if (!socket.isClosed() && System.nanoTime() - lastDrip.getOrDefault(socket, openedAt) >= 1_000_000_000L) {
                lastDrip.put(socket, System.nanoTime());
                dripOrClose(socket);
              }
            }
            long open = slow.stream().filter(s -> !s.isClosed()).count();
            assertEquals(0, open, "slow connections still open");
          });
      assertTrue(System.nanoTime() - openedAt >= HEAD_TIMEOUT.toNanos(), "not closed before the deadline");
      assertEquals(200, http.get(cluster.httpPort(2), "/health/alive").status());
    } finally {
      for (Socket socket : slow) {
        socket.close();
      }
    }
  }

  /** Sends one more header line; closes our end once the node has closed its end. */
  private static void dripOrClose(Socket socket) {
    try {
      OutputStream out = socket.getOutputStream();
      out.write("X-Drip: 1\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      socket.setSoTimeout(1);
      if (socket.getInputStream().read() < 0) {
        socket.close();
      }
    } catch (SocketTimeoutException stillOpen) {
      // nothing to read: the node still holds the connection
    } catch (IOException closed) {
      try {
        socket.close();
      } catch (IOException ignored) {
        // closing
      }
    }
  }

  /** Whether the peer closed (or reset) the connection within the socket's timeout. */
  private static boolean closedByPeer(InputStream in) throws IOException {
    try {
      while (in.read() >= 0) {
        // drain anything the node sent before closing
      }
      return true;
    } catch (SocketException reset) {
      return true;
    } catch (SocketTimeoutException open) {
      return false;
    }
  }
}
