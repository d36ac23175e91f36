package io.kvstore.http;

import akka.http.javadsl.model.HttpHeader;
import akka.http.javadsl.model.HttpRequest;
import io.kvstore.api.ErrorCode;
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
   * The key part of the request target exactly as the client sent it, when the target names a
   * key ({@code /api/v1/keys/...}). Read from the {@code Raw-Request-URI} header that Akka HTTP
   * adds (see reference.conf), not from Akka's parsed path: that one has dot segments removed
   * (the keys {@code ..} and {@code %2E%2E} would name {@code /api/v1/} instead) and invalid
   * UTF-8 turned into replacement characters instead of an error.
   */
  static Optional<String> rawKeyPart(HttpRequest request) {
    String target = request.getHeader(RAW_URI_HEADER).map(HttpHeader::value).orElseGet(() -> request.getUri().path());
    int query = target.indexOf('?');
    String path = query < 0 ? target : target.substring(0, query);
    if (!path.startsWith("/")) {
      // absolute-form: scheme://authority/path
      int authority = path.indexOf("//");
      int pathStart = authority < 0 ? -1 : path.indexOf('/', authority + 2);
      path = pathStart < 0 ? "/" : path.substring(pathStart);
    }
    return path.startsWith(PREFIX) ? Optional.of(path.substring(PREFIX.length())) : Optional.empty();
  }

  private static final String PREFIX = "/api/v1/keys/";

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
      throw new InvalidRequestException(ErrorCode.INVALID_KEY, "key is not valid UTF-8 once percent-decoded");
    }
  }

  private static InvalidRequestException malformed() {
    return new InvalidRequestException(ErrorCode.INVALID_KEY, "key has a malformed percent-escape");
  }
}
