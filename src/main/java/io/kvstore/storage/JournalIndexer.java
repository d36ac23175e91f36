package io.kvstore.storage;

import java.util.Optional;

/**
 * Derives writes from an event about to be journaled; they go into the event's own {@code
 * WriteBatch}, so the derived data (the replica register of a key) is exactly as durable as the
 * event and costs no second sync. Called before the batch is queued, so that encoding work stays
 * off the single group-commit thread.
 */
@FunctionalInterface
public interface JournalIndexer {
  Optional<BatchOps> index(String persistenceId, Object event);
}
