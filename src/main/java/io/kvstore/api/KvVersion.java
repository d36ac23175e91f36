package io.kvstore.api;

/**
 * One retained version of a key, from its history.
 *
 * @param value the bytes written; empty for a delete or an expiry
 */
public record KvVersion(String key, Kind kind, String version, long timestamp, long expiresAtMillis, byte[] value) {
  public enum Kind {
    WRITE,
    DELETE,
    EXPIRE
  }
}
