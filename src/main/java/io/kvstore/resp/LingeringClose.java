package io.kvstore.resp;

import akka.stream.Attributes;
import akka.stream.FlowShape;
import akka.stream.Inlet;
import akka.stream.Outlet;
import akka.stream.stage.AbstractInHandler;
import akka.stream.stage.AbstractOutHandler;
import akka.stream.stage.GraphStage;
import akka.stream.stage.GraphStageLogic;
import akka.stream.stage.TimerGraphStageLogic;
import java.time.Duration;

/**
 * Ends a connection's replies after the one that closes it (QUIT, a protocol error), but goes on
 * reading, and dropping, what the client still sends, until it closes its side or {@code linger}
 * has passed.
 *
 * <p>Closing a socket with unread bytes in it makes the kernel send a reset, and a client still
 * writing its oversized request then sees "broken pipe" instead of the error reply that explains
 * it. Reading on while only the reply side is closed (TCP half-close, as nginx's lingering close)
 * lets that reply arrive; the bound keeps a client that never closes from holding the connection.
 */
final class LingeringClose extends GraphStage<FlowShape<RespConnection.Answer, RespConnection.Answer>> {
  private final Inlet<RespConnection.Answer> in = Inlet.create("LingeringClose.in");
  private final Outlet<RespConnection.Answer> out = Outlet.create("LingeringClose.out");
  private final FlowShape<RespConnection.Answer, RespConnection.Answer> shape = FlowShape.of(in, out);
  private final Duration linger;

  LingeringClose(Duration linger) {
    this.linger = linger;
  }

  @Override
  public FlowShape<RespConnection.Answer, RespConnection.Answer> shape() {
    return shape;
  }

  @Override
  public GraphStageLogic createLogic(Attributes inheritedAttributes) {
    return new TimerGraphStageLogic(shape) {
      private boolean closing;

      {
        setHandler(in, new AbstractInHandler() {
          @Override
          public void onPush() {
            RespConnection.Answer answer = grab(in);
            if (closing) {
              pull(in);
            } else if (answer.closes()) {
              closing = true;
              push(out, answer);
              complete(out);
              scheduleOnce("linger", linger);
              pull(in);
            } else {
              push(out, answer);
            }
          }
        });
        setHandler(out, new AbstractOutHandler() {
          @Override
          public void onPull() {
            pull(in);
          }
        });
      }

      @Override
      public void onTimer(Object key) {
        completeStage();
      }
    };
  }
}
