package io.kvstore.node;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RepeatedMessageFilterTest {
  private final AtomicLong now = new AtomicLong(1_000_000);
  private final LoggerContext context = new LoggerContext();
  private final ListAppender<ILoggingEvent> written = new ListAppender<>();
  private Logger logger;

  @BeforeEach
  void setUp() {
    RepeatedMessageFilter filter = new RepeatedMessageFilter(now::get);
    filter.setAllowedPerWindow(3);
    filter.setWindowMillis(1_000);
    filter.start();
    context.addTurboFilter(filter);
    written.setContext(context);
    written.start();
    Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    root.setLevel(Level.INFO);
    root.addAppender(written);
    logger = context.getLogger("akka.remote.artery.Decoder");
  }

  private List<String> messages() {
    return written.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
  }

  @Test
  void aLoopingWarningIsCutToTheAllowanceAndItsDropsReported() {
    for (int i = 0; i < 100_000; i++) {
      logger.warn("Dropping message due to unexpected error [Incompatible protocol version [113]]");
    }
    assertEquals(3, written.list.size());
    now.addAndGet(1_000);
    logger.warn("Dropping message due to unexpected error [Incompatible protocol version [113]]");
    assertEquals(
        "dropped 99997 repeats of this message of akka.remote.artery.Decoder: "
            + "Dropping message due to unexpected error [Incompatible protocol version [113]]",
        messages().get(3));
    assertEquals(5, written.list.size(), "a new window lets the message through again");
  }

  @Test
  void differentMessagesAndOtherLoggersAreCountedApart() {
    for (int i = 0; i < 10; i++) {
      logger.warn("ring v" + i + " installed");
      context.getLogger("other").warn("Dropping message due to unexpected error [Incompatible protocol version [113]]");
    }
    assertEquals(13, written.list.size());
  }

  @Test
  void messagesBelowTheLevelAreNotCounted() {
    for (int i = 0; i < 10; i++) {
      logger.debug("same");
    }
    logger.info("same");
    assertEquals(List.of("same"), messages());
  }
}
