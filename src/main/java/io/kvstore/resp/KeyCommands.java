package io.kvstore.resp;

import io.kvstore.Stages;
import io.kvstore.api.Consistency;
import io.kvstore.api.InvalidRequestException;
import io.kvstore.api.KvEntry;
import io.kvstore.api.KvStore;
import io.kvstore.api.Mutated;
import io.kvstore.api.Mutation;
import io.kvstore.api.ScanOptions;
import io.kvstore.api.ScanPage;
import io.kvstore.api.VersionConflictException;
import io.kvstore.api.WriteOptions;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * The Redis string commands on {@link KvStore}. Plain reads and writes map to one call each.
 * Commands that compute the new value from the current one run in the key's entity as one {@link
 * Mutation} (APPEND, SETRANGE, the INCR family, INCRBYFLOAT); the others that depend on the
 * current value (GETDEL, EXPIRE, SET … GET, …) read it at LINEARIZABLE through the key's entity and
 * write back with a compare-and-set on the version they read, retrying when another client got
 * there first. Either way they are atomic as in Redis.
 */
final class KeyCommands {
  private static final long FIRST_BACKOFF_MICROS = 500;
  private static final long MAX_BACKOFF_MICROS = 50_000;

  /** Completes after a delay (the actor system's scheduler, in a node). */
  @FunctionalInterface
  interface Delay {
    CompletionStage<Void> after(Duration delay);
  }

  private final KvStore store;
  private final LongSupplier clock;
  private final int maxUpdateAttempts;
  private final Delay delay;
  private final int maxKeysReply;
  private final long maxBulkBytes;

  /**
   * @param maxKeysReply the most keys KEYS returns before it refuses (SCAN pages instead)
   * @param maxBulkBytes the longest value SETRANGE may build (Redis's proto-max-bulk-len)
   */
  KeyCommands(KvStore store, LongSupplier clock, int maxUpdateAttempts, Delay delay, int maxKeysReply, long maxBulkBytes) {
    this.store = store;
    this.clock = clock;
    this.maxUpdateAttempts = maxUpdateAttempts;
    this.delay = delay;
    this.maxKeysReply = maxKeysReply;
    this.maxBulkBytes = maxBulkBytes;
  }

  /** The arguments of one command, its name first, and the connection's level when it was read. */
  record Call(List<byte[]> args, Consistency level) {
    String key(int index) {
      return Arguments.key(args.get(index));
    }

    WriteOptions writeOptions() {
      return WriteOptions.defaults().withConsistency(level);
    }
  }

  /**
   * SCAN cursor [MATCH pattern] [COUNT count] [TYPE type]: one page, as {@code [cursor, [keys]]}.
   * COUNT is the page's size, lowered to {@code kvstore.scan.max-limit} (Redis takes it as a hint). Every value is a string, so any
   * other TYPE finds nothing.
   */
  CompletionStage<RespReply> scan(Call call) {
    List<byte[]> args = call.args();
    ScanOptions options = ScanOptions.from(Arguments.text(args.get(1))).withConsistency(scanLevel(call.level()));
    boolean strings = true;
    for (int i = 2; i < args.size(); i += 2) {
      if (i + 1 == args.size()) {
        throw new RespException("ERR syntax error");
      }
      switch (Arguments.word(args.get(i))) {
        case "MATCH" -> options = options.withMatch(Arguments.text(args.get(i + 1)));
        case "COUNT" -> {
          long count = Arguments.integer(args.get(i + 1));
          if (count < 1) {
            throw new RespException("ERR syntax error");
          }
          options = options.withLimitHint((int) Math.min(count, Integer.MAX_VALUE));
        }
        case "TYPE" -> strings = Arguments.text(args.get(i + 1)).equalsIgnoreCase("string");
        default -> throw new RespException("ERR syntax error");
      }
    }
    if (!strings) {
      return CompletableFuture.completedFuture(scanReply(ScanOptions.START, List.of()));
    }
    return store.scan(options).thenApply(page -> scanReply(page.cursor(), page.entries()));
  }

