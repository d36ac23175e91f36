package io.kvstore.http;

import akka.http.javadsl.model.HttpRequest;
import io.kvstore.api.InvalidRequestException;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Turns the path after {@code /api/v1/keys/} into a key. The whole rest of the path is the key,
 * so keys may contain {@code /}; percent-escapes are decoded strictly (no {@code +} for space,
 * malformed escapes and invalid UTF-8 are errors).
 */
final class KeyPath {
  private static final String RAW_URI_HEADER = "Raw-Request-URI";

  private KeyPath() {}

  /**
   * The key part of the request target exactly as the client sent it (Akka HTTP adds the {@code
   * Raw-Request-URI} header, see reference.conf): Akka's own decoding would turn invalid UTF-8
   * into replacement characters instead of an error.
   */
  static Optional<String> rawKeyPart(HttpRequest request) {
    return request
        .getHeader(RAW_URI_HEADER)
        .map(
            header -> {
              String target = header.value();
              int query = target.indexOf('?');
              String path = query < 0 ? target : target.substring(0, query);
              if (!path.startsWith("/")) {
                // absolute-form: scheme://authority/path
                int authority = path.indexOf("//");
                int pathStart = authority < 0 ? -1 : path.indexOf('/', authority + 2);
                path = pathStart < 0 ? "/" : path.substring(pathStart);
              }
              // "", "api", "v1", "keys", then the key, which may itself contain '/'.
              String[] parts = path.split("/", 5);
              return parts.length == 5 ? parts[4] : "";
            });
  }

  static String decode(String encoded) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(encoded.length());
    for (int i = 0; i < encoded.length(); i++) {
      char c = encoded.charAt(i);
      if (c == '%') {
        if (i + 2 >= encoded.length()) {
          throw malformed();
        }
        int high = Character.digit(encoded.charAt(i + 1), 16);
        int low = Character.digit(encoded.charAt(i + 2), 16);
        if (high < 0 || low < 0) {
          throw malformed();
        }
        bytes.write(high * 16 + low);
        i += 2;
      } else {
        int codePoint = encoded.codePointAt(i);
        byte[] utf8 = Character.toString(codePoint).getBytes(StandardCharsets.UTF_8);
        bytes.write(utf8, 0, utf8.length);
        i += Character.charCount(codePoint) - 1;
      }
    }
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes.toByteArray()))
          .toString();
    } catch (CharacterCodingException e) {
      throw new InvalidRequestException("invalid_key", "key is not valid UTF-8 once percent-decoded");
    }
  }

  private static InvalidRequestException malformed() {
    return new InvalidRequestException("invalid_key", "key has a malformed percent-escape");
  }
}
