package io.kvstore.resp;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/** Decoding of command arguments, with Redis's rules and error texts. */
final class Arguments {
  private Arguments() {}

  /** A key: kvstore keys are Unicode text, so the bytes must be valid UTF-8. */
  static String key(byte[] bytes) {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      throw new RespException("ERR invalid key: kvstore keys must be valid UTF-8 text");
    }
  }

  /** An option or subcommand word, upper-cased. */
  static String word(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8).toUpperCase(Locale.ROOT);
  }

  static String text(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8);
  }

  /**
   * A signed 64-bit decimal as Redis reads one: an optional minus sign and digits, no plus sign,
   * no spaces, no leading zeros, no "-0".
   */
  static long integer(byte[] bytes) {
    int length = bytes.length;
    if (length == 0 || length > 20) {
      throw RespException.notAnInteger();
    }
    boolean negative = bytes[0] == '-';
    int first = negative ? 1 : 0;
    if (first == length || bytes[first] < '0' || bytes[first] > '9' || (bytes[first] == '0' && (length > first + 1 || negative))) {
      throw RespException.notAnInteger();
    }
    long value = 0;
    for (int i = first; i < length; i++) {
      int digit = bytes[i] - '0';
      if (digit < 0 || digit > 9) {
        throw RespException.notAnInteger();
      }
      // Accumulate negatively: Long.MIN_VALUE has no positive counterpart.
      if (value < (Long.MIN_VALUE + digit) / 10) {
        throw RespException.notAnInteger();
      }
      value = value * 10 - digit;
    }
    if (!negative) {
      if (value == Long.MIN_VALUE) {
        throw RespException.notAnInteger();
      }
      value = -value;
    }
    return value;
  }
}