  /** KEYS pattern: a whole scan, refused beyond {@code resp.max-keys-reply} keys. */
  CompletionStage<RespReply> keys(Call call) {
    ScanOptions first =
        ScanOptions.from(ScanOptions.START).withMatch(Arguments.text(call.args().get(1))).withConsistency(scanLevel(call.level()));
    return keysFrom(first, new ArrayList<>());
  }

  private CompletionStage<RespReply> keysFrom(ScanOptions options, List<RespReply> found) {
    return store
        .scan(options)
        .thenCompose(
            page -> {
              page.entries().forEach(entry -> found.add(RespReply.bulk(entry.key())));
              if (found.size() > maxKeysReply) {
                throw new RespException(
                    "ERR KEYS would return more than " + maxKeysReply + " keys (kvstore.resp.max-keys-reply); use SCAN");
              }
              return page.complete()
                  ? CompletableFuture.completedFuture(RespReply.array(found))
                  : keysFrom(options.withCursor(page.cursor()), found);
            });
  }

  /** A scan is no snapshot: a LINEARIZABLE connection scans at QUORUM. */
  private static Consistency scanLevel(Consistency level) {
    return level == Consistency.LINEARIZABLE ? Consistency.QUORUM : level;
  }

  private static RespReply scanReply(String cursor, List<KvEntry> entries) {
    return RespReply.array(
        List.of(RespReply.bulk(cursor), RespReply.array(entries.stream().map(entry -> RespReply.bulk(entry.key())).toList())));
  }

  /** SETEX / PSETEX key amount value: SET key value EX / PX amount, with their own error texts. */
  CompletionStage<RespReply> setWithExpiry(Call call, String unit) {
    String command = Arguments.text(call.args().get(0)).toLowerCase(Locale.ROOT);
    if (Arguments.integer(call.args().get(2)) <= 0) {
      throw SetOptions.invalidExpireTime(command);
    }
    List<byte[]> args = call.args();
    return set(new Call(List.of(args.get(0), args.get(1), args.get(3), unit.getBytes(StandardCharsets.US_ASCII), args.get(2)), call.level()));
  }

  /** GETSET key value: the value replaced in the key's entity (its expiry dropped), answering the old one. */
  CompletionStage<RespReply> getAndSet(Call call) {
    return Stages.direct(store.mutate(call.key(1), new Mutation.Replace(call.args().get(2)), call.writeOptions()))
        .thenApply(done -> valueReply(done.before()));
  }

  /** GETEX key [EX s | PX ms | EXAT s | PXAT ms | PERSIST]: the value, with its expiry changed. */
  CompletionStage<RespReply> getAndExpire(Call call) {
    List<byte[]> args = call.args();
    if (args.size() == 2) {
      return get(call);
    }
    long now = clock.getAsLong();
    String option = Arguments.word(args.get(2));
    long expiresAt;
    if (option.equals("PERSIST") && args.size() == 3) {
      expiresAt = 0;
    } else if (List.of("EX", "PX", "EXAT", "PXAT").contains(option) && args.size() == 4) {
      expiresAt = SetOptions.expiresAt(option, Arguments.integer(args.get(3)), now, "getex");
    } else {
      throw RespException.syntax();
    }
    return update(call, call.key(1), current -> Change.getExpiry(current, expiresAt, clock.getAsLong()))
        .thenApply(done -> valueReply(done.before()));
  }

  /** APPEND key value: the new length. */
  CompletionStage<RespReply> append(Call call) {
    return mutate(call, new Mutation.Append(call.args().get(2))).thenApply(after -> RespReply.integer(length(after)));
  }

  /** SETRANGE key offset value: the new length (the current one when value is empty). */
  CompletionStage<RespReply> setRange(Call call) {
    Mutation.SetRange range = new Mutation.SetRange(Arguments.integer(call.args().get(2)), call.args().get(3));
    if (range.length() > maxBulkBytes) {
      throw new RespException("ERR string exceeds maximum allowed size (proto-max-bulk-len)");
    }
    return mutate(call, range).thenApply(after -> RespReply.integer(length(after)));
  }

