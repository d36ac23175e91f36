package io.kvstore.api;

import java.util.Optional;

/**
 * What a {@link Mutation} did: the entry before it and after it, each null when the key had, or
 * has, no value. Equal when the mutation changed nothing.
 */
public record Mutated(KvEntry beforeEntry, KvEntry afterEntry) {
  public Optional<KvEntry> before() {
    return Optional.ofNullable(beforeEntry);
  }

  public Optional<KvEntry> after() {
    return Optional.ofNullable(afterEntry);
  }
}
