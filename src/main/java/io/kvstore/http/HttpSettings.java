package io.kvstore.http;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * {@code kvstore.http}, parsed once.
 *
 * @param enabled false for an embedded node that serves only the Java API
 * @param requestHeadTimeout a connection is closed when no whole request head arrives within
 *     this time of it being ready for one (slow clients; idle kept-alive connections)
 * @param healthPort a second listener serving only the health endpoints; -1 for none
 * @param healthMaxConnections that listener's own connection limit
 * @param batchMaxItems keys or items one batch request may carry
 * @param batchMaxBytes the largest batch request body
 */
public record HttpSettings(
    boolean enabled,
    String host,
    int port,
    Duration bodyReadTimeout,
    Duration requestHeadTimeout,
    int healthPort,
    int healthMaxConnections,
    int batchMaxItems,
    long batchMaxBytes) {

  public static HttpSettings fromConfig(Config http) {
    return new HttpSettings(
        http.getBoolean("enabled"),
        http.getString("host"),
        http.getInt("port"),
        http.getDuration("body-read-timeout"),
        http.getDuration("request-head-timeout"),
        http.getInt("health-port"),
        http.getInt("health-max-connections"),
        http.getInt("batch.max-items"),
        http.getBytes("batch.max-bytes"));
  }
}
