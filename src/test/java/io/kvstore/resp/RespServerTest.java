package io.kvstore.resp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.kvstore.node.KvStoreNode;
import io.kvstore.testing.Eventually;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPool;
import redis.clients.jedis.JedisPoolConfig;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.commands.ProtocolCommand;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.params.GetExParams;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.params.SetParams;
import redis.clients.jedis.resps.ScanResult;
import redis.clients.jedis.util.SafeEncoder;

/** The RESP front-end of a real node, through Jedis (a client no one here wrote) and raw sockets. */
class RespServerTest {
  private static final int MAX_VALUE = 4096;
  private static final int MAX_BULK = 16384;
  private static final int MAX_ARGUMENTS = 64;
  private static final int MAX_CONNECTIONS = 32;
  private static final ProtocolCommand CONSISTENCY = () -> SafeEncoder.encode("KVSTORE.CONSISTENCY");
  @TempDir static Path directory;
  private static KvStoreNode node;
  private static int port;

  @BeforeAll
  static void start() {
    node =
        KvStoreNode.builder()
            .dataDirectory(directory)
            .withoutHttp()
            .respPort(0)
            .config(
                ConfigFactory.parseString(
                    "kvstore.limits.max-value-bytes = " + MAX_VALUE + "\n"
                        + "kvstore.resp.max-bulk-bytes = " + MAX_BULK + "\n"
                        + "kvstore.resp.max-arguments = " + MAX_ARGUMENTS + "\n"
                        + "kvstore.resp.max-connections = " + MAX_CONNECTIONS + "\n"
                        + "kvstore.ttl.sweep-interval = 100ms"))
            .start();
    port = node.respPort().orElseThrow();
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  private static Jedis client() {
    return new Jedis("127.0.0.1", port, 10_000);
  }

  @Test
  void stringCommandsAnswerAsRedisDoes() {
    try (Jedis redis = client()) {
      assertEquals("OK", redis.set("greeting", "hello"));
      assertEquals("hello", redis.get("greeting"));
      assertNull(redis.get("never-written"));
      assertEquals(0, redis.setnx("greeting", "again"));
      assertEquals(1, redis.setnx("fresh", "value"));
      assertNull(redis.set("greeting", "x", SetParams.setParams().nx()), "NX on a present key");
      assertNull(redis.set("absent", "x", SetParams.setParams().xx()), "XX on an absent key");
      assertNull(redis.get("absent"));
      assertEquals("OK", redis.set("greeting", "hi", SetParams.setParams().xx()));
      assertEquals("hi", redis.setGet("greeting", "hey"));
      assertEquals("hey", redis.get("greeting"));

      assertEquals("OK", redis.mset("m1", "a", "m2", "b"));
      assertEquals(java.util.Arrays.asList("a", "b", null), redis.mget("m1", "m2", "m3"));
      assertEquals(2, redis.exists("m1", "m2", "m3"));
      assertEquals(2, redis.del("m1", "m2", "m3"));
      assertFalse(redis.exists("m1"));

      assertEquals("hey", redis.getDel("greeting"));
      assertNull(redis.getDel("greeting"));

      assertEquals(1, redis.incr("counter"));
      assertEquals(11, redis.incrBy("counter", 10));
      assertEquals(10, redis.decr("counter"));
      assertEquals(-5, redis.decrBy("counter", 15));
      redis.set("text", "ten");
      assertEquals("ERR value is not an integer or out of range", assertThrows(JedisDataException.class, () -> redis.incr("text")).getMessage());
      redis.set("big", Long.toString(Long.MAX_VALUE));
      assertEquals("ERR increment or decrement would overflow", assertThrows(JedisDataException.class, () -> redis.incr("big")).getMessage());
    }
  }

  @Test
  void expiriesCanBeSetReadKeptDroppedAndTakeEffect() {
    try (Jedis redis = client()) {
      assertEquals(-2, redis.ttl("no-such-key"));
      redis.set("session", "s", SetParams.setParams().ex(100));
      long ttl = redis.ttl("session");
      assertTrue(ttl > 90 && ttl <= 100, "ttl " + ttl);
      assertEquals("OK", redis.set("session", "s2", SetParams.setParams().keepTtl()));
      assertTrue(redis.pttl("session") > 90_000, "KEEPTTL kept the expiry");
      assertEquals(1, redis.incr("session-count"));
      assertEquals(1, redis.expire("session-count", 50));
      assertEquals(2, redis.incr("session-count"));
      assertTrue(redis.ttl("session-count") > 40, "INCR kept the expiry");
      assertEquals(1, redis.persist("session"));
      assertEquals(-1, redis.ttl("session"));
      assertEquals(0, redis.persist("session"));
      assertEquals(0, redis.expire("no-such-key", 10));

      redis.set("brief", "b", SetParams.setParams().px(300));
      assertEquals(1, redis.pexpire("brief", 200));
      Eventually.await(Duration.ofSeconds(10), "brief expires", () -> redis.get("brief") == null);
      assertEquals(-2, redis.pttl("brief"));

      redis.set("doomed", "d");
      assertEquals(1, redis.expire("doomed", -1), "a time in the past deletes");
      assertNull(redis.get("doomed"));
      redis.set("gone", "g");
      assertEquals("OK", redis.set("gone", "g", SetParams.setParams().pxAt(1)));
      assertNull(redis.get("gone"), "an absolute expiry already past leaves no key");
      assertEquals("OK", redis.set("never-there", "n", SetParams.setParams().pxAt(1)));
      assertNull(redis.get("never-there"));
      assertNull(redis.set("gone-too", "n", SetParams.setParams().pxAt(1).xx()), "XX on an absent key");
    }
  }

  @Test
  void pipelinedCommandsAreAnsweredInOrderAndSeeTheConnectionsEarlierWrites() {
    try (Jedis redis = client()) {
      Pipeline pipeline = redis.pipelined();
      List<Response<String>> reads = new ArrayList<>();
      List<Response<Long>> increments = new ArrayList<>();
      for (int i = 0; i < 1000; i++) {
        pipeline.set("pipelined-" + (i % 10), "value-" + i);
        reads.add(pipeline.get("pipelined-" + (i % 10)));
        increments.add(pipeline.incr("pipelined-counter"));
      }
      pipeline.sync();
      for (int i = 0; i < 1000; i++) {
        assertEquals("value-" + i, reads.get(i).get(), "read " + i);
        assertEquals(i + 1, increments.get(i).get(), "increment " + i);
      }
    }
  }

  @Test
  void incrementsFromAPoolOfConnectionsAreAtomic() throws Exception {
    int threads = 8;
    int each = 25;
    ExecutorService executor = Executors.newFixedThreadPool(threads);
    try (JedisPool pool = new JedisPool(new JedisPoolConfig(), "127.0.0.1", port, 10_000)) {
      List<Future<List<Long>>> results = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        results.add(
            executor.submit(
                () -> {
                  List<Long> seen = new ArrayList<>();
                  for (int i = 0; i < each; i++) {
                    try (Jedis redis = pool.getResource()) {
                      seen.add(redis.incr("contended"));
                    }
                  }
                  return seen;
                }));
      }
      Set<Long> all = new HashSet<>();
      for (Future<List<Long>> result : results) {
        all.addAll(result.get(60, TimeUnit.SECONDS));
      }
      // Every INCR saw a different value: none was lost to a concurrent one.
      assertEquals(threads * each, all.size());
      try (Jedis redis = pool.getResource()) {
        assertEquals(Integer.toString(threads * each), redis.get("contended"));
      }
    } finally {
      executor.shutdownNow();
    }
  }

