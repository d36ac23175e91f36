package io.kvstore.http;

import akka.http.javadsl.model.HttpRequest;
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
 * Closes an HTTP connection on which no complete request head arrives within a deadline of the
 * connection being ready for one: when it opened, or when the previous answer was handed back.
 *
 * <p>Why: Akka HTTP 10.5 has no header-read timeout (akka/akka-http#813). Its idle timeout
 * restarts on every byte, so a client that drips one header line every few seconds holds a
 * connection for as long as it likes, and about a thousand such clients take every connection
 * (slowloris). Placed in front of the routes, once per connection: a request reaches this stage
 * only once its head is parsed, and the routes ask for the next one only after answering.
 * An idle kept-alive connection is closed after the same deadline, as servers' keep-alive
 * timeouts do.
 */
final class RequestHeadDeadline extends GraphStage<FlowShape<HttpRequest, HttpRequest>> {
  private final Inlet<HttpRequest> in = Inlet.create("RequestHeadDeadline.in");
  private final Outlet<HttpRequest> out = Outlet.create("RequestHeadDeadline.out");
  private final FlowShape<HttpRequest, HttpRequest> shape = FlowShape.of(in, out);
  private final Duration deadline;

  RequestHeadDeadline(Duration deadline) {
    this.deadline = deadline;
  }

  @Override
  public FlowShape<HttpRequest, HttpRequest> shape() {
    return shape;
  }

  @Override
  public GraphStageLogic createLogic(Attributes inheritedAttributes) {
    return new TimerGraphStageLogic(shape) {
      {
        setHandler(
            in,
            new AbstractInHandler() {
              @Override
              public void onPush() {
                cancelTimer("head");
                push(out, grab(in));
              }
            });
        setHandler(
            out,
            new AbstractOutHandler() {
              @Override
              public void onPull() {
                scheduleOnce("head", deadline);
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
