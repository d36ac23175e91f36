package akka.remote.artery.tcp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.Version;
import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.remote.artery.EnvelopeBuffer;
import akka.remote.artery.NoOpRemotingFlightRecorder$;
import akka.stream.javadsl.Sink;
import akka.stream.javadsl.Source;
import akka.stream.scaladsl.Framing;
import akka.util.ByteString;
import com.typesafe.config.ConfigFactory;
import io.kvstore.node.KvNode;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** kvstore's inbound Artery framing: Akka's wire format, with the length bound Akka 2.8.6 lacks. */
class TcpFramingTest {
  private static ActorTestKit testKit;

  @BeforeAll
  static void start() {
    testKit = ActorTestKit.create(ConfigFactory.parseString("akka.actor.provider = local").withFallback(ConfigFactory.load()));
  }

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  private static ByteString header(int streamId) {
    return ByteString.fromArray(new byte[] {'A', 'K', 'K', 'A', (byte) streamId});
  }

  private static ByteString lengthField(int length) {
    byte[] bytes = new byte[4];
    ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putInt(length);
    return ByteString.fromArray(bytes);
  }

  private static ByteString frame(int length, byte fill) {
    byte[] body = new byte[length];
    java.util.Arrays.fill(body, fill);
    return lengthField(length).concat(ByteString.fromArray(body));
  }

  private static List<EnvelopeBuffer> frame(List<ByteString> chunks) {
    return Source.from(chunks)
        .via(new TcpFraming(NoOpRemotingFlightRecorder$.MODULE$))
        .runWith(Sink.seq(), testKit.system())
        .toCompletableFuture()
        .orTimeout(5, TimeUnit.SECONDS)
        .join();
  }

  private static Throwable failureOf(List<ByteString> chunks) {
    CompletionException failed = org.junit.jupiter.api.Assertions.assertThrows(CompletionException.class, () -> frame(chunks));
    return failed.getCause();
  }

  private static byte[] bytesOf(EnvelopeBuffer envelope) {
    ByteBuffer buffer = envelope.byteBuffer().duplicate();
    byte[] bytes = new byte[buffer.remaining()];
    buffer.get(bytes);
    return bytes;
  }

  @Test
  void framesSplitAnyhowAcrossReadsComeOutWholeWithTheirStreamId() {
    ByteString wire = header(2).concat(frame(3, (byte) 'a')).concat(frame(0, (byte) 0)).concat(frame(5, (byte) 'b'));
    List<ByteString> oneByteAtATime = new ArrayList<>();
    for (int i = 0; i < wire.size(); i++) {
      oneByteAtATime.add(wire.slice(i, i + 1));
    }
    for (List<ByteString> chunks : List.of(List.of(wire), oneByteAtATime)) {
      List<EnvelopeBuffer> frames = frame(chunks);
      assertEquals(3, frames.size());
      assertArrayEquals("aaa".getBytes(), bytesOf(frames.get(0)));
      assertEquals(0, bytesOf(frames.get(1)).length);
      assertArrayEquals("bbbbb".getBytes(), bytesOf(frames.get(2)));
      frames.forEach(f -> assertEquals(2, f.streamId()));
    }
  }

  @Test
  void aFrameOfTheLargestAllowedLengthPasses() {
    int largest = TcpFraming.largestFrameBytes(testKit.system().settings().config());
    assertEquals(largest, bytesOf(frame(List.of(header(3), frame(largest, (byte) 0x78))).get(0)).length);
  }

  @Test
  void aLengthBeyondTheLargestFrameOrNegativeRejectsTheConnection() {
    // The audit's frame: AKKA, version byte 2 (read as the stream id), length 0x7fffffff.
    int largest = TcpFraming.largestFrameBytes(testKit.system().settings().config());
    for (int length : List.of(Integer.MAX_VALUE, largest + 1, -1, -4, Integer.MIN_VALUE)) {
      Throwable failure = failureOf(List.of(header(2), lengthField(length), ByteString.fromArray(new byte[100])));
      assertInstanceOf(Framing.FramingException.class, failure, "length " + length);
      assertTrue(failure.getMessage().contains("[" + length + "]"), failure.getMessage());
    }
  }

  @Test
  void aWrongMagicAnUnknownStreamOrATruncatedFrameRejectTheConnection() {
    assertInstanceOf(Framing.FramingException.class, failureOf(List.of(ByteString.fromString("GET / HTTP/1.1\r\n"))));
    assertInstanceOf(Framing.FramingException.class, failureOf(List.of(header(0), frame(1, (byte) 1))));
    assertInstanceOf(Framing.FramingException.class, failureOf(List.of(header(4), frame(1, (byte) 1))));
    assertInstanceOf(Framing.FramingException.class, failureOf(List.of(header(2), frame(10, (byte) 1).take(8))));
  }

  @Test
  void theNodeRunsThisFramingAndNotAkkasWhichItReplaces() {
    assertEquals(
        KvNode.class.getProtectionDomain().getCodeSource().getLocation(),
        TcpFraming.class.getProtectionDomain().getCodeSource().getLocation(),
        "TcpFraming must load from kvstore's classes, ahead of akka-remote's");
    // Written against 2.8.6's ArteryTcpTransport; an Akka upgrade must revisit (and likely drop) it.
    assertEquals("2.8.6", Version.current());
  }
}
