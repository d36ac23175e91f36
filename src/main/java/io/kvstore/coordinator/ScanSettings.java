package io.kvstore.coordinator;

import com.typesafe.config.Config;

/**
 * {@code kvstore.scan}, parsed once.
 *
 * @param defaultLimit keys per page when the request names no limit
 * @param maxLimit the most keys a request may ask for per page
 * @param partitionsPerPage the most partitions one page visits, so that a page over a sparse
 *     keyspace still answers quickly (it may then be empty, with a cursor to go on from)
 * @param maxPageBytes about how much key and value data one page carries
 */
public record ScanSettings(int defaultLimit, int maxLimit, int partitionsPerPage, long maxPageBytes) {

  public static ScanSettings fromConfig(Config scan) {
    return new ScanSettings(
        scan.getInt("default-limit"), scan.getInt("max-limit"), scan.getInt("partitions-per-page"), scan.getBytes("max-page-bytes"));
  }
}
