package io.kvstore.coordinator;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.cluster.sharding.typed.javadsl.ClusterSharding;
import akka.cluster.sharding.typed.javadsl.EntityRef;
import akka.pattern.StatusReply;
import akka.persistence.query.EventEnvelope;
import akka.persistence.query.PersistenceQuery;
import akka.stream.javadsl.Sink;
import io.kvstore.Stages;
import io.kvstore.api.Consistency;
import io.kvstore.api.ErrorCode;
import io.kvstore.api.InvalidRequestException;
import io.kvstore.api.KvEntry;
import io.kvstore.api.KvStore;
import io.kvstore.api.KvStoreException;
import io.kvstore.api.KvVersion;
import io.kvstore.api.Limits;
import io.kvstore.api.Mutated;
import io.kvstore.api.Mutation;
import io.kvstore.api.PayloadTooLargeException;
import io.kvstore.api.ScanOptions;
import io.kvstore.api.ScanPage;
import io.kvstore.api.UnavailableException;
import io.kvstore.api.VersionConflictException;
import io.kvstore.api.WriteOptions;
import io.kvstore.api.WriteResult;
import io.kvstore.crdt.Register;
import io.kvstore.entity.KeyEntity;
import io.kvstore.entity.Precondition;
import io.kvstore.replica.ReplicaStore;
import io.kvstore.storage.RocksDbReadJournal;
import io.kvstore.storage.RocksDbStorage;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * {@link KvStore} on Cluster Sharding and the replicas: validates requests, routes writes and
 * LINEARIZABLE reads to the key's entity, serves ONE/QUORUM/ALL reads from the key's replicas
 * ({@link ReplicaClient}), and turns answers into results or {@link KvStoreException}s.
 */
public final class RequestCoordinator implements KvStore {
  private final ActorSystem<?> system;
  private final ClusterSharding sharding;
  private final RocksDbStorage storage;
  private final RocksDbReadJournal readJournal;
  private final Limits limits;
  private final int historyEvents;
  private final Duration requestTimeout;
  private final ScanSettings scan;
  private final ReplicaClient replicas;
  private final Set<CompletableFuture<?>> writesInFlight = ConcurrentHashMap.newKeySet();

  /**
   * @param historyEvents the most journal events a history request returns
   * @param requestTimeout how long a request waits for its key's entity
   */
  public RequestCoordinator(
      ActorSystem<?> system,
      Limits limits,
      int historyEvents,
      Duration requestTimeout,
      ScanSettings scan,
      ReplicaClient replicas) {
    this.system = system;
    this.replicas = replicas;
    this.sharding = ClusterSharding.get(system);
    this.storage = RocksDbStorage.get(system);
    this.readJournal =
        PersistenceQuery.get(system)
            .getReadJournalFor(RocksDbReadJournal.class, RocksDbReadJournal.IDENTIFIER);
    this.limits = limits;
    this.historyEvents = historyEvents;
    this.requestTimeout = requestTimeout;
    this.scan = scan;
    storage.onUnavailable(this::failWritesInFlight);
  }

  @Override
  public CompletionStage<Optional<KvEntry>> get(String key, Consistency consistency) {
    return guarded(
        () -> {
          validateKey(key);
          if (consistency != Consistency.LINEARIZABLE) {
            return Stages.direct(replicas.read(key, consistency))
                .thenApply(
                    register ->
                        Optional.ofNullable(register)
                            .filter(r -> r.isLiveAt(System.currentTimeMillis()))
                            .map(r -> entry(key, r)));
          }
          return this.<KeyEntity.Lookup>ask(key, replyTo -> new KeyEntity.Get(consistency, replyTo))
              .thenApply(
                  lookup -> {
                    throwIfRefused(lookup.refusal());
                    return Optional.ofNullable(lookup.register()).map(r -> entry(key, r));
                  });
        },
        false);
  }

