package io.kvstore.replica;

import akka.actor.typed.DispatcherSelector;
import akka.serialization.Serialization;
import io.kvstore.crdt.Register;
import io.kvstore.crdt.RegisterFormat;
import io.kvstore.ring.Partitioner;
import io.kvstore.ring.RetiredNodes;
import io.kvstore.storage.Batch;
import io.kvstore.storage.BatchOps;
import io.kvstore.storage.ColumnFamily;
import io.kvstore.storage.Keys;
import io.kvstore.storage.RocksDbStorage;
import io.kvstore.storage.StorageSettings;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntPredicate;
import java.util.function.Predicate;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's copy of the registers it replicates, in {@link ColumnFamily#REGISTERS} keyed by
 * partition then key (so a partition is one contiguous range), with a TTL index in {@link
 * ColumnFamily#EXPIRY}.
 *
 * <p>Every write is a CRDT merge with what is stored, done inside the group commit on its single
 * thread ({@link Batch#get} sees earlier writes of the same batch), so concurrent arrivals for a
 * key (the owner's replication, read repair, anti-entropy, hints) can never overwrite each other.
 * A write is acknowledged only after the batch's sync.
 */
public final class ReplicaStore {
  /** Where callers run this store's scans (Merkle trees, pages), which block on RocksDB. */
  public static final DispatcherSelector BLOCKING = DispatcherSelector.fromConfig(StorageSettings.BLOCKING_DISPATCHER);
  private static final Logger log = LoggerFactory.getLogger(ReplicaStore.class);
  private static final byte[] NOTHING = new byte[0];
  /** Akka's fixed identifier of its Jackson CBOR serializer (it is stored in journals, so it never changes). */
  static final int JACKSON_CBOR = 33;

  /** An entry of the TTL index: {@code key} may expire at {@code expiresAtMillis}. */
  public record DueExpiry(String key, long expiresAtMillis) {}

  /** A key and the register stored for it. */
  public record Entry(String key, Register register) implements io.kvstore.CborSerializable {
    /** The same entry with an empty value: for listings that need keys and versions only. */
    public Entry withoutValue() {
      Register r = register;
      return new Entry(key, new Register(new byte[0], r.version(), r.stamp(), r.tombstone(), r.expiresAtMillis()));
    }
  }

  private final RocksDbStorage storage;
  private final Serialization serialization;
  private final Partitioner partitioner;
  private final ColumnFamilyHandle registers;
  private final ColumnFamilyHandle expiry;
  private final AtomicLong conflictsResolved = new AtomicLong();
  private final long tombstoneGraceMillis;
  private final RetiredNodes retired;

  /**
   * @param tombstoneGrace how long a tombstone is kept before {@link #collectTombstone} may drop it
   * @param retired nodes whose version-vector entries are pruned from every register stored
   */
  public ReplicaStore(
      RocksDbStorage storage,
      Serialization serialization,
      Partitioner partitioner,
      java.time.Duration tombstoneGrace,
      RetiredNodes retired) {
    this.storage = storage;
    this.retired = retired;
    this.tombstoneGraceMillis = tombstoneGrace.toMillis();
    this.serialization = serialization;
    this.partitioner = partitioner;
    this.registers = storage.handle(ColumnFamily.REGISTERS);
    this.expiry = storage.handle(ColumnFamily.EXPIRY);
  }

  public Partitioner partitioner() {
    return partitioner;
  }

  /**
   * The writes that merge {@code register} into the store, for a batch someone else commits (the
   * journal's, see KeyEntity.replicaIndexer). Encoding happens now, on the caller's thread; the
   * commit thread only re-merges when something else changed the key in between.
   */
  public BatchOps mergeOps(String key, Register received) {
    Register register = retired.prune(received);
    byte[] storeKey = storeKey(key);
    byte[] stored = storage.get(ColumnFamily.REGISTERS, storeKey);
    // Pruned like the incoming register, or a retired node's entry alone would look concurrent.
    Register previous = retired.prune(decode(stored));
    Register merged = register.merge(previous);
    byte[] encoded = RegisterFormat.encode(merged);
    return batch -> {
      byte[] now = batch.get(registers, storeKey);
      if (Arrays.equals(now, stored)) {
        writeMerged(batch, key, storeKey, now, previous, merged, encoded, register);
      } else {
        Register previousNow = retired.prune(decode(now));
        Register remerged = register.merge(previousNow);
        writeMerged(batch, key, storeKey, now, previousNow, remerged, RegisterFormat.encode(remerged), register);
      }
    };
  }

  /** Merges a register received from another node; completes once synced. */
  public CompletionStage<Void> merge(String key, Register register) {
    return storage.write(mergeOps(key, register));
  }

  /** Merges many registers in one group commit. */
  public CompletionStage<Void> mergeAll(List<Entry> entries) {
    List<BatchOps> ops = new ArrayList<>(entries.size());
    for (Entry entry : entries) {
      ops.add(mergeOps(entry.key(), entry.register()));
    }
    return storage.write(
        batch -> {
          for (BatchOps op : ops) {
            op.writeTo(batch);
          }
        });
  }

  private void writeMerged(
      Batch batch,
      String key,
      byte[] storeKey,
      byte[] before,
      Register previous,
      Register merged,
      byte[] encoded,
      Register incoming)
      throws RocksDBException {
    if (Arrays.equals(before, encoded)) {
      return;
    }
    if (incoming.isConcurrentWith(previous)) {
      conflictsResolved.incrementAndGet();
      log.info(
          "concurrent versions of key {} resolved last-writer-wins: kept {}, over {}",
          key, merged.versionToken(), (merged.stamp().equals(incoming.stamp()) ? previous : incoming).versionToken());
    }
    batch.put(registers, storeKey, encoded);
    long sweepAt = merged.tombstone() ? merged.stamp().physicalMillis() + tombstoneGraceMillis : merged.expiresAtMillis();
    if (sweepAt != 0) {
      batch.put(expiry, Keys.ofLongAndString(sweepAt, key), NOTHING);
    }
  }

  /**
   * Drops a key's tombstone once its grace period is over (by then every replica has had the
   * time to learn of the delete, so it cannot come back), and the index entry. For a due entry of
   * a key that holds a tombstone or nothing; a value is its entity's to expire.
   */
  public CompletionStage<Void> collectTombstone(DueExpiry entry, long nowMillis) {
    byte[] storeKey = storeKey(entry.key());
    byte[] indexKey = Keys.ofLongAndString(entry.expiresAtMillis(), entry.key());
    return storage.write(
        batch -> {
          Register now = decode(batch.get(registers, storeKey));
          if (now != null && now.tombstone() && now.stamp().physicalMillis() + tombstoneGraceMillis <= nowMillis) {
            batch.delete(registers, storeKey);
          }
          batch.delete(expiry, indexKey);
        });
  }

  public Optional<Register> get(String key) {
    return Optional.ofNullable(decode(storage.get(ColumnFamily.REGISTERS, storeKey(key))));
  }

  /** Concurrent versions met in merges since start, each resolved last-writer-wins. */
  public long conflictsResolved() {
    return conflictsResolved.get();
  }

  /** Registers stored, all partitions (RocksDB's estimate). */
  public long estimatedKeys() {
    return storage.estimatedKeys(ColumnFamily.REGISTERS);
  }

  /** The partition's Merkle tree as stored now. */
  public MerkleTree merkleTree(int partition) {
    MerkleTree.Builder tree = new MerkleTree.Builder();
    forEach(partition, bucket -> true, null, (key, bytes) -> {
      tree.add(key, bytes);
      return true;
    });
    return tree.build();
  }

  /** The Merkle roots of several partitions, in order. */
  public long[] roots(List<Integer> partitions) {
    return partitions.stream().mapToLong(p -> merkleTree(p).root()).toArray();
  }

  /**
   * One page of a partition's entries.
   *
   * @param resumeAfter the last key of this page when more entries follow; null on the last page
   */
  public record Page(List<Entry> entries, String resumeAfter) {}

  /**
   * The entries of a partition whose keys fall into the chosen Merkle buckets, in key order, from
   * just after {@code after} (null: from the start) up to about {@code maxBytes} of stored data.
   */
  public Page entries(int partition, IntPredicate buckets, String after, long maxBytes) {
    List<Entry> found = new ArrayList<>();
    ByteBudget budget = new ByteBudget(maxBytes);
    boolean complete =
        forEach(partition, buckets, after, (key, bytes) -> {
          if (!budget.admits(key.length() + bytes.length)) {
            return false;
          }
          found.add(new Entry(key, decode(bytes)));
          return true;
        });
    return new Page(found, complete ? null : found.get(found.size() - 1).key());
  }

  /**
   * One page of a scan of the partition ({@link ScanOrder}): the entries from position {@code
   * from} whose keys pass {@code keys}, up to {@code limit} of them within about {@code maxBytes}.
   * With {@code liveOnly}, deleted and expired values are left out; without, a caller merging
   * several replicas' pages sees the tombstones that decide between them. Reads the partition's
   * whole key range: a page costs the partition's size, not the page's.
   */
  public ScanOrder.Page<Entry> scan(
      int partition, long from, int limit, long maxBytes, Predicate<String> keys, boolean liveOnly, long nowMillis) {
    record Candidate(Entry entry, long position, long bytes) {}
    List<Candidate> candidates = new ArrayList<>();
    forEach(
        partition,
        bucket -> true,
        null,
        (key, bytes) -> {
          long position = ScanOrder.positionOf(key);
          if (position >= from && keys.test(key)) {
            Register register = decode(bytes);
            if (!liveOnly || register.isLiveAt(nowMillis)) {
              candidates.add(new Candidate(new Entry(key, register), position, key.length() + bytes.length));
            }
          }
          return true;
        });
    ScanOrder.Page<Candidate> page = ScanOrder.page(candidates, Candidate::position, Candidate::bytes, from, limit, maxBytes);
    return new ScanOrder.Page<>(page.items().stream().map(Candidate::entry).toList(), page.next());
  }

  /** Whether this node stores anything for the partition. */
  public boolean holds(int partition) {
    try (RocksIterator it = storage.iterator(ColumnFamily.REGISTERS)) {
      it.seek(partitionPrefix(partition));
      return it.isValid() && partitionOfStoreKey(it.key()) == partition;
    }
  }

  /** Drops this node's copy of a partition, once its data lives on the partition's replicas. */
  public CompletionStage<Void> drop(int partition) {
    return storage.write(
        batch -> batch.deleteRange(registers, partitionPrefix(partition), partitionPrefix(partition + 1)));
  }

  private interface EntryVisitor {
    /** @return false to stop before this entry */
    boolean visit(String key, byte[] register);
  }

  /**
   * Visits a partition's entries in the chosen buckets, in key order, starting just after {@code
   * after} (null: at the start).
   *
   * @return true when every entry was visited, false when the visitor stopped early
   */
  private boolean forEach(int partition, IntPredicate buckets, String after, EntryVisitor visitor) {
    byte[] start = after == null ? partitionPrefix(partition) : storeKey(after);
    try (RocksIterator it = storage.iterator(ColumnFamily.REGISTERS)) {
      for (it.seek(start); it.isValid(); it.next()) {
        byte[] storeKey = it.key();
        if (partitionOfStoreKey(storeKey) != partition) {
          break;
        }
        if (after != null && Arrays.equals(storeKey, start)) {
          continue;
        }
        String key = new String(storeKey, 2, storeKey.length - 2, StandardCharsets.UTF_8);
        if (buckets.test(MerkleTree.bucketOf(key)) && !visitor.visit(key, it.value())) {
          return false;
        }
      }
    }
    return true;
  }

  /** Up to {@code limit} index entries due at {@code nowMillis}, oldest first. */
  public List<DueExpiry> dueExpiries(long nowMillis, int limit) {
    List<DueExpiry> due = new ArrayList<>();
    try (RocksIterator it = storage.iterator(ColumnFamily.EXPIRY)) {
      for (it.seekToFirst(); it.isValid() && due.size() < limit; it.next()) {
        byte[] key = it.key();
        long at = Keys.toLong(key);
        if (at > nowMillis) {
          break;
        }
        due.add(new DueExpiry(Keys.stringAfterLong(key), at));
      }
    }
    return due;
  }

  public CompletionStage<Void> removeExpiry(DueExpiry entry) {
    byte[] indexKey = Keys.ofLongAndString(entry.expiresAtMillis(), entry.key());
    return storage.write(batch -> batch.delete(expiry, indexKey));
  }

  byte[] storeKey(String key) {
    byte[] utf8 = Keys.utf8(key);
    return ByteBuffer.allocate(2 + utf8.length).putShort((short) partitioner.partitionOf(key)).put(utf8).array();
  }

  private static byte[] partitionPrefix(int partition) {
    return ByteBuffer.allocate(2).putShort((short) partition).array();
  }

  private static int partitionOfStoreKey(byte[] storeKey) {
    return ((storeKey[0] & 0xff) << 8) | (storeKey[1] & 0xff);
  }

  /** Registers stored before {@link RegisterFormat} are Jackson CBOR; the next merge rewrites them. */
  private Register decode(byte[] stored) {
    if (stored == null) {
      return null;
    }
    return RegisterFormat.isThisFormat(stored)
        ? RegisterFormat.decode(stored)
        : (Register) serialization.deserialize(stored, JACKSON_CBOR, Register.class.getName()).get();
  }
}