  private CompletableFuture<Optional<KvEntry>> mutate(Call call, Mutation mutation) {
    return Stages.direct(store.mutate(call.key(1), mutation, call.writeOptions())).thenApply(Mutated::after);
  }

  private static long length(Optional<KvEntry> entry) {
    return entry.map(e -> e.value().length).orElse(0);
  }

  CompletionStage<RespReply> stringLength(Call call) {
    return read(call, call.key(1)).thenApply(current -> RespReply.integer(current.map(e -> e.value().length).orElse(0)));
  }

  /** GETRANGE key start end. */
  CompletionStage<RespReply> getRange(Call call) {
    long start = Arguments.integer(call.args().get(2));
    long end = Arguments.integer(call.args().get(3));
    return read(call, call.key(1))
        .thenApply(current -> RespReply.bulk(Change.range(current.map(KvEntry::value).orElse(new byte[0]), start, end)));
  }

  /** INCRBYFLOAT key increment: the new value, as a bulk string. */
  CompletionStage<RespReply> incrementByFloat(Call call) {
    return mutate(call, new Mutation.AddFloat(Arguments.text(call.args().get(2))))
        .thenApply(after -> RespReply.bulk(after.orElseThrow().value()));
  }

  /** TYPE key: every value is a string. */
  CompletionStage<RespReply> type(Call call) {
    return read(call, call.key(1)).thenApply(current -> new RespReply.Simple(current.isPresent() ? "string" : "none"));
  }

  /**
   * RENAME key newkey: writes the value (and its expiry) under the new key, then deletes the old
   * one if it is still the version read. Not atomic: between the two writes a reader sees both.
   */
  CompletionStage<RespReply> rename(Call call) {
    String from = call.key(1);
    String to = call.key(2);
    return Stages.direct(store.get(from, Consistency.LINEARIZABLE))
        .thenCompose(
            current -> {
              if (current.isEmpty()) {
                throw new RespException("ERR no such key");
              }
              if (from.equals(to)) {
                return CompletableFuture.completedFuture(RespReply.OK);
              }
              KvEntry entry = current.get();
              WriteOptions write = call.writeOptions().withTtl(Change.remainingTtl(entry, clock.getAsLong()));
              return Stages.direct(store.put(to, entry.value(), write))
                  .thenCompose(done -> Stages.direct(store.delete(from, call.writeOptions().onlyIfVersion(entry.version()))))
                  .<RespReply>thenApply(done -> RespReply.OK)
                  // Changed meanwhile: the newer value stays, as if written after the rename.
                  .exceptionallyCompose(
                      failure ->
                          Stages.cause(failure) instanceof VersionConflictException
                              ? CompletableFuture.completedFuture(RespReply.OK)
                              : CompletableFuture.failedFuture(failure));
            });
  }

  /**
   * RANDOMKEY: the first key of a scan from a random place; nil when there is none. The place is
   * a random partition and position; the node's partition count is not known here, so a draw
   * past it is drawn again from half the range (partitions are a power of two up to 2^15).
   */
  CompletionStage<RespReply> randomKey(Call call) {
    ScanOptions options = ScanOptions.from(ScanOptions.START).withLimit(1).withConsistency(scanLevel(call.level()));
    return scanFromRandomPlace(options, 15).thenCompose(page -> firstKey(options, page, false));
  }

  private CompletableFuture<ScanPage> scanFromRandomPlace(ScanOptions options, int partitionBits) {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    long cursor = ((long) random.nextInt(1 << partitionBits) << 33) | random.nextLong(1L << 32);
    return Stages.direct(store.scan(options.withCursor(Long.toUnsignedString(cursor))))
        .exceptionallyCompose(
            failure ->
                Stages.cause(failure) instanceof InvalidRequestException && partitionBits > 0
                    ? scanFromRandomPlace(options, partitionBits - 1)
                    : CompletableFuture.failedFuture(failure));
  }

