package io.kvstore.api;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * The key-value store, as used by in-JVM applications and by kvstore's own HTTP front-end.
 *
 * <p>Every method is asynchronous; a failed stage holds a {@link KvStoreException} subclass:
 * {@link InvalidRequestException}, {@link PayloadTooLargeException}, {@link
 * VersionConflictException} or {@link UnavailableException}.
 */
public interface KvStore {

  /** Reads at the default level, LINEARIZABLE. */
  default CompletionStage<Optional<KvEntry>> get(String key) {
    return get(key, Consistency.LINEARIZABLE);
  }

  /** The key's live value; empty when it was never written, is deleted or has expired. */
  CompletionStage<Optional<KvEntry>> get(String key, Consistency consistency);

  default CompletionStage<WriteResult> put(String key, byte[] value) {
    return put(key, value, WriteOptions.defaults());
  }

  CompletionStage<WriteResult> put(String key, byte[] value, WriteOptions options);

  /** Writes a tombstone; empty when the key had no live value (then nothing is written). */
  CompletionStage<Optional<WriteResult>> delete(String key, WriteOptions options);

  default CompletionStage<Optional<WriteResult>> delete(String key) {
    return delete(key, WriteOptions.defaults());
  }

  /** The key's retained versions (the last K writes, deletes and expiries), newest first. */
  CompletionStage<List<KvVersion>> versions(String key);

  /**
   * Applies the mutation in the key's entity, atomically ({@link Mutation}). {@code options}
   * carry the consistency level and a precondition; a mutation keeps the key's expiry, so a TTL
   * is refused.
   *
   * @return the entries before and after it
   */
  CompletionStage<Mutated> mutate(String key, Mutation mutation, WriteOptions options);

  /** One page of a scan over every key (see {@link ScanOptions} for what a whole scan returns). */
  CompletionStage<ScanPage> scan(ScanOptions options);
}
