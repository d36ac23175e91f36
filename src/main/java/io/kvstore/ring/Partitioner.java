package io.kvstore.ring;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.commons.codec.digest.MurmurHash3;

/**
 * Maps keys to one of P partitions: {@code murmur3_x86_32(utf8(key), seed 0) mod P}, P a power of
 * two. The reference hash with seed 0, so any client library can compute a key's partition.
 */
public record Partitioner(int partitions) {
  /** Replica stores key by a two-byte partition number, and a partition's end is the next one. */
  public static final int MAX_PARTITIONS = 1 << 15;

  public Partitioner {
    if (partitions <= 0 || partitions > MAX_PARTITIONS || Integer.bitCount(partitions) != 1) {
      throw new IllegalArgumentException(
          "partitions must be a power of two up to " + MAX_PARTITIONS + ", was " + partitions);
    }
  }

  public int partitionOf(String key) {
    byte[] utf8 = key.getBytes(StandardCharsets.UTF_8);
    return MurmurHash3.hash32x86(utf8, 0, utf8.length, 0) & (partitions - 1);
  }

  /** One key per partition, indexed by partition: {@code prefix} followed by the first number that lands there. */
  public List<String> keyPerPartition(String prefix) {
    String[] keys = new String[partitions];
    int found = 0;
    for (int i = 0; found < partitions; i++) {
      String key = prefix + i;
      int partition = partitionOf(key);
      if (keys[partition] == null) {
        keys[partition] = key;
        found++;
      }
    }
    return List.of(keys);
  }
}
