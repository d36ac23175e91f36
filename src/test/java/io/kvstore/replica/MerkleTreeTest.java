package io.kvstore.replica;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class MerkleTreeTest {
  private static MerkleTree treeOf(List<String[]> entries) {
    MerkleTree.Builder builder = new MerkleTree.Builder();
    for (String[] entry : entries) {
      builder.add(entry[0], entry[1].getBytes(StandardCharsets.UTF_8));
    }
    return builder.build();
  }

  private static List<String[]> entries(int count) {
    List<String[]> entries = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      entries.add(new String[] {"key-" + i, "register-" + i});
    }
    return entries;
  }

  @Test
  void theTreeDoesNotDependOnScanOrder() {
    List<String[]> entries = entries(500);
    MerkleTree ordered = treeOf(entries);
    Collections.shuffle(entries, new Random(20261123));
    assertEquals(ordered, treeOf(entries));
    assertEquals(ordered.root(), treeOf(entries).root());
  }

  @Test
  void oneChangedRegisterChangesTheRootAndExactlyItsBucket() {
    List<String[]> entries = entries(500);
    MerkleTree before = treeOf(entries);
    entries.set(42, new String[] {"key-42", "a newer register"});
    MerkleTree after = treeOf(entries);
    assertNotEquals(before.root(), after.root());
    assertArrayEquals(new int[] {MerkleTree.bucketOf("key-42")}, before.differingBuckets(after));
  }

  @Test
  void aMissingKeyShowsUpInItsBucket() {
    List<String[]> entries = new ArrayList<>();
    entries.add(new String[] {"present", "r1"});
    entries.add(new String[] {"missing-on-one-replica", "r2"});
    MerkleTree full = treeOf(entries);
    MerkleTree partial = treeOf(entries.subList(0, 1));
    assertArrayEquals(new int[] {MerkleTree.bucketOf("missing-on-one-replica")}, full.differingBuckets(partial));
  }
}
