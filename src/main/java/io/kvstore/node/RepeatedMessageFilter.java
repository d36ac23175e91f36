package io.kvstore.node;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Marker;

/**
 * Lets through at most {@code allowedPerWindow} identical messages of one logger per window and
 * drops the rest, then reports how many it dropped. Set in the distribution's {@code logback.xml}.
 *
 * <p>Why: a component stuck in a loop (the audit's remoting decoder logged the same warning some
 * 70 MB a second) must not fill the disk or, through the queue in front of the appender, the
 * heap. Akka formats its messages before they reach logback, so identical means the same text;
 * messages with changing details are all let through.
 */
public final class RepeatedMessageFilter extends TurboFilter {
  /** The logger of the drop reports, which are never themselves dropped. */
  static final String REPORTS = "io.kvstore.log.RepeatedMessages";
  /** Distinct messages tracked per window: beyond them messages pass untracked. */
  private static final int MAX_TRACKED = 1024;

  private final LongSupplier clockMillis;
  private volatile int allowedPerWindow = 10;
  private volatile long windowMillis = 10_000;
  private final Map<String, AtomicLong> seen = new ConcurrentHashMap<>();
  private long windowStart;

  public RepeatedMessageFilter() {
    this(System::currentTimeMillis);
  }

  RepeatedMessageFilter(LongSupplier clockMillis) {
    this.clockMillis = clockMillis;
    this.windowStart = clockMillis.getAsLong();
  }

  /** Configured from logback.xml: {@code <allowedPerWindow>}. */
  public void setAllowedPerWindow(int allowed) {
    this.allowedPerWindow = allowed;
  }

  /** Configured from logback.xml: {@code <windowMillis>}. */
  public void setWindowMillis(long millis) {
    this.windowMillis = millis;
  }

  @Override
  public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
    // Called for isEnabled checks too (no format) and before the level check: count only what would be written.
    if (format == null || !level.isGreaterOrEqual(logger.getEffectiveLevel()) || logger.getName().equals(REPORTS)) {
      return FilterReply.NEUTRAL;
    }
    rollOver(logger);
    if (seen.size() >= MAX_TRACKED) {
      return FilterReply.NEUTRAL;
    }
    long count = seen.computeIfAbsent(logger.getName() + '\u0000' + format, key -> new AtomicLong()).incrementAndGet();
    return count <= allowedPerWindow ? FilterReply.NEUTRAL : FilterReply.DENY;
  }

  private void rollOver(Logger anyLogger) {
    long now = clockMillis.getAsLong();
    Map<String, Long> dropped = new java.util.TreeMap<>();
    synchronized (this) {
      if (now - windowStart < windowMillis) {
        return;
      }
      windowStart = now;
      seen.forEach((key, count) -> {
        if (count.get() > allowedPerWindow) {
          dropped.put(key, count.get() - allowedPerWindow);
        }
      });
      seen.clear();
    }
    Logger reports = anyLogger.getLoggerContext().getLogger(REPORTS);
    dropped.forEach(
        (key, count) -> {
          int split = key.indexOf('\u0000');
          reports.warn("dropped {} repeats of this message of {}: {}", count, key.substring(0, split), key.substring(split + 1));
        });
  }
}
