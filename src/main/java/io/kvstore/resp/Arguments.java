package io.kvstore.resp;

import io.kvstore.api.InvalidRequestException;
import io.kvstore.api.Mutation;
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

  /** A signed 64-bit decimal as Redis reads one ({@link Mutation.Numbers#integer}). */
  static long integer(byte[] bytes) {
    try {
      return Mutation.Numbers.integer(bytes);
    } catch (InvalidRequestException e) {
      throw RespException.notAnInteger();
    }
  }
}