  @Override
  public CompletionStage<WriteResult> put(String key, byte[] value, WriteOptions options) {
    return guarded(
        () -> {
          validateKey(key);
          if (value.length > limits.maxValueBytes()) {
            throw new PayloadTooLargeException(
                ErrorCode.VALUE_TOO_LARGE,
                "value is " + value.length + " bytes; the limit is " + limits.maxValueBytes(),
                limits.maxValueBytes());
          }
          requireWritableStorage();
          long ttlMillis = options.ttl().toMillis();
          return tracked(
                  this.<KeyEntity.WriteOutcome>ask(
                      key,
                      replyTo ->
                          new KeyEntity.Put(value, precondition(options), ttlMillis, options.consistency(), replyTo)))
              .thenApply(
                  outcome -> {
                    throwIfRefused(outcome.refusal());
                    if (!outcome.applied()) {
                      throw conflict(outcome);
                    }
                    return result(key, outcome.register());
                  });
        },
        true);
  }

  @Override
  public CompletionStage<Optional<WriteResult>> delete(String key, WriteOptions options) {
    return guarded(
        () -> {
          validateKey(key);
          requireWritableStorage();
          Precondition precondition = precondition(options);
          return tracked(
                  this.<KeyEntity.WriteOutcome>ask(
                      key, replyTo -> new KeyEntity.Delete(precondition, options.consistency(), replyTo)))
              .thenApply(
                  outcome -> {
                    throwIfRefused(outcome.refusal());
                    if (outcome.applied()) {
                      return Optional.of(result(key, outcome.register()));
                    }
                    if (outcome.register() == null && precondition.ifMatch() == null) {
                      return Optional.<WriteResult>empty();
                    }
                    throw conflict(outcome);
                  });
        },
        true);
  }

  @Override
  public CompletionStage<List<KvVersion>> versions(String key) {
    return guarded(
        () -> {
          validateKey(key);
          return Stages.direct(
                  readJournal
                      .currentEventsByPersistenceId(KeyEntity.persistenceId(key).id(), 0, Long.MAX_VALUE)
                      .map(envelope -> version(key, envelope))
                      .runWith(Sink.seq(), system))
              .thenApply(
                  all ->
                      all.stream()
                          .sorted(Comparator.comparingLong(KvVersion::timestamp).reversed())
                          .limit(historyEvents)
                          .toList());
        },
        false);
  }

  /** A write's answer, kept until it completes so that a storage failure can end it early. */
  private <R> CompletableFuture<R> tracked(CompletableFuture<R> write) {
    writesInFlight.add(write);
    write.whenComplete((result, failure) -> writesInFlight.remove(write));
    return write;
  }

  private void failWritesInFlight() {
    for (CompletableFuture<?> write : writesInFlight) {
      write.completeExceptionally(
          new UnavailableException(ErrorCode.STORAGE_UNAVAILABLE, storage.unavailableReason(), true, null));
    }
  }

  private <R> CompletableFuture<R> ask(
      String key, Function<ActorRef<StatusReply<R>>, KeyEntity.Command> message) {
    replicas.requireRing();
    EntityRef<KeyEntity.Command> entity = sharding.entityRefFor(KeyEntity.TYPE_KEY, key);
    return Stages.direct(entity.askWithStatus(message::apply, requestTimeout));
  }

  private void validateKey(String key) {
    if (key == null || key.isEmpty()) {
      throw new InvalidRequestException(ErrorCode.INVALID_KEY, "key must not be empty");
    }
    int length;
    try {
      length =
          StandardCharsets.UTF_8
              .newEncoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .encode(CharBuffer.wrap(key))
              .remaining();
    } catch (CharacterCodingException e) {
      throw new InvalidRequestException(ErrorCode.INVALID_KEY, "key is not valid Unicode text");
    }
    if (length > limits.maxKeyBytes()) {
      throw new PayloadTooLargeException(
          ErrorCode.KEY_TOO_LARGE,
          "key is " + length + " bytes of UTF-8; the limit is " + limits.maxKeyBytes(),
          limits.maxKeyBytes());
    }
  }

