package io.kvstore.resp;

import com.typesafe.config.Config;
import io.kvstore.api.Consistency;
import java.time.Duration;

/**
 * {@code kvstore.resp}, parsed once.
 *
 * @param pipelineDepth commands of one connection in flight at once; further ones wait unread
 * @param consistency a new connection's level for reads and writes (KVSTORE.CONSISTENCY changes it)
 * @param maxUpdateAttempts compare-and-set attempts of a read-modify-write command (INCR, GETDEL…)
 *     before it gives up on a key that others keep changing
 * @param closeLinger how long a connection closing after an error reply still reads what the client
 *     sends, so that the client receives the reply (see {@link LingeringClose})
 * @param maxKeysReply the most keys KEYS answers with; beyond, it refuses and SCAN is the way
 */
public record RespSettings(
    boolean enabled,
    String host,
    int port,
    int maxConnections,
    int pipelineDepth,
    RespParser.Limits limits,
    Consistency consistency,
    int maxUpdateAttempts,
    Duration closeLinger,
    int maxKeysReply) {

  public static RespSettings fromConfig(Config resp) {
    return new RespSettings(
        resp.getBoolean("enabled"),
        resp.getString("host"),
        resp.getInt("port"),
        resp.getInt("max-connections"),
        resp.getInt("pipeline-depth"),
        new RespParser.Limits(
            resp.getInt("max-arguments"),
            Math.toIntExact(resp.getBytes("max-bulk-bytes")),
            Math.toIntExact(resp.getBytes("max-inline-bytes"))),
        Consistency.parse(resp.getString("consistency")),
        resp.getInt("max-update-attempts"),
        resp.getDuration("close-linger"),
        resp.getInt("max-keys-reply"));
  }
}
