package io.kvstore.entity;

import io.kvstore.CborSerializable;
import io.kvstore.crdt.HlcTimestamp;
import io.kvstore.crdt.Register;
import java.util.Optional;

/**
 * The state of one key's entity and the rules on it, kept pure so they test without actors.
 *
 * @param register the newest register, tombstones included; null before the first write
 */
public record KeyState(Register register) implements CborSerializable {
  public static final KeyState EMPTY = new KeyState(null);

  /** The value readers see at {@code nowMillis}: absent once deleted or expired. */
  public Optional<Register> liveAt(long nowMillis) {
    return register != null && register.isLiveAt(nowMillis) ? Optional.of(register) : Optional.empty();
  }

  /** The stamp of the newest version, which a replacing version's stamp must follow. */
  public HlcTimestamp stamp() {
    return register == null ? null : register.stamp();
  }

  public boolean permits(Precondition precondition, long nowMillis) {
    return precondition.allows(liveAt(nowMillis));
  }

  public Register put(byte[] value, long ttlMillis, HlcTimestamp stamp) {
    long expiresAt = ttlMillis > 0 ? stamp.physicalMillis() + ttlMillis : 0L;
    return Register.write(register, value, stamp, expiresAt);
  }

  /** A new value with the given absolute expiry (0: none), as a read-modify-write keeps it. */
  public Register rewrite(byte[] value, long expiresAtMillis, HlcTimestamp stamp) {
    return Register.write(register, value, stamp, expiresAtMillis);
  }

  public Register delete(HlcTimestamp stamp) {
    return Register.tombstone(register, stamp);
  }

  /**
   * Whether an expiry found in the TTL index still applies: the live value is the one that was
   * indexed (a later write may have changed or removed its TTL) and its time has come.
   */
  public boolean isDueToExpire(long indexedExpiresAtMillis, long nowMillis) {
    return register != null
        && !register.tombstone()
        && register.expiresAtMillis() == indexedExpiresAtMillis
        && register.isExpiredAt(nowMillis);
  }

  public KeyState with(Register next) {
    return new KeyState(next);
  }
}