  private CompletionStage<RespReply> firstKey(ScanOptions options, ScanPage page, boolean wrapped) {
    if (!page.entries().isEmpty()) {
      return CompletableFuture.completedFuture(RespReply.bulk(page.entries().get(0).key()));
    }
    if (page.complete() && wrapped) {
      return CompletableFuture.completedFuture(RespReply.NIL);
    }
    return store.scan(options.withCursor(page.cursor())).thenCompose(next -> firstKey(options, next, wrapped || page.complete()));
  }

  /** DBSIZE: exact, by a scan of every key (RocksDB's estimate is what INFO keyspace shows). */
  CompletionStage<RespReply> countKeys(Call call) {
    return countFrom(ScanOptions.from(ScanOptions.START).withLimit(10_000).withConsistency(scanLevel(call.level())), 0);
  }

  private CompletionStage<RespReply> countFrom(ScanOptions options, long counted) {
    return store
        .scan(options)
        .thenCompose(
            page -> {
              long total = counted + page.entries().size();
              return page.complete() ? CompletableFuture.completedFuture(RespReply.integer(total)) : countFrom(options.withCursor(page.cursor()), total);
            });
  }

  /**
   * FLUSHDB / FLUSHALL [ASYNC | SYNC]: deletes every key a scan finds, page by page. It costs a
   * delete per key, and keys written meanwhile may stay. ASYNC is accepted and runs the same.
   */
  CompletionStage<RespReply> flush(Call call) {
    if (call.args().size() == 2 && !List.of("ASYNC", "SYNC").contains(Arguments.word(call.args().get(1)))) {
      throw RespException.syntax();
    }
    return flushFrom(call, ScanOptions.from(ScanOptions.START).withLimit(1000).withConsistency(Consistency.QUORUM));
  }

  private CompletionStage<RespReply> flushFrom(Call call, ScanOptions options) {
    return store
        .scan(options)
        .thenCompose(
            page -> {
              List<CompletableFuture<?>> deletes =
                  page.entries().stream()
                      .<CompletableFuture<?>>map(entry -> Stages.direct(store.delete(entry.key(), call.writeOptions())))
                      .toList();
              return CompletableFuture.allOf(deletes.toArray(CompletableFuture[]::new))
                  .thenCompose(
                      done -> page.complete() ? CompletableFuture.completedFuture(RespReply.OK) : flushFrom(call, options.withCursor(page.cursor())));
            });
  }

  CompletionStage<RespReply> get(Call call) {
    return read(call, call.key(1)).thenApply(KeyCommands::valueReply);
  }

  CompletionStage<RespReply> set(Call call) {
    String key = call.key(1);
    byte[] value = call.args().get(2);
    long now = clock.getAsLong();
    SetOptions options = SetOptions.parse(call.args().subList(3, call.args().size()), now);
    boolean expiredOnArrival = options.expiry() instanceof SetOptions.Expiry.At at && at.epochMillis() <= now;
    if (options.needsCurrentValue() || expiredOnArrival) {
      // The current value is needed to return it (GET), to carry its expiry over (KEEPTTL), or to
      // delete it by compare-and-set (an expiry already past: Redis sets the key and expires it).
      return update(call, key, current -> Change.set(current, value, options, clock.getAsLong()))
          .thenApply(
              done ->
                  options.returnOld()
                      ? valueReply(done.before())
                      : options.condition().allows(done.before().isPresent()) ? RespReply.OK : RespReply.NIL);
    }
    WriteOptions write = call.writeOptions();
    if (options.expiry() instanceof SetOptions.Expiry.At at) {
      write = write.withTtl(Duration.ofMillis(at.epochMillis() - now));
    }
    write = switch (options.condition()) {
      case IF_ABSENT -> write.onlyIfAbsent();
      case IF_PRESENT -> write.onlyIfVersion("*");
      case ALWAYS -> write;
    };
    return ifNotConflicting(store.put(key, value, write), RespReply.OK, RespReply.NIL);
  }