  @Test
  void connectionAndServerCommandsAnswerWhatClientsAndToolsExpect() {
    try (Jedis redis = client()) {
      assertEquals("PONG", redis.ping());
      assertEquals("hi", redis.echo("hi"));
      assertEquals("OK", redis.select(0));
      assertEquals("ERR DB index is out of range", assertThrows(JedisDataException.class, () -> redis.select(1)).getMessage());
      assertNull(redis.clientGetname());
      assertEquals("OK", redis.clientSetname("reporting"));
      assertEquals("reporting", redis.clientGetname());
      assertTrue(redis.clientInfo().contains("name=reporting"), redis.clientInfo());
      assertTrue(redis.clientList().contains("name=reporting"), redis.clientList());
      assertTrue(redis.clientId() > 0);

      String info = redis.info();
      for (String field : List.of("redis_version:", "tcp_port:" + port, "connected_clients:", "role:master", "kvstore_ring_version:")) {
        assertTrue(info.contains(field), field + " in " + info);
      }
      assertTrue(redis.info("clients").contains("connected_clients:"));
      assertFalse(redis.info("clients").contains("# Server"));
      redis.set("counted", "1");
      assertTrue(redis.dbSize() >= 1, "DBSIZE counts stored keys");

      assertEquals("QUORUM", SafeEncoder.encode((byte[]) redis.sendCommand(CONSISTENCY)));
      assertEquals("OK", SafeEncoder.encode((byte[]) redis.sendCommand(CONSISTENCY, "linearizable")));
      assertEquals("LINEARIZABLE", SafeEncoder.encode((byte[]) redis.sendCommand(CONSISTENCY)));
      assertEquals("1", redis.get("counted"), "reads at LINEARIZABLE");
      JedisDataException unknownLevel = assertThrows(JedisDataException.class, () -> redis.sendCommand(CONSISTENCY, "SOME"));
      assertTrue(unknownLevel.getMessage().startsWith("ERR unknown consistency level 'SOME'"), unknownLevel.getMessage());
    }
  }

