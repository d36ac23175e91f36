package io.kvstore.api;

import java.util.Arrays;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * A key's value as read.
 *
 * @param timestamp epoch millis of the write (its HLC stamp's wall-clock part)
 * @param expiresAtMillis epoch millis at which it expires; 0 = never
 */
public record KvEntry(String key, byte[] value, String version, long timestamp, long expiresAtMillis) {

  /** The same entry without its value (null), as a scan lists keys unless values are asked for. */
  public KvEntry withoutValue() {
    return new KvEntry(key, null, version, timestamp, expiresAtMillis);
  }

  public OptionalLong expiresAt() {
    return expiresAtMillis == 0 ? OptionalLong.empty() : OptionalLong.of(expiresAtMillis);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof KvEntry e
        && key.equals(e.key)
        && Arrays.equals(value, e.value)
        && version.equals(e.version)
        && timestamp == e.timestamp
        && expiresAtMillis == e.expiresAtMillis;
  }

  @Override
  public int hashCode() {
    return Objects.hash(key, Arrays.hashCode(value), version, timestamp, expiresAtMillis);
  }

  @Override
  public String toString() {
    return "KvEntry[" + key + ", " + version + ", " + value.length + " bytes]";
  }
}