  private void requireWritableStorage() {
    if (!storage.isWritable()) {
      throw new UnavailableException(
          ErrorCode.STORAGE_UNAVAILABLE, storage.unavailableReason(), false, null);
    }
  }

  @Override
  public CompletionStage<Mutated> mutate(String key, Mutation mutation, WriteOptions options) {
    return guarded(
        () -> {
          validateKey(key);
          if (!options.ttl().isZero()) {
            throw new InvalidRequestException(ErrorCode.INVALID_TTL, "a mutation keeps the key's expiry: it takes no TTL");
          }
          if (mutation instanceof Mutation.SetRange range && range.length() > limits.maxValueBytes()) {
            throw valueTooLarge("value would be " + range.length() + " bytes; the limit is " + limits.maxValueBytes());
          }
          requireWritableStorage();
          return tracked(
                  this.<KeyEntity.WriteOutcome>ask(
                      key,
                      replyTo ->
                          new KeyEntity.Mutate(
                              mutation, precondition(options), limits.maxValueBytes(), options.consistency(), replyTo)))
              .thenApply(
                  outcome -> {
                    KeyEntity.Refusal refusal = outcome.refusal();
                    if (refusal != null && refusal.code() == ErrorCode.VALUE_TOO_LARGE) {
                      throw valueTooLarge(refusal.message());
                    }
                    if (refusal != null && refusal.code().kind() == ErrorCode.Kind.INVALID_REQUEST) {
                      throw new InvalidRequestException(refusal.code(), refusal.message());
                    }
                    throwIfRefused(refusal);
                    if (!outcome.applied()) {
                      throw conflict(outcome);
                    }
                    return new Mutated(
                        outcome.previous() == null ? null : entry(key, outcome.previous()),
                        outcome.register() == null ? null : entry(key, outcome.register()));
                  });
        },
        true);
  }

  private PayloadTooLargeException valueTooLarge(String message) {
    return new PayloadTooLargeException(ErrorCode.VALUE_TOO_LARGE, message, limits.maxValueBytes());
  }

  private static Precondition precondition(WriteOptions options) {
    if (options.ifAbsent()) {
      return Precondition.absent();
    }
    return options.ifMatch() == null ? Precondition.NONE : Precondition.matchingAny(options.ifMatch());
  }

  private static void throwIfRefused(KeyEntity.Refusal refusal) {
    if (refusal != null) {
      throw new UnavailableException(refusal.code(), refusal.message(), refusal.mayHaveBeenApplied(), null);
    }
  }

  @Override
  public CompletionStage<ScanPage> scan(ScanOptions options) {
    int partitions = replicas.partitions();
    ScanCursor cursor;
    int limit;
    try {
      if (options.consistency() == Consistency.LINEARIZABLE) {
        throw new InvalidRequestException(
            ErrorCode.INVALID_CONSISTENCY_LEVEL,
            "a scan runs at ONE, QUORUM or ALL: it is no snapshot, so it cannot be LINEARIZABLE");
      }
      limit = options.limit() == null ? scan.defaultLimit() : options.limit();
      if (options.limitIsHint()) {
        limit = Math.min(limit, scan.maxLimit());
      }
      if (limit < 1 || limit > scan.maxLimit()) {
        throw new InvalidRequestException(ErrorCode.INVALID_PARAMETER, "limit must be 1 to " + scan.maxLimit() + ", was " + limit);
      }
      cursor = ScanCursor.parse(options.cursor(), partitions);
      replicas.requireRing();
    } catch (KvStoreException e) {
      return CompletableFuture.failedFuture(e);
    }
    return scanFrom(cursor, new ArrayList<>(), 0, 0, limit, options, partitions);
  }