  @Test
  void badCommandsGetRedisErrorsAndTheConnectionGoesOn() {
    try (Jedis redis = client()) {
      ProtocolCommand unknown = () -> SafeEncoder.encode("LPUSH");
      assertEquals(
          "ERR unknown command 'LPUSH', with args beginning with: 'now' ",
          assertThrows(JedisDataException.class, () -> redis.sendCommand(unknown, "now")).getMessage());
      ProtocolCommand get = () -> SafeEncoder.encode("GET");
      assertEquals(
          "ERR wrong number of arguments for 'get' command",
          assertThrows(JedisDataException.class, () -> redis.sendCommand(get, "a", "b")).getMessage());
      ProtocolCommand set = () -> SafeEncoder.encode("SET");
      assertEquals("ERR syntax error", assertThrows(JedisDataException.class, () -> redis.sendCommand(set, "k", "v", "NX", "XX")).getMessage());

      JedisDataException tooLarge = assertThrows(JedisDataException.class, () -> redis.set("large".getBytes(), new byte[MAX_VALUE + 1]));
      assertTrue(tooLarge.getMessage().startsWith("ERR value is 4097 bytes; the limit is 4096"), tooLarge.getMessage());
      assertNull(redis.get("large"), "nothing written");
      JedisDataException longKey = assertThrows(JedisDataException.class, () -> redis.set("k".repeat(300), "v"));
      assertTrue(longKey.getMessage().startsWith("ERR key is 300 bytes"), longKey.getMessage());
      JedisDataException notUtf8 = assertThrows(JedisDataException.class, () -> redis.set(new byte[] {(byte) 0xff}, "v".getBytes()));
      assertEquals("ERR invalid key: kvstore keys must be valid UTF-8 text", notUtf8.getMessage());
      assertEquals("PONG", redis.ping(), "still connected");
    }
  }

  @Test
  void requestsBeyondTheProtocolLimitsAreAnsweredAndTheConnectionClosed() {
    // The server answers on the length header, while Jedis is still writing the bulk: it reads on
    // (LingeringClose), or Jedis would see a reset instead of the error.
    for (int attempt = 0; attempt < 20; attempt++) {
      try (Jedis redis = client()) {
        JedisDataException tooLong =
            assertThrows(JedisDataException.class, () -> redis.set("huge".getBytes(), new byte[MAX_BULK + 1]), "bulk too long");
        assertEquals("ERR Protocol error: invalid bulk length", tooLong.getMessage());
        assertThrows(JedisConnectionException.class, redis::ping, "closed after a protocol error");
      }
    }
    try (Jedis redis = client()) {
      String[] keys = new String[MAX_ARGUMENTS];
      java.util.Arrays.fill(keys, "k");
      JedisDataException tooMany = assertThrows(JedisDataException.class, () -> redis.mget(keys));
      assertEquals("ERR Protocol error: invalid multibulk length", tooMany.getMessage());
    }
  }

  @Test
  void connectionsBeyondTheLimitAreRefusedWithAnErrorAndServedOnceOthersClose() throws IOException {
    List<Socket> open = new ArrayList<>();
    try {
      String answer = "";
      while (open.size() <= MAX_CONNECTIONS && !answer.startsWith("-")) {
        Socket socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(10_000);
        open.add(socket);
        socket.getOutputStream().write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
        answer = new String(socket.getInputStream().readNBytes(7), StandardCharsets.US_ASCII);
      }
      assertEquals("-ERR ma", answer, "refused by connection " + open.size());
      assertEquals(
          "x number of clients reached\r\n",
          new String(open.get(open.size() - 1).getInputStream().readAllBytes(), StandardCharsets.US_ASCII),
          "then closed");
    } finally {
      for (Socket socket : open) {
        socket.close();
      }
    }
    Eventually.within(Duration.ofSeconds(10), () -> {
      try (Jedis redis = client()) {
        assertEquals("PONG", redis.ping());
      }
    });
  }

