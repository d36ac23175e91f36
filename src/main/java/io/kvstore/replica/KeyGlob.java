package io.kvstore.replica;

/**
 * Redis's glob patterns for KEYS and SCAN's MATCH: {@code *} any run, {@code ?} any one
 * character, {@code [abc]}, {@code [^abc]} and {@code [a-z]} sets, and {@code \} to take the next
 * character literally, as Redis's {@code stringmatchlen} reads them (an unclosed {@code [}
 * closes at the pattern's end). Matched by code point.
 */
public final class KeyGlob {
  private final int[] pattern;

  public KeyGlob(String pattern) {
    this.pattern = pattern.codePoints().toArray();
  }

  /**
   * Greedy, backtracking only to the last {@code *}: linear in the key for each star, never
   * exponential (Redis's own recursive matcher was, CVE-2022-36021).
   */
  public boolean matches(String key) {
    int[] text = key.codePoints().toArray();
    int p = 0;
    int t = 0;
    int starP = -1;
    int starT = 0;
    while (t < text.length) {
      if (p < pattern.length && pattern[p] == '*') {
        while (p < pattern.length && pattern[p] == '*') {
          p++;
        }
        if (p == pattern.length) {
          return true;
        }
        starP = p;
        starT = t;
        continue;
      }
      int next = step(p, text[t]);
      if (next >= 0) {
        p = next;
        t++;
      } else if (starP < 0) {
        return false;
      } else {
        p = starP;
        t = ++starT;
      }
    }
    while (p < pattern.length && pattern[p] == '*') {
      p++;
    }
    return p == pattern.length;
  }

  /** Where the pattern goes on after its element at {@code p} matched {@code c}; -1 if it does not. */
  private int step(int p, int c) {
    if (p == pattern.length) {
      return -1;
    }
    return switch (pattern[p]) {
      case '?' -> p + 1;
      case '[' -> {
        int end = setEnd(p);
        yield inSet(p + 1, end, c) ? end + 1 : -1;
      }
      case '\\' -> p + 1 < pattern.length ? (pattern[p + 1] == c ? p + 2 : -1) : (c == '\\' ? p + 1 : -1);
      default -> pattern[p] == c ? p + 1 : -1;
    };
  }

  /** The index of the set's closing bracket, or of the pattern's last character when unclosed. */
  private int setEnd(int open) {
    int i = open + 1;
    if (i < pattern.length && pattern[i] == '^') {
      i++;
    }
    while (i < pattern.length && pattern[i] != ']') {
      i += pattern[i] == '\\' && i + 1 < pattern.length ? 2 : 1;
    }
    return Math.min(i, pattern.length - 1);
  }

  private boolean inSet(int from, int end, int c) {
    boolean negated = from < pattern.length && pattern[from] == '^';
    int i = negated ? from + 1 : from;
    int last = pattern[end] == ']' ? end : end + 1;
    boolean found = false;
    while (i < last) {
      if (pattern[i] == '\\' && i + 1 < last) {
        found |= pattern[i + 1] == c;
        i += 2;
      } else if (i + 2 < last && pattern[i + 1] == '-') {
        int low = Math.min(pattern[i], pattern[i + 2]);
        int high = Math.max(pattern[i], pattern[i + 2]);
        found |= c >= low && c <= high;
        i += 3;
      } else {
        found |= pattern[i] == c;
        i++;
      }
    }
    return negated != found;
  }
}
