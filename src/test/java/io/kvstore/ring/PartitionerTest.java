package io.kvstore.ring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PartitionerTest {
  @Test
  void placementIsTheReferenceMurmur3WithSeedZero() {
    // murmur3_x86_32("hello", 0) = 0x248bfa47, the published reference value; pinned so that a
    // change that moved keys between partitions fails here.
    assertEquals(0x248bfa47 & 1023, new Partitioner(1024).partitionOf("hello"));
    assertEquals(0x248bfa47 & 15, new Partitioner(16).partitionOf("hello"));
  }

  @Test
  void keysSpreadOverAllPartitionsRoughlyEvenly() {
    Partitioner partitioner = new Partitioner(64);
    int[] counts = new int[64];
    for (int i = 0; i < 64_000; i++) {
      counts[partitioner.partitionOf("key-" + i)]++;
    }
    for (int count : counts) {
      assertTrue(count > 800 && count < 1200, "partition holds " + count + " of an expected 1000");
    }
  }

  @Test
  void partitionCountMustBeAPowerOfTwo() {
    assertThrows(IllegalArgumentException.class, () -> new Partitioner(1000));
  }
}
