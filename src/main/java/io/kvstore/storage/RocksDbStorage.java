package io.kvstore.storage;

import akka.actor.typed.ActorSystem;
import akka.actor.typed.Extension;
import akka.actor.typed.ExtensionId;
import akka.actor.typed.ExtensionSetup;
import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.LongSupplier;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.DBOptions;
import org.rocksdb.Env;
import org.rocksdb.IndexType;
import org.rocksdb.LRUCache;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.SstFileManager;
import org.rocksdb.WriteBufferManager;

/**
 * The node's single RocksDB instance: journal, snapshots and replica registers share it (and its
 * WAL, so one group commit syncs them all). One per actor system, opened on first use.
 */
public final class RocksDbStorage implements Extension, AutoCloseable {

  public static final class Id extends ExtensionId<RocksDbStorage> {
    private Id() {}

    /** The plugin used on its own, without {@link #setup}: it reads {@code kvstore.storage} itself. */
    @Override
    public RocksDbStorage createExtension(ActorSystem<?> system) {
      return openFor(system, StorageSettings.fromConfig(system.settings().config().getConfig("kvstore.storage")));
    }
  }

  private static final Id ID = new Id();

  /** Makes an actor system open its storage with settings already parsed (a node's). */
  public static ExtensionSetup<RocksDbStorage> setup(StorageSettings settings) {
    return new ExtensionSetup<>(ID, system -> openFor(system, settings)) {};
  }

  private static RocksDbStorage openFor(ActorSystem<?> system, StorageSettings settings) {
    RocksDbStorage storage = open(settings);
    system.getWhenTerminated().thenRun(storage::close);
    return storage;
  }

  public static RocksDbStorage get(ActorSystem<?> system) {
    return ID.apply(system);
  }

  static {
    RocksDB.loadLibrary();
  }

  private final StorageSettings settings;
  private final DBOptions dbOptions;
  private final ColumnFamilyOptions cfOptions;
  private final LRUCache blockCache;
  private final WriteBufferManager writeBuffers;
  private final RocksDB db;
  private final Map<ColumnFamily, ColumnFamilyHandle> handles = new EnumMap<>(ColumnFamily.class);
  private final GroupCommitter committer;
  private final PersistenceIds persistenceIds;
  private final List<JournalIndexer> journalIndexers = new CopyOnWriteArrayList<>();
  private final List<Runnable> unavailableListeners = new CopyOnWriteArrayList<>();
  private volatile boolean closed;
  private final CompletableFuture<Void> whenClosed = new CompletableFuture<>();

  private RocksDbStorage(
      StorageSettings settings,
      DBOptions dbOptions,
      ColumnFamilyOptions cfOptions,
      LRUCache blockCache,
      WriteBufferManager writeBuffers,
      RocksDB db,
      List<ColumnFamilyHandle> handleList,
      LongSupplier usableSpace) {
    this.settings = settings;
    this.dbOptions = dbOptions;
    this.cfOptions = cfOptions;
    this.blockCache = blockCache;
    this.writeBuffers = writeBuffers;
    this.db = db;
    ColumnFamily[] families = ColumnFamily.values();
    for (int i = 0; i < families.length; i++) {
      handles.put(families[i], handleList.get(i));
    }
    this.committer = new GroupCommitter(db, settings, usableSpace, this::notifyUnavailable);
    this.persistenceIds = new PersistenceIds(this, settings.persistenceIdCacheSize());
  }

  /**
   * Free space of the data directory's filesystem, read before every group commit: the file
   * store is looked up once (that parses the mount table), each reading is one statvfs call.
   */
  private static LongSupplier usableSpace(Path directory) {
    FileStore store;
    try {
      store = Files.getFileStore(directory);
    } catch (IOException e) {
      throw new StorageUnavailableException("cannot find the filesystem of " + directory, e);
    }
    return () -> {
      try {
        return store.getUsableSpace();
      } catch (IOException e) {
        // Cannot tell: let the write try; RocksDB reports a real failure itself.
        return Long.MAX_VALUE;
      }
    };
  }