  @Test
  void scanWithMatchAndCountReturnsEveryKeyOnceAndKeysListsThemAll() {
    try (Jedis redis = client()) {
      Set<String> written = new TreeSet<>();
      for (int i = 0; i < 120; i++) {
        redis.set("scan:" + i, "v");
        written.add("scan:" + i);
      }
      redis.set("other:1", "v");
      redis.del("scan:7");
      written.remove("scan:7");

      List<String> found = new ArrayList<>();
      String cursor = ScanParams.SCAN_POINTER_START;
      int pages = 0;
      do {
        ScanResult<String> page = redis.scan(cursor, new ScanParams().match("scan:*").count(9));
        found.addAll(page.getResult());
        cursor = page.getCursor();
        assertTrue(++pages < 10_000, "the scan ends");
      } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
      assertEquals(written.size(), found.size(), "no key twice");
      assertEquals(written, new TreeSet<>(found));

      assertEquals(written, new TreeSet<>(redis.keys("scan:*")));
      ScanResult<String> huge = redis.scan("0", new ScanParams().match("scan:*").count(1_000_000));
      assertTrue(huge.getResult().size() <= 10_000, "COUNT is a hint, lowered to kvstore.scan.max-limit");
      assertEquals(Set.of("other:1"), redis.keys("other:?"));
      ScanResult<String> hashes = redis.scan("0", new ScanParams().match("scan:*"), "hash");
      assertEquals("0", hashes.getCursor());
      assertEquals(List.of(), hashes.getResult(), "every value is a string");
    }
  }

  /** The string commands added after GET and SET, through a client no one here wrote. */
  @Test
  void jedisDrivesTheFurtherStringCommands() {
    try (Jedis redis = client()) {
      assertEquals("OK", redis.setex("jedis:ex", 100, "v"));
      assertTrue(redis.ttl("jedis:ex") > 90);
      assertEquals("OK", redis.psetex("jedis:px", 100_000, "v"));
      assertEquals("v", redis.getSet("jedis:ex", "w"));
      assertEquals("w", redis.getEx("jedis:ex", GetExParams.getExParams().persist()));
      assertEquals(-1, redis.ttl("jedis:ex"));
      assertEquals(5, redis.append("jedis:a", "hello"));
      assertEquals(11, redis.append("jedis:a", " world"));
      assertEquals(11, redis.strlen("jedis:a"));
      assertEquals("world", redis.getrange("jedis:a", -5, -1));
      assertEquals(11, redis.setrange("jedis:a", 0, "HELLO"));
      assertEquals("HELLO world", redis.get("jedis:a"));
      assertEquals(10.5, redis.incrByFloat("jedis:f", 10.5));
      assertEquals("string", redis.type("jedis:a"));
      assertEquals("none", redis.type("jedis:missing"));
      assertEquals(1, redis.touch("jedis:a", "jedis:missing"));
      assertEquals("OK", redis.rename("jedis:a", "jedis:b"));
      assertEquals("HELLO world", redis.get("jedis:b"));
      assertEquals(1, redis.unlink("jedis:b"));
      assertTrue(redis.randomKey() != null, "some key exists");
      assertTrue(redis.dbSize() >= 3);
      ProtocolCommand multiCommand = () -> SafeEncoder.encode("MULTI");
      JedisDataException multi = assertThrows(JedisDataException.class, () -> redis.sendCommand(multiCommand));
      assertTrue(multi.getMessage().startsWith("ERR MULTI/EXEC transactions are not supported"), multi.getMessage());
    }
  }

  @Test
  void badScanArgumentsGetRedisErrors() {
    try (Jedis redis = client()) {
      ProtocolCommand scan = () -> SafeEncoder.encode("SCAN");
      assertTrue(assertThrows(JedisDataException.class, () -> redis.sendCommand(scan, "nope")).getMessage().startsWith("ERR invalid cursor"));
      assertEquals("ERR syntax error", assertThrows(JedisDataException.class, () -> redis.sendCommand(scan, "0", "COUNT", "0")).getMessage());
      assertEquals("ERR syntax error", assertThrows(JedisDataException.class, () -> redis.sendCommand(scan, "0", "MATCH")).getMessage());
      assertEquals(
          "ERR value is not an integer or out of range",
          assertThrows(JedisDataException.class, () -> redis.sendCommand(scan, "0", "COUNT", "x")).getMessage());
      assertEquals("PONG", redis.ping());
    }
  }

