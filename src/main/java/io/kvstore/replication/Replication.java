package io.kvstore.replication;

import io.kvstore.api.Consistency;
import io.kvstore.api.UnavailableException;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/** What a key's entity needs from replication: the seam that unit tests replace. */
public interface Replication {

  /**
   * Why a write at {@code consistency} cannot succeed now (too few replicas available), checked
   * before anything is written so the refusal leaves nothing behind.
   */
  Optional<UnavailableException> refusal(String key, Consistency consistency);

  /**
   * Sends a register that is already synced on this node to the key's other replicas; completes
   * once as many replicas as {@code consistency} needs have synced it, or fails with an {@link
   * UnavailableException} saying the write may have been applied partially.
   */
  CompletionStage<Void> replicate(String key, Register register, Consistency consistency);

  /**
   * The merge of what a read quorum of the key's replicas holds (null when none has it); fails
   * with an {@link UnavailableException} when a quorum does not answer in time.
   */
  CompletionStage<Register> readQuorum(String key);
}