  public static RocksDbStorage open(StorageSettings settings) {
    try {
      Files.createDirectories(settings.directory());
    } catch (IOException e) {
      throw new StorageUnavailableException("cannot create " + settings.directory(), e);
    }
    LongSupplier usableSpace = usableSpace(settings.directory());
    // Half the cache is reserved for index and filter blocks (high priority), so a stream of data
    // blocks cannot push them out.
    LRUCache blockCache = new LRUCache(settings.blockCacheBytes(), -1, false, 0.5);
    SstFileManager sstFileManager;
    try {
      sstFileManager = new SstFileManager(Env.getDefault());
    } catch (RocksDBException e) {
      throw new StorageUnavailableException("cannot create the SST file manager", e);
    }
    ColumnFamilyOptions cfOptions =
        new ColumnFamilyOptions()
            .setTableFormatConfig(
                new BlockBasedTableConfig()
                    .setBlockCache(blockCache)
                    // Index and filter blocks grow with the data: in the cache they are bounded by
                    // it. Partitioned into metadata-block-size pieces, because a whole-file index
                    // or filter outgrows a shard of the cache: at ~2.2 M keys a node's register file
                    // had a 2.8 MB filter and a 2.5 MB index, larger than the 3 MiB shard, so every
                    // lookup read both again, and the load rate fell from ~3,000 to ~300 keys/s.
                    // The small top-level index of each file and level 0's blocks stay pinned.
                    .setCacheIndexAndFilterBlocks(true)
                    .setCacheIndexAndFilterBlocksWithHighPriority(true)
                    .setPinL0FilterAndIndexBlocksInCache(true)
                    .setIndexType(IndexType.kTwoLevelIndexSearch)
                    .setPartitionFilters(true)
                    .setMetadataBlockSize(4096)
                    .setPinTopLevelIndexAndFilter(true)
                    .setFilterPolicy(new BloomFilter(10, false)));
    // Caps the memtables of all column families together, charged to the same cache (without it
    // each family may hold two 64 MiB memtables).
    WriteBufferManager writeBuffers = new WriteBufferManager(settings.writeBufferBytes(), blockCache);
    DBOptions dbOptions =
        new DBOptions()
            .setWriteBufferManager(writeBuffers)
            .setCreateIfMissing(true)
            .setCreateMissingColumnFamilies(true)
            .setMaxBackgroundJobs(2)
            // Lets RocksDB notice freed disk space and leave its read-only error state by itself.
            .setSstFileManager(sstFileManager);
    List<ColumnFamilyDescriptor> descriptors = new ArrayList<>();
    for (ColumnFamily family : ColumnFamily.values()) {
      descriptors.add(new ColumnFamilyDescriptor(family.rocksName(), cfOptions));
    }
    List<ColumnFamilyHandle> handleList = new ArrayList<>();
    try {
      RocksDB db =
          RocksDB.open(dbOptions, settings.directory().toString(), descriptors, handleList);
      return new RocksDbStorage(settings, dbOptions, cfOptions, blockCache, writeBuffers, db, handleList, usableSpace);
    } catch (RocksDBException e) {
      dbOptions.close();
      cfOptions.close();
      writeBuffers.close();
      blockCache.close();
      throw new StorageUnavailableException("cannot open RocksDB at " + settings.directory(), e);
    }
  }

  public StorageSettings settings() {
    return settings;
  }

  public ColumnFamilyHandle handle(ColumnFamily family) {
    return handles.get(family);
  }

  /** Queue writes for the next group commit; completes once they are synced (per settings). */
  public CompletionStage<Void> write(BatchOps ops) {
    return committer.submit(ops);
  }

  public byte[] get(ColumnFamily family, byte[] key) {
    try {
      return db.get(handle(family), key);
    } catch (RocksDBException e) {
      throw new StorageUnavailableException("read failed: " + e.getMessage(), e);
    }
  }

  /** RocksDB's estimate of the keys in a column family (exact enough for status pages). */
  public long estimatedKeys(ColumnFamily family) {
    try {
      return db.getLongProperty(handle(family), "rocksdb.estimate-num-keys");
    } catch (RocksDBException e) {
      return -1;
    }
  }

  public RocksIterator iterator(ColumnFamily family) {
    return db.newIterator(handle(family));
  }

  public boolean isWritable() {
    return !closed && committer.isAvailable();
  }

  public String unavailableReason() {
    return closed ? "storage is closed" : committer.unavailableReason();
  }

  /** A write failed inside RocksDB: the process must be restarted to write again. */
  public boolean hasFailed() {
    return committer.hasFailed();
  }

  public long committedBatches() {
    return committer.batchCount();
  }

  public long committedWrites() {
    return committer.writeCount();
  }

  /**
   * Runs {@code listener} each time storage starts refusing writes. Writes then in flight fail in
   * the journal, and Akka restarts their entities without a reply; this lets their callers know.
   */
  public void onUnavailable(Runnable listener) {
    unavailableListeners.add(listener);
  }

  private void notifyUnavailable() {
    unavailableListeners.forEach(Runnable::run);
  }

  /** Registers writes to make with every journaled event; call before the first write. */
  public void addJournalIndexer(JournalIndexer indexer) {
    journalIndexers.add(indexer);
  }

  List<BatchOps> indexJournaledEvent(String persistenceId, Object event) {
    List<BatchOps> derived = new ArrayList<>(1);
    for (JournalIndexer indexer : journalIndexers) {
      indexer.index(persistenceId, event).ifPresent(derived::add);
    }
    return derived;
  }

  PersistenceIds persistenceIds() {
    return persistenceIds;
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    committer.close();
    handles.values().forEach(ColumnFamilyHandle::close);
    db.close();
    dbOptions.close();
    cfOptions.close();
    writeBuffers.close();
    blockCache.close();
    whenClosed.complete(null);
  }

  /**
   * Completes once RocksDB is closed: for an extension, after its actor system has terminated, so
   * that no journal actor can touch a closed handle.
   */
  public CompletionStage<Void> whenClosed() {
    return whenClosed;
  }
}