  /**
   * Partition after partition, until the page has {@code limit} keys, {@code max-page-bytes} of
   * data, or has asked {@code partitions-per-page} replica pages.
   */
  private CompletableFuture<ScanPage> scanFrom(
      ScanCursor at, List<KvEntry> found, long bytes, int asked, int limit, ScanOptions options, int partitions) {
    PartitionScanner.Request request =
        new PartitionScanner.Request(
            at.partition(), at.position(), limit - found.size(), options.prefix(), options.match(), options.values());
    return replicas
        .scan(request, options.consistency())
        .thenCompose(
            page -> {
              long total = bytes;
              for (ReplicaStore.Entry e : page.items()) {
                KvEntry entry = entry(e.key(), e.register());
                found.add(options.values() ? entry : entry.withoutValue());
                total += e.key().length() + e.register().value().length;
              }
              ScanCursor next = at.after(page.next(), partitions);
              if (next.equals(ScanCursor.START)
                  || found.size() >= limit
                  || total >= scan.maxPageBytes()
                  || asked + 1 >= scan.partitionsPerPage()) {
                return CompletableFuture.completedFuture(new ScanPage(List.copyOf(found), next.encode()));
              }
              return scanFrom(next, found, total, asked + 1, limit, options, partitions);
            });
  }

  private static VersionConflictException conflict(KeyEntity.WriteOutcome outcome) {
    return new VersionConflictException(
        outcome.register() == null ? null : outcome.register().versionToken());
  }

  private static KvEntry entry(String key, Register register) {
    return new KvEntry(
        key, register.value(), register.versionToken(), register.stamp().physicalMillis(), register.expiresAtMillis());
  }

  private static WriteResult result(String key, Register register) {
    return new WriteResult(
        key, register.versionToken(), register.stamp().physicalMillis(), register.expiresAtMillis());
  }

  private static KvVersion version(String key, EventEnvelope envelope) {
    KeyEntity.Event event = (KeyEntity.Event) envelope.event();
    Register register = event.register();
    KvVersion.Kind kind =
        event instanceof KeyEntity.Written
            ? KvVersion.Kind.WRITE
            : event instanceof KeyEntity.Deleted ? KvVersion.Kind.DELETE : KvVersion.Kind.EXPIRE;
    return new KvVersion(
        key, kind, register.versionToken(), register.stamp().physicalMillis(), register.expiresAtMillis(), register.value());
  }

  /**
   * Runs a request, turning synchronous validation errors into a failed stage and the
   * infrastructure's failures (timeouts, error replies, storage) into {@link UnavailableException}.
   */
  private <T> CompletionStage<T> guarded(RequestBody<T> body, boolean isWrite) {
    CompletionStage<T> started;
    try {
      started = body.run();
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    return started
        .handle(
            (value, failure) -> {
              if (failure == null) {
                return CompletableFuture.completedFuture(value);
              }
              return CompletableFuture.<T>failedFuture(translate(Stages.cause(failure), isWrite));
            })
        .thenCompose(Function.identity());
  }

  private RuntimeException translate(Throwable failure, boolean isWrite) {
    if (failure instanceof KvStoreException known) {
      return known;
    }
    if (!storage.isWritable() && isWrite) {
      return new UnavailableException(ErrorCode.STORAGE_UNAVAILABLE, storage.unavailableReason(), true, failure);
    }
    if (failure instanceof TimeoutException) {
      return new UnavailableException(
          ErrorCode.TIMEOUT,
          "no answer within " + requestTimeout.toMillis() + " ms"
              + (isWrite ? "; the write may have been applied" : ""),
          isWrite,
          failure);
    }
    if (failure instanceof StatusReply.ErrorMessage error) {
      return new UnavailableException(ErrorCode.STORAGE_UNAVAILABLE, error.getMessage(), isWrite, failure);
    }
    return new UnavailableException(ErrorCode.INTERNAL_ERROR, String.valueOf(failure.getMessage()), isWrite, failure);
  }

  @FunctionalInterface
  private interface RequestBody<T> {
    CompletionStage<T> run();
  }
}
