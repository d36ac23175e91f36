package io.kvstore.admin;

import java.nio.charset.StandardCharsets;

/** Paths of the node's HTTP API, with keys and node ids percent-encoded as one path segment each. */
final class ApiPaths {
  static final String CLUSTER = "/api/v1/cluster";
  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  private ApiPaths() {}

  static String key(String key) {
    return "/api/v1/keys/" + segment(key);
  }

  static String node(String nodeId) {
    return CLUSTER + "/nodes/" + segment(nodeId);
  }

  /**
   * Every byte of the UTF-8 but letters, digits, {@code -}, {@code _} and {@code ~} escaped: the
   * API takes a plain {@code /} as part of a key too, but {@code %2F} cannot be misread, and an
   * escaped dot keeps {@code .} and {@code ..} keys away from anything that normalizes paths.
   */
  static String segment(String text) {
    StringBuilder encoded = new StringBuilder();
    for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
      char c = (char) (b & 0xff);
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '~') {
        encoded.append(c);
      } else {
        encoded.append('%').append(HEX[(b >> 4) & 0xf]).append(HEX[b & 0xf]);
      }
    }
    return encoded.toString();
  }
}
