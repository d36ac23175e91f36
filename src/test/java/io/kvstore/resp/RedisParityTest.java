package io.kvstore.resp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kvstore.node.KvStoreNode;
import io.kvstore.testing.Eventually;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same commands against kvstore and a real Redis (Debian's redis-server, in the same test),
 * compared reply by reply, byte for byte. docs/api.md lists the deliberate differences, which
 * these scripts leave out.
 */
@Timeout(120)
class RedisParityTest {
  @TempDir static Path directory;
  private static KvStoreNode node;
  private static Process redis;
  private static Connection kvstore;
  private static Connection real;

  @BeforeAll
  static void start() throws Exception {
    node = KvStoreNode.builder().dataDirectory(directory.resolve("kvstore")).withoutHttp().respPort(0).start();
    kvstore = Connection.tcp(node.respPort().orElseThrow());
    // A Unix socket and no TCP port at all: no free port to pick, none to race for.
    Path socket = directory.resolve("redis.sock");
    redis =
        new ProcessBuilder(
                "redis-server", "--port", "0", "--unixsocket", socket.toString(), "--save", "", "--appendonly", "no",
                "--dir", directory.toString())
            .redirectErrorStream(true)
            .redirectOutput(directory.resolve("redis.log").toFile())
            .start();
    Eventually.await(Duration.ofSeconds(20), "redis-server listens on " + socket, () -> Files.exists(socket));
    real = Connection.unix(socket);
  }

  @AfterAll
  static void stop() throws Exception {
    kvstore.close();
    real.close();
    redis.destroy();
    redis.waitFor(10, TimeUnit.SECONDS);
    node.close();
  }

  /** Runs each command on both servers and compares the raw replies. */
  private static void same(List<List<String>> commands) throws IOException {
    for (List<String> command : commands) {
      byte[] expected = real.call(command);
      byte[] actual = kvstore.call(command);
      assertEquals(text(expected), text(actual), "reply to " + command);
      assertArrayEquals(expected, actual, "reply to " + command);
    }
  }

  private static String text(byte[] reply) {
    return new String(reply, StandardCharsets.UTF_8).replace("\r\n", "\\r\\n");
  }

  private static List<String> c(String... words) {
    return List.of(words);
  }

  @Test
  void setAndGetInTheirForms() throws IOException {
    same(
        List.of(
            c("SET", "p1:k", "v"), c("GET", "p1:k"), c("GET", "p1:missing"), c("SET", "p1:k", "v2", "NX"),
            c("SET", "p1:k", "v3", "XX"), c("GET", "p1:k"), c("SET", "p1:k", "v4", "GET"), c("SET", "p1:new", "x", "XX", "GET"),
            c("GETSET", "p1:k", "v5"), c("GETSET", "p1:fresh", "x"), c("GET", "p1:fresh"), c("SETNX", "p1:k", "no"),
            c("MSET", "p1:a", "1", "p1:b", "2"), c("MGET", "p1:a", "p1:missing", "p1:b"), c("GETDEL", "p1:a"), c("GETDEL", "p1:a"),
            c("DEL", "p1:a", "p1:b", "p1:missing"), c("UNLINK", "p1:k", "p1:missing"), c("EXISTS", "p1:k", "p1:fresh", "p1:fresh"),
            c("TOUCH", "p1:fresh", "p1:missing"), c("TYPE", "p1:fresh"), c("TYPE", "p1:missing")));
  }

  @Test
  void expiriesAndTheirErrors() throws IOException {
    same(
        List.of(
            c("SETEX", "p2:k", "100", "v"), c("TTL", "p2:k"), c("GET", "p2:k"), c("PSETEX", "p2:p", "100000", "v"), c("TTL", "p2:p"),
            c("SETEX", "p2:k", "0", "v"), c("SETEX", "p2:k", "-5", "v"), c("SETEX", "p2:k", "abc", "v"), c("PSETEX", "p2:k", "0", "v"),
            c("SET", "p2:e", "v"), c("GETEX", "p2:e"), c("TTL", "p2:e"), c("GETEX", "p2:e", "EX", "100"), c("TTL", "p2:e"),
            c("GETEX", "p2:e", "PERSIST"), c("TTL", "p2:e"), c("GETEX", "p2:e", "EX", "0"), c("GETEX", "p2:e", "FOO"),
            c("GETEX", "p2:e", "PX", "100", "EX", "3"), c("GETEX", "p2:missing", "EX", "10"), c("TTL", "p2:missing"),
            c("EXPIRE", "p2:e", "100"), c("PERSIST", "p2:e"), c("PERSIST", "p2:e"), c("TTL", "p2:e"),
            c("SET", "p2:x", "v", "EX", "0"), c("SET", "p2:x", "v", "EX", "10", "PX", "10"), c("GETEX", "p2:e", "EXAT", "1"),
            c("EXISTS", "p2:e"), c("SETEX", "p2:g", "100", "v"), c("GETSET", "p2:g", "w"), c("TTL", "p2:g")));
  }

  @Test
  void appendLengthsAndRanges() throws IOException {
    same(
        List.of(
            c("APPEND", "p3:a", "hello"), c("APPEND", "p3:a", " world"), c("GET", "p3:a"), c("STRLEN", "p3:a"),
            c("STRLEN", "p3:missing"), c("GETRANGE", "p3:a", "0", "4"), c("GETRANGE", "p3:a", "-5", "-1"),
            c("GETRANGE", "p3:a", "5", "2"), c("GETRANGE", "p3:a", "0", "100"), c("GETRANGE", "p3:a", "-100", "-50"),
            c("GETRANGE", "p3:a", "-1", "-5"), c("GETRANGE", "p3:missing", "0", "1"), c("GETRANGE", "p3:a", "x", "1"),
            c("SETRANGE", "p3:s", "5", "hi"), c("GET", "p3:s"), c("STRLEN", "p3:s"), c("SETRANGE", "p3:s", "0", ""),
            c("SETRANGE", "p3:none", "0", ""), c("EXISTS", "p3:none"), c("SETRANGE", "p3:s", "-1", "x"),
            c("SETRANGE", "p3:s", "1", "abc"), c("GET", "p3:s"), c("SETRANGE", "p3:s", "x", "abc")));
  }

  @Test
  void countersAndFloats() throws IOException {
    same(
        List.of(
            c("INCR", "p4:n"), c("INCRBY", "p4:n", "41"), c("DECR", "p4:n"), c("DECRBY", "p4:n", "-10"), c("GET", "p4:n"),
            c("SET", "p4:s", "abc"), c("INCR", "p4:s"), c("INCRBY", "p4:n", "x"), c("SET", "p4:max", "9223372036854775807"),
            c("INCR", "p4:max"), c("INCRBYFLOAT", "p4:f", "10.5"), c("INCRBYFLOAT", "p4:f", "0.1"), c("INCRBYFLOAT", "p4:f", "-5"),
            c("INCRBYFLOAT", "p4:f", "3.0e3"), c("INCRBYFLOAT", "p4:f", "1e-3"), c("SET", "p4:g", "5.0e3"), c("INCRBYFLOAT", "p4:g", "2.0e2"),
            c("INCRBYFLOAT", "p4:g", "0.3333333333333333333333"), c("INCRBYFLOAT", "p4:g", "-5200.3333333333333333"),
            c("INCRBYFLOAT", "p4:h", "123456789012345678.5"), c("INCRBYFLOAT", "p4:s", "1"), c("INCRBYFLOAT", "p4:f", "abc"),
            c("INCRBYFLOAT", "p4:f", "inf"), c("INCRBYFLOAT", "p4:f", " 1"), c("INCRBYFLOAT", "p4:n", "1.5"), c("GET", "p4:n")));
  }

  @Test
  void renameAndErrors() throws IOException {
    same(
        List.of(
            c("SET", "p5:a", "v"), c("EXPIRE", "p5:a", "100"), c("RENAME", "p5:a", "p5:b"), c("GET", "p5:b"), c("TTL", "p5:b"),
            c("EXISTS", "p5:a"), c("RENAME", "p5:missing", "p5:x"), c("RENAME", "p5:b", "p5:b"), c("GET", "p5:b"),
            c("GET"), c("GET", "p5:a", "p5:b"), c("SET", "p5:k", "v", "NX", "XX"), c("SETRANGE", "p5:k"), c("FROB", "p5:k", "x"),
            c("SCAN", "0", "COUNT", "0"), c("SCAN", "0", "MATCH")));
  }

  /** Tests of this class run one after another, so the flush sees only these keys. */
  @Test
  void flushCountAndTheEmptyKeyspace() throws IOException {
    same(
        List.of(
            c("FLUSHDB"), c("DBSIZE"), c("RANDOMKEY"), c("SET", "p6:a", "1"), c("SET", "p6:b", "2"), c("DBSIZE"),
            c("FLUSHDB", "ASYNC"), c("DBSIZE"), c("EXISTS", "p6:a"), c("FLUSHDB", "BOGUS"), c("SET", "p6:only", "1"),
            c("RANDOMKEY"), c("KEYS", "p6:*"), c("FLUSHALL"), c("DBSIZE")));
  }

  /** One RESP connection, over TCP or a Unix socket; replies read whole, as raw bytes. */
  private record Connection(SocketChannel channel, ByteBuffer buffer) implements AutoCloseable {
    static Connection tcp(int port) throws IOException {
      return new Connection(SocketChannel.open(new InetSocketAddress("127.0.0.1", port)), ByteBuffer.allocate(1 << 16).flip());
    }

    static Connection unix(Path socket) throws IOException {
      SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
      channel.connect(UnixDomainSocketAddress.of(socket));
      return new Connection(channel, ByteBuffer.allocate(1 << 16).flip());
    }

    byte[] call(List<String> command) throws IOException {
      ByteArrayOutputStream request = new ByteArrayOutputStream();
      request.writeBytes(("*" + command.size() + "\r\n").getBytes(StandardCharsets.US_ASCII));
      for (String word : command) {
        byte[] bytes = word.getBytes(StandardCharsets.UTF_8);
        request.writeBytes(("$" + bytes.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
        request.writeBytes(bytes);
        request.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
      }
      ByteBuffer out = ByteBuffer.wrap(request.toByteArray());
      while (out.hasRemaining()) {
        channel.write(out);
      }
      ByteArrayOutputStream reply = new ByteArrayOutputStream();
      readReply(reply);
      return reply.toByteArray();
    }

    private void readReply(ByteArrayOutputStream reply) throws IOException {
      String line = readLine(reply);
      switch (line.charAt(0)) {
        case '$' -> {
          int length = Integer.parseInt(line.substring(1));
          if (length >= 0) {
            for (int i = 0; i < length + 2; i++) {
              reply.write(readByte());
            }
          }
        }
        case '*' -> {
          int count = Integer.parseInt(line.substring(1));
          for (int i = 0; i < count; i++) {
            readReply(reply);
          }
        }
        default -> {}
      }
    }

    private String readLine(ByteArrayOutputStream reply) throws IOException {
      StringBuilder line = new StringBuilder();
      while (true) {
        byte b = readByte();
        reply.write(b);
        if (b == '\n' && line.length() > 0 && line.charAt(line.length() - 1) == '\r') {
          return line.substring(0, line.length() - 1);
        }
        line.append((char) b);
      }
    }

    private byte readByte() throws IOException {
      if (!buffer.hasRemaining()) {
        buffer.clear();
        if (channel.read(buffer) < 0) {
          throw new IOException("closed");
        }
        buffer.flip();
      }
      return buffer.get();
    }

    @Override
    public void close() throws IOException {
      channel.close();
    }
  }
}
