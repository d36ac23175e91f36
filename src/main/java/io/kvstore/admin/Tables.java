package io.kvstore.admin;

import java.util.ArrayList;
import java.util.List;

/** Plain-text tables: columns left-aligned two spaces apart, no trailing blanks (grep and awk friendly). */
final class Tables {
  private Tables() {}

  static String render(List<String> headers, List<List<String>> rows) {
    List<List<String>> lines = new ArrayList<>();
    lines.add(headers);
    lines.addAll(rows);
    int[] widths = new int[headers.size()];
    for (List<String> line : lines) {
      if (line.size() != headers.size()) {
        throw new IllegalArgumentException("a row of " + line.size() + " cells under " + headers.size() + " headers: " + line);
      }
      for (int column = 0; column < line.size(); column++) {
        widths[column] = Math.max(widths[column], line.get(column).length());
      }
    }
    StringBuilder table = new StringBuilder();
    for (List<String> line : lines) {
      StringBuilder text = new StringBuilder();
      for (int column = 0; column < line.size(); column++) {
        String cell = line.get(column);
        text.append(cell);
        if (column < line.size() - 1) {
          text.append(" ".repeat(widths[column] - cell.length() + 2));
        }
      }
      table.append(text.toString().stripTrailing()).append('\n');
    }
    return table.toString();
  }
}
