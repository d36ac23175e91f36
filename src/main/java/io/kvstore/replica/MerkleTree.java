package io.kvstore.replica;

import io.kvstore.CborSerializable;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.stream.IntStream;
import org.apache.commons.codec.digest.MurmurHash3;

/**
 * A two-level Merkle tree over one partition of a replica store: {@value #BUCKETS} leaf buckets
 * by key hash, each the XOR of its entries' hashes (so it does not depend on scan order), under
 * one root. Two replicas compare roots, then leaves, and exchange only the keys of the buckets
 * that differ.
 *
 * @param leaves one hash per bucket
 */
public record MerkleTree(long[] leaves) implements CborSerializable {
  public static final int BUCKETS = 64;

  /** The bucket of a key: the top bits of its murmur3 hash (the partition uses the low ones). */
  public static int bucketOf(String key) {
    byte[] utf8 = key.getBytes(StandardCharsets.UTF_8);
    return MurmurHash3.hash32x86(utf8, 0, utf8.length, 0) >>> (32 - Integer.numberOfTrailingZeros(BUCKETS));
  }

  public long root() {
    ByteBuffer all = ByteBuffer.allocate(leaves.length * Long.BYTES);
    for (long leaf : leaves) {
      all.putLong(leaf);
    }
    return MurmurHash3.hash128x64(all.array())[0];
  }

  /** Buckets whose contents differ between the two trees. */
  public int[] differingBuckets(MerkleTree other) {
    return IntStream.range(0, BUCKETS).filter(b -> leaves[b] != other.leaves[b]).toArray();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof MerkleTree t && Arrays.equals(leaves, t.leaves);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(leaves);
  }

  @Override
  public String toString() {
    return "MerkleTree[root " + Long.toHexString(root()) + "]";
  }

  /** Accumulates entries in any order. */
  public static final class Builder {
    private final long[] leaves = new long[BUCKETS];

    public void add(String key, byte[] register) {
      byte[] utf8 = key.getBytes(StandardCharsets.UTF_8);
      byte[] entry = ByteBuffer.allocate(utf8.length + 1 + register.length).put(utf8).put((byte) 0).put(register).array();
      leaves[bucketOf(key)] ^= MurmurHash3.hash128x64(entry)[0];
    }

    public MerkleTree build() {
      return new MerkleTree(leaves.clone());
    }
  }
}