  CompletionStage<RespReply> setIfAbsent(Call call) {
    WriteOptions write = call.writeOptions().onlyIfAbsent();
    return ifNotConflicting(store.put(call.key(1), call.args().get(2), write), RespReply.ONE, RespReply.ZERO);
  }

  CompletionStage<RespReply> getAndDelete(Call call) {
    return update(call, call.key(1), current -> current.isPresent() ? Change.REMOVE : Change.KEEP)
        .thenApply(done -> valueReply(done.before()));
  }

  CompletionStage<RespReply> delete(Call call) {
    List<CompletableFuture<Boolean>> deletes = new ArrayList<>();
    for (int i = 1; i < call.args().size(); i++) {
      deletes.add(Stages.direct(store.delete(call.key(i), call.writeOptions())).thenApply(Optional::isPresent));
    }
    return count(deletes);
  }

  CompletionStage<RespReply> exists(Call call) {
    List<CompletableFuture<Boolean>> reads = new ArrayList<>();
    for (int i = 1; i < call.args().size(); i++) {
      reads.add(read(call, call.key(i)).thenApply(Optional::isPresent));
    }
    return count(reads);
  }

  CompletionStage<RespReply> multiGet(Call call) {
    List<CompletableFuture<RespReply>> reads = new ArrayList<>();
    for (int i = 1; i < call.args().size(); i++) {
      reads.add(read(call, call.key(i)).thenApply(KeyCommands::valueReply));
    }
    return CompletableFuture.allOf(reads.toArray(CompletableFuture[]::new))
        .thenApply(done -> RespReply.array(reads.stream().map(CompletableFuture::join).toList()));
  }

