package io.kvstore.robustness.faults;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The TCP fault proxy between nodes (this kernel has no netem). Every node advertises a port of
 * this proxy as its remoting address; the proxy relays each connection to the node's real port,
 * connecting from the {@link Network#proxySource sender's proxy address} so that nftables cuts
 * still apply. Per link (sender → receiver) it can delay what it relays, with jitter, and
 * simulate packet loss the way TCP above it sees it: a lost segment arrives after a
 * retransmission timeout. Order within a connection is kept.
 */
public final class LinkProxy implements AutoCloseable {
  /** Linux's minimum TCP retransmission timeout: what a lost segment costs the stream. */
  static final long RETRANSMIT_MILLIS = 200;

  public record Impairment(long delayMillis, long jitterMillis, double loss) {
    public static final Impairment NONE = new Impairment(0, 0, 0);
  }

  private record Link(int from, int to) {}

  private final Network network;
  private final int nodePort;
  private final ServerSocket[] listeners;
  private final Map<Link, Impairment> impairments = new ConcurrentHashMap<>();
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private final Random random;
  private volatile boolean open = true;

  /** @param nodePort the remoting port every node binds inside its own namespace */
  public LinkProxy(Network network, int nodePort, long seed) throws IOException {
    this.network = network;
    this.nodePort = nodePort;
    this.random = new Random(seed);
    this.listeners = new ServerSocket[network.hosts()];
    for (int node = 0; node < listeners.length; node++) {
      listeners[node] = new ServerSocket(0, 50, InetAddress.getByName(Network.GATEWAY));
      int target = node;
      daemon("proxy-accept-" + node, () -> accept(target));
    }
  }

  /** The port the node advertises (its canonical remoting port), on {@link Network#GATEWAY}. */
  public int port(int node) {
    return listeners[node].getLocalPort();
  }

  public void impair(int from, int to, Impairment impairment) {
    impairments.put(new Link(from, to), impairment);
  }

  public void heal() {
    impairments.clear();
  }

  private void accept(int target) {
    while (open) {
      try {
        Socket inbound = listeners[target].accept();
        daemon("proxy-connect-" + target, () -> relay(inbound, target));
      } catch (IOException e) {
        if (open) {
          System.err.println("proxy listener for node " + target + " failed: " + e);
        }
        return;
      }
    }
  }

  private void relay(Socket inbound, int target) {
    String source = inbound.getInetAddress().getHostAddress();
    int sender = -1;
    for (int node = 0; node < network.hosts(); node++) {
      if (network.address(node).equals(source)) {
        sender = node;
      }
    }
    Socket outbound = new Socket();
    try {
      sockets.add(inbound);
      sockets.add(outbound);
      inbound.setTcpNoDelay(true);
      outbound.setTcpNoDelay(true);
      if (sender >= 0) {
        outbound.bind(new InetSocketAddress(network.proxySource(sender), 0));
      }
      outbound.connect(new InetSocketAddress(network.address(target), nodePort), 3000);
    } catch (IOException e) {
      closeBoth(inbound, outbound);
      return;
    }
    pump(inbound, outbound, new Link(sender, target));
    pump(outbound, inbound, new Link(target, sender));
  }

  /** One direction: a reader that stamps each chunk with its due time, and a writer that waits for it. */
  private void pump(Socket from, Socket to, Link link) {
    record Chunk(byte[] bytes, long dueNanos) {}
    BlockingQueue<Chunk> queue = new LinkedBlockingQueue<>();
    daemon(
        "proxy-read-" + link,
        () -> {
          long lastDue = 0;
          byte[] buffer = new byte[64 * 1024];
          try (InputStream in = from.getInputStream()) {
            int read;
            while ((read = in.read(buffer)) >= 0) {
              long due = Math.max(lastDue, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(delayMillis(link)));
              lastDue = due;
              queue.put(new Chunk(Arrays.copyOf(buffer, read), due));
            }
          } catch (IOException | InterruptedException e) {
            // the connection is gone; the writer closes the other side
          }
          queue.add(new Chunk(null, lastDue));
        });
    daemon(
        "proxy-write-" + link,
        () -> {
          try (OutputStream out = to.getOutputStream()) {
            while (true) {
              Chunk chunk = queue.take();
              long wait = chunk.dueNanos() - System.nanoTime();
              if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
              }
              if (chunk.bytes() == null) {
                break;
              }
              out.write(chunk.bytes());
              out.flush();
            }
          } catch (IOException | InterruptedException e) {
            // closed under us
          }
          closeBoth(from, to);
        });
  }

  private long delayMillis(Link link) {
    Impairment impairment = impairments.getOrDefault(link, Impairment.NONE);
    if (impairment == Impairment.NONE) {
      return 0;
    }
    synchronized (random) {
      long jitter = impairment.jitterMillis() == 0 ? 0 : random.nextLong(impairment.jitterMillis() + 1);
      long lost = random.nextDouble() < impairment.loss() ? RETRANSMIT_MILLIS : 0;
      return impairment.delayMillis() + jitter + lost;
    }
  }

  private void closeBoth(Socket a, Socket b) {
    for (Socket socket : List.of(a, b)) {
      try {
        socket.close();
      } catch (IOException ignored) {
        // already closed
      }
      sockets.remove(socket);
    }
  }

  private static void daemon(String name, Runnable body) {
    Thread thread = new Thread(body, name);
    thread.setDaemon(true);
    thread.start();
  }

  @Override
  public void close() throws IOException {
    open = false;
    for (ServerSocket listener : listeners) {
      listener.close();
    }
    for (Socket socket : sockets) {
      socket.close();
    }
  }
}
