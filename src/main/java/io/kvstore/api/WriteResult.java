package io.kvstore.api;

/**
 * An acknowledged write.
 *
 * @param timestamp epoch millis of the write
 * @param expiresAtMillis for a put with TTL, when it expires; 0 = never
 */
public record WriteResult(String key, String version, long timestamp, long expiresAtMillis) {}