  /** Each pair is its own write: MSET is not atomic across keys here (Redis's is). */
  CompletionStage<RespReply> multiSet(Call call) {
    if (call.args().size() % 2 == 0) {
      throw new RespException("ERR wrong number of arguments for 'mset' command");
    }
    List<CompletableFuture<?>> writes = new ArrayList<>();
    for (int i = 1; i < call.args().size(); i += 2) {
      writes.add(Stages.direct(store.put(call.key(i), call.args().get(i + 1), call.writeOptions())));
    }
    return CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).thenApply(done -> RespReply.OK);
  }

  CompletionStage<RespReply> incrementBy(Call call, long delta) {
    return mutate(call, new Mutation.AddInteger(delta))
        .thenApply(after -> RespReply.integer(Arguments.integer(after.orElseThrow().value())));
  }

  /** EXPIRE / PEXPIRE key time [NX | XX | GT | LT], time in seconds or milliseconds. */
  CompletionStage<RespReply> expire(Call call, long unitMillis) {
    long amount = Arguments.integer(call.args().get(2));
    Change.ExpireCondition condition = Change.ExpireCondition.ALWAYS;
    if (call.args().size() > 4) {
      throw RespException.syntax();
    }
    if (call.args().size() == 4) {
      try {
        condition = Change.ExpireCondition.valueOf(Arguments.word(call.args().get(3)));
      } catch (IllegalArgumentException e) {
        throw new RespException("ERR Unsupported option " + Arguments.text(call.args().get(3)));
      }
    }
    long at;
    try {
      at = Math.addExact(clock.getAsLong(), Math.multiplyExact(amount, unitMillis));
    } catch (ArithmeticException e) {
      throw new RespException("ERR invalid expire time in '" + Arguments.text(call.args().get(0)).toLowerCase(Locale.ROOT) + "' command");
    }
    Change.ExpireCondition when = condition;
    return update(call, call.key(1), current -> Change.expire(current, at, when, clock.getAsLong()))
        .thenApply(done -> done.applied() ? RespReply.ONE : RespReply.ZERO);
  }

  CompletionStage<RespReply> persist(Call call) {
    return update(call, call.key(1), Change::persist).thenApply(done -> done.applied() ? RespReply.ONE : RespReply.ZERO);
  }

  /** TTL / PTTL: -2 for no key, -1 for no expiry, else the time left in the unit (rounded). */
  CompletionStage<RespReply> timeToLive(Call call, long unitMillis) {
    return read(call, call.key(1))
        .thenApply(
            current -> {
              if (current.isEmpty()) {
                return RespReply.integer(-2);
              }
              if (current.get().expiresAtMillis() == 0) {
                return RespReply.integer(-1);
              }
              long left = Math.max(0, current.get().expiresAtMillis() - clock.getAsLong());
              return RespReply.integer((left + unitMillis / 2) / unitMillis);
            });
  }

  private CompletableFuture<Optional<KvEntry>> read(Call call, String key) {
    return Stages.direct(store.get(key, call.level()));
  }

  /** A read-modify-write's result: the value it decided from, and what it did. */
  record Updated(Optional<KvEntry> before, Change change) {
    boolean applied() {
      return !(change instanceof Change.Keep);
    }
  }

  private CompletableFuture<Updated> update(Call call, String key, Function<Optional<KvEntry>, Change> decide) {
    return update(call, key, decide, 1);
  }

  private CompletableFuture<Updated> update(
      Call call, String key, Function<Optional<KvEntry>, Change> decide, int attempt) {
    return Stages.direct(store.get(key, Consistency.LINEARIZABLE))
        .thenCompose(
            current -> {
              Change change = decide.apply(current);
              WriteOptions expected =
                  current.map(entry -> call.writeOptions().onlyIfVersion(entry.version()))
                      .orElseGet(() -> call.writeOptions().onlyIfAbsent());
              CompletableFuture<?> write = CompletableFuture.completedFuture(null);
              if (change instanceof Change.Put put) {
                write = Stages.direct(store.put(key, put.value(), expected.withTtl(put.ttl())));
              } else if (change instanceof Change.Remove) {
                write = Stages.direct(store.delete(key, expected));
              }
              return write
                  .thenApply(done -> new Updated(current, change))
                  .exceptionallyCompose(
                      failure -> {
                        if (Stages.cause(failure) instanceof VersionConflictException && attempt < maxUpdateAttempts) {
                          return Stages.direct(delay.after(backoff(attempt)))
                              .thenCompose(waited -> update(call, key, decide, attempt + 1));
                        }
                        if (Stages.cause(failure) instanceof VersionConflictException) {
                          return CompletableFuture.failedFuture(
                              new RespException("ERR '" + key + "' kept changing: gave up after " + attempt + " attempts"));
                        }
                        return CompletableFuture.failedFuture(failure);
                      });
            });
  }

  /**
   * A random wait before the next compare-and-set, up to a bound that doubles per attempt: without
   * it, clients that lost a race retry in lockstep and one of them can lose every time.
   */
  private static Duration backoff(int failedAttempts) {
    long bound = Math.min(MAX_BACKOFF_MICROS, FIRST_BACKOFF_MICROS << Math.min(failedAttempts - 1, 20));
    return Duration.ofNanos(ThreadLocalRandom.current().nextLong(bound + 1) * 1000);
  }

  private static CompletionStage<RespReply> ifNotConflicting(
      CompletionStage<?> write, RespReply written, RespReply conflicting) {
    return Stages.direct(write)
        .<RespReply>thenApply(done -> written)
        .exceptionallyCompose(
            failure ->
                Stages.cause(failure) instanceof VersionConflictException
                    ? CompletableFuture.completedFuture(conflicting)
                    : CompletableFuture.failedFuture(failure));
  }

  private static CompletionStage<RespReply> count(List<CompletableFuture<Boolean>> checks) {
    return CompletableFuture.allOf(checks.toArray(CompletableFuture[]::new))
        .thenApply(done -> RespReply.integer(checks.stream().filter(CompletableFuture::join).count()));
  }

  private static RespReply valueReply(Optional<KvEntry> entry) {
    return entry.map(e -> RespReply.bulk(e.value())).orElse(RespReply.NIL);
  }
}
