package io.kvstore.http;

import io.kvstore.api.ErrorCode;
import io.kvstore.api.InvalidRequestException;
import java.util.ArrayList;
import java.util.List;

/**
 * An {@code If-Match} value (RFC 9110 §13.1.1): {@code *}, or a comma-separated list of entity
 * tags, any of which the current version may match. Tags are quoted ({@code "v3-…"}); a bare
 * version is accepted too, as curl users type it. Weak tags never match a byte-exact version and
 * are refused, as are unbalanced quotes and anything else that is not a list of tags: a malformed
 * condition is the client's error (400), not a failed one (409).
 */
final class EntityTags {
  private EntityTags() {}

  static List<String> parseIfMatch(String value) {
    String text = value.trim();
    if (text.equals("*")) {
      return List.of("*");
    }
    List<String> tags = new ArrayList<>();
    int i = 0;
    while (i < text.length()) {
      char c = text.charAt(i);
      if (c == ',' || c == ' ' || c == '\t') {
        i++;
        continue;
      }
      if (text.startsWith("W/", i)) {
        throw malformed("weak entity tags are not supported in If-Match");
      }
      int end;
      if (c == '"') {
        end = text.indexOf('"', i + 1);
        if (end < 0) {
          throw malformed("an entity tag in If-Match has no closing quote: " + value);
        }
        tags.add(text.substring(i + 1, end));
        end++;
      } else {
        end = i;
        while (end < text.length() && ",\t ".indexOf(text.charAt(end)) < 0) {
          if (text.charAt(end) == '"' || text.charAt(end) == '*') {
            throw malformed("If-Match is not a list of entity tags: " + value);
          }
          end++;
        }
        tags.add(text.substring(i, end));
      }
      while (end < text.length() && (text.charAt(end) == ' ' || text.charAt(end) == '\t')) {
        end++;
      }
      if (end < text.length() && text.charAt(end) != ',') {
        throw malformed("If-Match is not a list of entity tags: " + value);
      }
      i = end;
    }
    if (tags.isEmpty()) {
      throw malformed("If-Match must name a version");
    }
    return tags;
  }

  private static InvalidRequestException malformed(String message) {
    return new InvalidRequestException(ErrorCode.INVALID_HEADER, message);
  }
}
