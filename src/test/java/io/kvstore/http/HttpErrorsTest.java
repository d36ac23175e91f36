package io.kvstore.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kvstore.api.ErrorCode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** docs/api.md's error table and {@link HttpErrors} say the same, for every code there is. */
class HttpErrorsTest {
  private static final Pattern STATUS = Pattern.compile("\\b\\d{3}\\b");
  private static final Pattern CODE = Pattern.compile("`([a-z_]+)`");

  @Test
  void everyCodeIsDocumentedWithTheStatusItIsAnsweredWith() throws IOException {
    Map<ErrorCode, Integer> documented = documentedStatuses();
    for (ErrorCode code : ErrorCode.values()) {
      assertTrue(documented.containsKey(code), "docs/api.md's error table lacks `" + code + "`");
      assertEquals(documented.get(code), HttpErrors.status(code).intValue(), "status of " + code);
    }
  }

  /** The rows of the table under "## Errors": statuses in the first cell, codes in the second. */
  static Map<ErrorCode, Integer> documentedStatuses() throws IOException {
    String api = Files.readString(Path.of("docs/api.md"));
    String section = api.substring(api.indexOf("\n## Errors"));
    section = section.substring(0, section.indexOf("\n## ", 1));
    Map<ErrorCode, Integer> statuses = new EnumMap<>(ErrorCode.class);
    for (String line : section.lines().filter(l -> l.startsWith("| ") && !l.startsWith("| status")).toList()) {
      String[] cells = line.split("\\|");
      List<Integer> rowStatuses = STATUS.matcher(cells[1]).results().map(m -> Integer.parseInt(m.group())).toList();
      List<String> rowCodes = CODE.matcher(cells[2]).results().map(m -> m.group(1)).toList();
      assertTrue(
          rowStatuses.size() == 1 || rowStatuses.size() == rowCodes.size(), "one status, or one per code: " + line);
      for (int i = 0; i < rowCodes.size(); i++) {
        statuses.put(ErrorCode.valueOf(rowCodes.get(i).toUpperCase(Locale.ROOT)), rowStatuses.get(rowStatuses.size() == 1 ? 0 : i));
      }
    }
    return statuses;
  }
}
