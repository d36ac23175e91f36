package io.kvstore.storage;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** Fixed-width big-endian key layouts, so RocksDB's byte order is numeric order. */
public final class Keys {
  private Keys() {}

  public static byte[] ofLong(long value) {
    return ByteBuffer.allocate(Long.BYTES).putLong(value).array();
  }

  public static long toLong(byte[] bytes) {
    return ByteBuffer.wrap(bytes).getLong();
  }

  public static byte[] ofLongs(long first, long second) {
    return ByteBuffer.allocate(2 * Long.BYTES).putLong(first).putLong(second).array();
  }

  /** The second long of a key made by {@link #ofLongs}. */
  public static long secondLong(byte[] key) {
    return ByteBuffer.wrap(key, Long.BYTES, Long.BYTES).getLong();
  }

  public static byte[] ofLongAndString(long first, String second) {
    byte[] text = second.getBytes(StandardCharsets.UTF_8);
    return ByteBuffer.allocate(Long.BYTES + text.length).putLong(first).put(text).array();
  }

  public static String stringAfterLong(byte[] key) {
    return new String(key, Long.BYTES, key.length - Long.BYTES, StandardCharsets.UTF_8);
  }

  public static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
