package io.kvstore.entity;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * {@code kvstore.entity}, parsed once.
 *
 * @param historyEvents K: events kept per key as its version history, also the snapshot interval
 */
public record EntitySettings(
    int historyEvents, Duration restartMinBackoff, Duration restartMaxBackoff, int activeEntityLimit) {

  public static EntitySettings fromConfig(Config entity) {
    return new EntitySettings(
        entity.getInt("history-events"),
        entity.getDuration("restart-backoff.min"),
        entity.getDuration("restart-backoff.max"),
        entity.getInt("active-entity-limit"));
  }
}
