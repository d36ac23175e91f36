package io.kvstore.entity;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kvstore.crdt.HlcTimestamp;
import io.kvstore.crdt.Register;
import io.kvstore.replica.ReplicaStore;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Per-partition TTL sweeps: who expires a due value, and when an index entry is just stale. */
class ExpirySweeperTest {
  private static final long EXPIRES_AT = 1_000_000;
  private static final Duration TAKEOVER = Duration.ofSeconds(30);
  private static final ReplicaStore.DueExpiry DUE = new ReplicaStore.DueExpiry("k", EXPIRES_AT);

  private static Register valueExpiringAt(long expiresAtMillis) {
    return Register.write(null, new byte[] {1}, new HlcTimestamp(EXPIRES_AT - 60_000, 0, "n1"), expiresAtMillis);
  }

  @Test
  void thePartitionsPrimaryExpiresADueValue() {
    assertEquals(
        ExpirySweeper.Step.EXPIRE, ExpirySweeper.stepFor(DUE, valueExpiringAt(EXPIRES_AT), true, EXPIRES_AT, TAKEOVER));
  }

  @Test
  void anotherReplicaWaitsForThePrimaryUntilTheTakeoverTime() {
    Register stored = valueExpiringAt(EXPIRES_AT);
    long justBefore = EXPIRES_AT + TAKEOVER.toMillis() - 1;
    assertEquals(ExpirySweeper.Step.WAIT, ExpirySweeper.stepFor(DUE, stored, false, justBefore, TAKEOVER));
    assertEquals(
        ExpirySweeper.Step.EXPIRE,
        ExpirySweeper.stepFor(DUE, stored, false, EXPIRES_AT + TAKEOVER.toMillis(), TAKEOVER));
  }

  @Test
  void aValueRewrittenWithAnotherTtlOrNoneMakesTheEntryStaleOnEveryReplica() {
    for (boolean primary : new boolean[] {true, false}) {
      assertEquals(
          ExpirySweeper.Step.DROP_ENTRY,
          ExpirySweeper.stepFor(DUE, valueExpiringAt(EXPIRES_AT + 5_000), primary, EXPIRES_AT, TAKEOVER));
      assertEquals(ExpirySweeper.Step.DROP_ENTRY, ExpirySweeper.stepFor(DUE, valueExpiringAt(0), primary, EXPIRES_AT, TAKEOVER));
    }
  }
}