  @Test
  void quitAnswersAndClosesWithoutRunningWhatWasPipelinedAfterIt() throws IOException {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write("SET after-quit 1\r\nQUIT\r\nSET after-quit 2\r\n".getBytes(StandardCharsets.US_ASCII));
      assertEquals("+OK\r\n+OK\r\n", new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII));
    }
    try (Jedis redis = client()) {
      assertEquals("1", redis.get("after-quit"));
    }
  }

  /**
   * A client that pipelines without reading replies is held back by TCP: once its replies fill
   * the socket, the server stops reading, so the client's writes stop being accepted instead of
   * piling up in the server's memory. Then every reply arrives, in order.
   */
  @Test
  void aClientThatDoesNotReadIsHeldBackAndThenAnsweredInOrder() throws IOException {
    int limit = 100_000; // 400 MB of ECHO: far beyond any socket buffers
    String padding = "p".repeat(4000);
    try (SocketChannel channel = SocketChannel.open(new InetSocketAddress("127.0.0.1", port));
        Selector selector = Selector.open()) {
      channel.configureBlocking(false);
      SelectionKey key = channel.register(selector, SelectionKey.OP_WRITE);
      int sent = 0;
      ByteBuffer pending = null;
      boolean heldBack = false;
      while (sent < limit && !heldBack) {
        if (pending == null) {
          pending = ByteBuffer.wrap(command("ECHO", sent + padding));
        }
        channel.write(pending);
        if (!pending.hasRemaining()) {
          sent++;
          pending = null;
        } else {
          heldBack = selector.select(2000) == 0; // no room for 2 s: the server stopped reading
          selector.selectedKeys().clear();
        }
      }
      assertTrue(heldBack, "the server kept reading " + sent + " commands without their replies being read");
      assertTrue(sent < limit);

      // Read every reply, finishing the last command meanwhile.
      key.interestOps(SelectionKey.OP_READ | (pending != null ? SelectionKey.OP_WRITE : 0));
      int expected = pending != null ? sent + 1 : sent;
      EchoReplies replies = new EchoReplies();
      ByteBuffer buffer = ByteBuffer.allocate(1 << 16);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (replies.count < expected) {
        assertTrue(System.nanoTime() < deadline, replies.count + " of " + expected + " replies within 60 s");
        selector.select(1000);
        selector.selectedKeys().clear();
        if (pending != null) {
          channel.write(pending);
          if (!pending.hasRemaining()) {
            pending = null;
            key.interestOps(SelectionKey.OP_READ);
          }
        }
        buffer.clear();
        int read = channel.read(buffer);
        assertTrue(read >= 0, "connection closed after " + replies.count + " replies");
        replies.add(new String(buffer.array(), 0, read, StandardCharsets.US_ASCII));
      }
      assertEquals(expected, replies.count);
    }
  }

  /** Parses ECHO replies as they arrive, checking they answer commands 0, 1, 2… in order. */
  private static final class EchoReplies {
    private final StringBuilder unparsed = new StringBuilder();
    int count;

    void add(String received) {
      unparsed.append(received);
      int position = 0;
      while (true) {
        int lineEnd = unparsed.indexOf("\r\n", position);
        if (lineEnd < 0) {
          break;
        }
        int length = Integer.parseInt(unparsed.substring(position + 1, lineEnd));
        if (lineEnd + 2 + length + 2 > unparsed.length()) {
          break;
        }
        String start = unparsed.substring(lineEnd + 2, lineEnd + 2 + 12);
        assertTrue(start.startsWith(count + "p"), "reply " + count + " is " + start);
        count++;
        position = lineEnd + 2 + length + 2;
      }
      unparsed.delete(0, position);
    }
  }

  private static byte[] command(String... words) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(("*" + words.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
    for (String word : words) {
      byte[] bytes = word.getBytes(StandardCharsets.UTF_8);
      out.writeBytes(("$" + bytes.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
      out.writeBytes(bytes);
      out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
    }
    return out.toByteArray();
  }
}
