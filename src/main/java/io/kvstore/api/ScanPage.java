package io.kvstore.api;

import java.util.List;

/**
 * One page of a scan: its entries (their {@code value} null unless values were asked for), and
 * the cursor of the next page, {@link ScanOptions#START} once the scan is complete. A page may
 * be empty while the scan goes on.
 */
public record ScanPage(List<KvEntry> entries, String cursor) {
  public boolean complete() {
    return cursor.equals(ScanOptions.START);
  }
}
