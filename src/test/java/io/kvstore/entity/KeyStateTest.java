package io.kvstore.entity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kvstore.crdt.HlcTimestamp;
import io.kvstore.crdt.Register;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class KeyStateTest {
  private static final byte[] VALUE = "v".getBytes(StandardCharsets.UTF_8);

  private static KeyState written(long at, long ttlMillis) {
    return KeyState.EMPTY.with(KeyState.EMPTY.put(VALUE, ttlMillis, new HlcTimestamp(at, 0, "n1")));
  }

  @Test
  void createOnlyIsAllowedOnlyWithoutALiveValue() {
    assertTrue(KeyState.EMPTY.permits(Precondition.absent(), 0));
    assertFalse(written(100, 0).permits(Precondition.absent(), 200));
    KeyState deleted = written(100, 0);
    deleted = deleted.with(deleted.delete(new HlcTimestamp(150, 0, "n1")));
    assertTrue(deleted.permits(Precondition.absent(), 200));
  }

  @Test
  void ifMatchRequiresTheCurrentVersion() {
    KeyState state = written(100, 0);
    String current = state.register().versionToken();
    assertTrue(state.permits(Precondition.matching(current), 200));
    assertTrue(state.permits(Precondition.matching("*"), 200));
    assertFalse(state.permits(Precondition.matching("v9-other"), 200));
    assertFalse(KeyState.EMPTY.permits(Precondition.matching("*"), 200));
  }

  @Test
  void ttlIsCountedFromTheWriteAndAnExpiredValueReadsAbsent() {
    KeyState state = written(1_000, 500);
    assertEquals(1_500, state.register().expiresAtMillis());
    assertTrue(state.liveAt(1_499).isPresent());
    assertTrue(state.liveAt(1_500).isEmpty());
    // Create-only succeeds over an expired value.
    assertTrue(state.permits(Precondition.absent(), 1_500));
  }

  @Test
  void anIndexedExpiryAppliesOnlyToTheValueItWasIndexedFor() {
    KeyState state = written(1_000, 500);
    assertFalse(state.isDueToExpire(1_500, 1_499));
    assertTrue(state.isDueToExpire(1_500, 1_500));
    assertFalse(state.isDueToExpire(1_400, 1_600), "a rewrite changed the expiry");
    Register rewritten = state.put(VALUE, 0, new HlcTimestamp(1_200, 0, "n1"));
    assertFalse(state.with(rewritten).isDueToExpire(1_500, 1_600), "the rewrite removed the TTL");
  }
}
