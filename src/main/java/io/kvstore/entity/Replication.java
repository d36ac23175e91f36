package io.kvstore.entity;

import io.kvstore.api.Consistency;
import io.kvstore.api.UnavailableException;
import io.kvstore.crdt.Register;
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
   * Sends a register to the key's other replicas while this node syncs it ({@code localSync});
   * completes once this node and as many replicas in all as {@code consistency} needs have synced
   * it, or fails with an {@link UnavailableException} saying the write may have been applied
   * partially. This node must be among them (ONE means the owner), so an acknowledged write is
   * always in the owner's journal.
   */
  CompletionStage<Void> replicate(
      String key, Register register, Consistency consistency, CompletionStage<Void> localSync);

  /**
   * The merge of what a read quorum of the key's replicas holds (null when none has it); fails
   * with an {@link UnavailableException} when a quorum does not answer in time.
   */
  CompletionStage<Register> readQuorum(String key);
}
