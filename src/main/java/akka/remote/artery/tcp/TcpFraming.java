package akka.remote.artery.tcp;

import akka.remote.artery.EnvelopeBuffer;
import akka.remote.artery.RemotingFlightRecorder;
import akka.stream.Attributes;
import akka.stream.FlowShape;
import akka.stream.Inlet;
import akka.stream.Outlet;
import akka.stream.scaladsl.Framing;
import akka.stream.stage.AbstractInHandler;
import akka.stream.stage.AbstractOutHandler;
import akka.stream.stage.GraphStage;
import akka.stream.stage.GraphStageLogic;
import akka.util.ByteString;
import com.typesafe.config.Config;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * kvstore's replacement for Akka 2.8.6's inbound Artery TCP framing (this class shadows Akka's of
 * the same name: kvstore's jar precedes akka-remote on the classpath; {@code KvNode}
 * checks that at start-up). Same wire format: a connection header ({@code AKKA}, one stream-id
 * byte), then frames of a 4-byte little-endian length and that many bytes.
 *
 * <p>Why: Akka 2.8.6 reads the length without any bound. A length near {@code Integer.MAX_VALUE}
 * or a negative one overflows its parser's offset arithmetic, so the parser never consumes the
 * frame and emits the same bytes again on every pull: one bad frame from anyone who can reach the
 * remoting port makes the shared inbound stream log "Dropping message due to unexpected error"
 * in a tight loop, for ever, even after the connection closed. Fixed upstream in Akka 2.10.10+
 * (akka/akka#32791, #32978), which kvstore cannot use. Here a length outside [0, largest frame
 * size], a wrong magic or an unknown stream id fails this connection's stage, which closes only
 * that connection.
 */
public final class TcpFraming extends GraphStage<FlowShape<ByteString, EnvelopeBuffer>> {
  private static final ByteString MAGIC = ByteString.fromArray(new byte[] {'A', 'K', 'K', 'A'});
  private static final int HEADER_BYTES = MAGIC.size() + 1;
  private static final int LENGTH_BYTES = 4;
  /** Artery's control, ordinary and large-message streams. */
  private static final int LOWEST_STREAM_ID = 1;
  private static final int HIGHEST_STREAM_ID = 3;

  private final Inlet<ByteString> in = Inlet.create("TcpFraming.in");
  private final Outlet<EnvelopeBuffer> out = Outlet.create("TcpFraming.out");
  private final FlowShape<ByteString, EnvelopeBuffer> shape = FlowShape.of(in, out);
  private final RemotingFlightRecorder flightRecorder;

  /** The constructor Akka's {@code ArteryTcpTransport} calls, once per inbound connection. */
  public TcpFraming(RemotingFlightRecorder flightRecorder) {
    this.flightRecorder = flightRecorder;
  }

  /** The largest frame Artery sends: the bound on an inbound frame's length. */
  static int largestFrameBytes(Config config) {
    Config advanced = config.getConfig("akka.remote.artery.advanced");
    long largest = Math.max(advanced.getBytes("maximum-frame-size"), advanced.getBytes("maximum-large-frame-size"));
    return (int) Math.min(Integer.MAX_VALUE, largest);
  }

  @Override
  public FlowShape<ByteString, EnvelopeBuffer> shape() {
    return shape;
  }

  @Override
  public GraphStageLogic createLogic(Attributes inheritedAttributes) {
    return new GraphStageLogic(shape) {
      private ByteString buffered = ByteString.emptyByteString();
      private int streamId = -1;
      private int largestFrame;

      {
        setHandler(
            in,
            new AbstractInHandler() {
              @Override
              public void onPush() {
                buffered = buffered.concat(grab(in));
                emitOrPull();
              }

              @Override
              public void onUpstreamFinish() {
                if (buffered.isEmpty()) {
                  completeStage();
                } else if (isAvailable(out)) {
                  emitOrPull();
                }
              }
            });
        setHandler(
            out,
            new AbstractOutHandler() {
              @Override
              public void onPull() {
                emitOrPull();
              }
            });
      }

      @Override
      public void preStart() {
        largestFrame = largestFrameBytes(materializer().system().settings().config());
      }

      /** Emits the next whole frame if downstream wants one, or asks upstream for more bytes. */
      private void emitOrPull() {
        if (streamId < 0) {
          if (buffered.size() < HEADER_BYTES) {
            needMore();
            return;
          }
          if (!buffered.take(MAGIC.size()).equals(MAGIC)) {
            throw new Framing.FramingException("connection did not start with Artery's magic bytes: rejected");
          }
          int id = buffered.apply(MAGIC.size()) & 0xff;
          if (id < LOWEST_STREAM_ID || id > HIGHEST_STREAM_ID) {
            throw new Framing.FramingException("unknown Artery stream id [" + id + "]: connection rejected");
          }
          streamId = id;
          buffered = buffered.drop(HEADER_BYTES);
        }
        if (!isAvailable(out)) {
          return;
        }
        if (buffered.size() < LENGTH_BYTES) {
          needMore();
          return;
        }
        int length = buffered.iterator().getInt(ByteOrder.LITTLE_ENDIAN);
        if (length < 0 || length > largestFrame) {
          throw new Framing.FramingException(
              "Artery frame length [" + length + "] outside [0, " + largestFrame + "]: connection rejected");
        }
        if (buffered.size() - LENGTH_BYTES < length) {
          needMore();
          return;
        }
        ByteBuffer frame = ByteBuffer.wrap(buffered.slice(LENGTH_BYTES, LENGTH_BYTES + length).toArray());
        frame.order(ByteOrder.LITTLE_ENDIAN);
        buffered = buffered.drop(LENGTH_BYTES + length);
        flightRecorder.tcpInboundReceived(frame.limit());
        EnvelopeBuffer envelope = new EnvelopeBuffer(frame);
        envelope.setStreamId(streamId);
        push(out, envelope);
        if (isClosed(in) && buffered.isEmpty()) {
          completeStage();
        }
      }

      private void needMore() {
        if (!isClosed(in)) {
          if (!hasBeenPulled(in)) {
            pull(in);
          }
        } else if (buffered.isEmpty()) {
          completeStage();
        } else {
          failStage(new Framing.FramingException("connection closed within an Artery frame"));
        }
      }
    };
  }
}
