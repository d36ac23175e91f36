package io.kvstore.replica;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class KeyGlobTest {

  private static boolean matches(String pattern, String key) {
    return new KeyGlob(pattern).matches(key);
  }

  /** The examples of Redis's KEYS documentation. */
  @Test
  void redisDocumentedPatterns() {
    assertTrue(matches("h?llo", "hello"));
    assertTrue(matches("h?llo", "hallo"));
    assertFalse(matches("h?llo", "hllo"));
    assertTrue(matches("h*llo", "hllo"));
    assertTrue(matches("h*llo", "heeeello"));
    assertTrue(matches("h[ae]llo", "hello"));
    assertTrue(matches("h[ae]llo", "hallo"));
    assertFalse(matches("h[ae]llo", "hillo"));
    assertTrue(matches("h[^e]llo", "hallo"));
    assertTrue(matches("h[^e]llo", "hbllo"));
    assertFalse(matches("h[^e]llo", "hello"));
    assertTrue(matches("h[a-b]llo", "hallo"));
    assertTrue(matches("h[a-b]llo", "hbllo"));
    assertFalse(matches("h[a-b]llo", "hcllo"));
  }

  @Test
  void starsEscapesAndEdges() {
    assertTrue(matches("*", ""));
    assertTrue(matches("*", "anything"));
    assertTrue(matches("user:*", "user:42"));
    assertFalse(matches("user:*", "users:42"));
    assertTrue(matches("*:42", "user:42"));
    assertTrue(matches("a*b*c", "aXXbYYc"));
    assertFalse(matches("a*b*c", "aXXbYY"));
    assertTrue(matches("a\\*b", "a*b"));
    assertFalse(matches("a\\*b", "aXb"));
    assertTrue(matches("a[\\]]b", "a]b"));
    assertTrue(matches("h[z-a]llo", "hmllo"), "a reversed range, as Redis reads it");
    assertTrue(matches("a[bc", "ab"), "an unclosed set ends the pattern");
    assertFalse(matches("", "a"));
    assertTrue(matches("ключ:?", "ключ:я"), "by code point");
  }

  @Test
  void patternsThatAreExponentialForARecursiveMatcherStayFast() {
    String key = "a".repeat(200);
    assertTimeoutPreemptively(
        Duration.ofSeconds(2), () -> assertFalse(matches("*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b", key)));
  }
}
