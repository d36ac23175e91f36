package io.kvstore.crdt;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;

/**
 * How the replica store keeps a register on disk: fixed fields in a known order behind a format
 * byte. Every write decodes the stored register to merge into it and encodes the result, on every
 * replica, and every replica read decodes one; Jackson CBOR spent its time there on field names,
 * reflection and a parser per call.
 *
 * <p>Layout 1: format byte 1; value (int length, bytes); tombstone (1 byte); expiry millis
 * (long); HLC physical millis (long), logical (int), node (string); version-vector size (int),
 * then per entry node (string) and counter (long). Integers are big-endian; strings are an int
 * length and UTF-8. Jackson CBOR, the earlier layout, starts with a CBOR map header (0xA0 and up),
 * never 1: see {@link #isThisFormat}.
 */
public final class RegisterFormat {
  private static final byte LAYOUT_1 = 1;

  private RegisterFormat() {}

  /** Whether {@code stored} is in this format, rather than the Jackson CBOR stored before it. */
  public static boolean isThisFormat(byte[] stored) {
    return stored.length > 0 && stored[0] == LAYOUT_1;
  }

  public static byte[] encode(Register register) {
    byte[] node = utf8(register.stamp().node());
    Map<String, Long> entries = register.version().entries();
    byte[][] entryNodes = new byte[entries.size()][];
    int size = 1 + 4 + register.value().length + 1 + 8 + 8 + 4 + 4 + node.length + 4;
    int i = 0;
    for (String entryNode : entries.keySet()) {
      entryNodes[i] = utf8(entryNode);
      size += 4 + entryNodes[i].length + 8;
      i++;
    }
    ByteBuffer out = ByteBuffer.allocate(size);
    out.put(LAYOUT_1);
    putBytes(out, register.value());
    out.put((byte) (register.tombstone() ? 1 : 0));
    out.putLong(register.expiresAtMillis());
    out.putLong(register.stamp().physicalMillis());
    out.putInt(register.stamp().logical());
    putBytes(out, node);
    out.putInt(entries.size());
    i = 0;
    for (long counter : entries.values()) {
      putBytes(out, entryNodes[i++]);
      out.putLong(counter);
    }
    return out.array();
  }

  /** @throws IllegalArgumentException when {@code stored} is not one whole register of this format */
  public static Register decode(byte[] stored) {
    ByteBuffer in = ByteBuffer.wrap(stored);
    try {
      byte layout = in.get();
      if (layout != LAYOUT_1) {
        throw new IllegalArgumentException("unknown stored register layout " + layout);
      }
      byte[] value = getBytes(in);
      boolean tombstone = in.get() != 0;
      long expiresAtMillis = in.getLong();
      HlcTimestamp stamp = new HlcTimestamp(in.getLong(), in.getInt(), getString(in));
      int size = count(in);
      Map<String, Long> entries = new TreeMap<>();
      for (int i = 0; i < size; i++) {
        entries.put(getString(in), in.getLong());
      }
      if (in.hasRemaining()) {
        throw new IllegalArgumentException(in.remaining() + " bytes left over after a stored register");
      }
      return new Register(value, new VersionVector(entries), stamp, tombstone, expiresAtMillis);
    } catch (BufferUnderflowException e) {
      throw new IllegalArgumentException("stored register cut short (" + stored.length + " bytes)", e);
    }
  }

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static void putBytes(ByteBuffer out, byte[] bytes) {
    out.putInt(bytes.length);
    out.put(bytes);
  }

  private static byte[] getBytes(ByteBuffer in) {
    byte[] bytes = new byte[count(in)];
    in.get(bytes);
    return bytes;
  }

  private static String getString(ByteBuffer in) {
    return new String(getBytes(in), StandardCharsets.UTF_8);
  }

  /** A length or count, checked against the bytes left, so corrupt input cannot allocate gigabytes. */
  private static int count(ByteBuffer in) {
    int count = in.getInt();
    if (count < 0 || count > in.remaining()) {
      throw new IllegalArgumentException("length " + count + " out of range, " + in.remaining() + " bytes left");
    }
    return count;
  }
}
